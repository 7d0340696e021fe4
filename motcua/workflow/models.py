"""Internal processes (quy trình nội bộ) as versioned data: ordered steps, each with a role, an
agency and its share of the legal time, and the moves allowed between them."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency
from motcua.catalogue.models import Procedure

from .constants import MoveKind, ProcessStatus


class Process(models.Model):
    """One version of the internal process of a procedure at its home (receiving and
    resolving) agency. Only drafts are edited; one version per procedure and agency is in force."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="processes",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="processes",
        help_text=_("The agency that receives the dossier and issues the result."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProcessStatus.choices,
        default=ProcessStatus.DRAFT,
        db_index=True,
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    decision = models.CharField(
        _("approving decision"),
        max_length=255,
        blank=True,
        help_text=_("The approving decision, e.g. a provincial chair's decision number."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("internal process")
        verbose_name_plural = _("internal processes")
        ordering = ["procedure_id", "agency_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency", "version"],
                name="workflow_process_version_unique",
                violation_error_message=_(
                    "This procedure already has this version at this agency."
                ),
            ),
            models.UniqueConstraint(
                fields=["procedure", "agency"],
                condition=Q(status=ProcessStatus.PUBLISHED),
                name="workflow_process_one_published",
                violation_error_message=_(
                    "Only one version of a process can be published at a time."
                ),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="workflow_process_version_positive"
            ),
        ]

    def __str__(self) -> str:
        agency = self.agency.short_name or self.agency.name
        return f"{self.procedure.national_code} v{self.version} ({agency})"

    @property
    def is_draft(self) -> bool:
        return self.status == ProcessStatus.DRAFT


class ProcessStep(models.Model):
    """One step of a process, in `position` order; `hours` is its share of the legal time."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Leave empty for the process's own agency; another agency makes this an "
            "inter-agency step."
        ),
    )
    hours = models.DecimalField(
        _("working hours"),
        max_digits=7,
        decimal_places=2,
        help_text=_("The step's share of the legal time (1 working day = 8 hours)."),
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "position"],
                name="workflow_step_position_unique",
                violation_error_message=_("Two steps cannot have the same position."),
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="workflow_step_position_positive"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="workflow_step_hours_not_negative",
                violation_error_message=_("The hours of a step cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    @property
    def is_transfer(self) -> bool:
        """Another agency does this step (liên thông)."""
        return self.agency_id is not None and self.agency_id != self.process.agency_id


class ProcessMove(models.Model):
    """An explicit move between two steps. A step without explicit moves of a kind uses the
    default: forward to the next step, back to any earlier step of the home agency."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="moves"
    )
    source = models.ForeignKey(
        ProcessStep, verbose_name=_("from step"), on_delete=models.CASCADE, related_name="moves_out"
    )
    target = models.ForeignKey(
        ProcessStep, verbose_name=_("to step"), on_delete=models.CASCADE, related_name="moves_in"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=MoveKind.choices, default=MoveKind.FORWARD
    )

    class Meta:
        verbose_name = _("process move")
        verbose_name_plural = _("process moves")
        ordering = ["source__position", "target__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target"],
                name="workflow_move_unique",
                violation_error_message=_("This move already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="workflow_move_not_to_itself",
                violation_error_message=_("A step cannot move to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.get_kind_display()})"
