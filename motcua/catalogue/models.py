"""What a procedure is: the national record as a province publishes it."""

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import AgencyKind
from motcua.core.validity import covers
from motcua.deadlines.constants import DayCount, ResumeMode

from .constants import (
    Channel,
    FeeKind,
    FeeTiming,
    FeeUnit,
    OnlineType,
    ProcedureLevel,
    PublicationStatus,
    TimeUnit,
)

national_code_validator = RegexValidator(
    r"^\d\.\d{6}$", _("A national procedure code has the form 1.001193.")
)


class Field(models.Model):
    """A field (lĩnh vực) such as civil status or construction."""

    slug = models.SlugField(_("key"), max_length=100, unique=True)
    national_code = models.CharField(_("national code"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LegalDocument(models.Model):
    """A legal instrument a procedure rests on (căn cứ pháp lý)."""

    number = models.CharField(_("number"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=500)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} – {self.title}"


class FormTemplate(models.Model):
    """A downloadable form (mẫu đơn, tờ khai)."""

    name = models.CharField(_("name"), max_length=500)
    file = models.FileField(_("file"), upload_to="forms/", blank=True)

    class Meta:
        verbose_name = _("form template")
        verbose_name_plural = _("form templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) with its validity and publication state."""

    national_code = models.CharField(
        _("national code"), max_length=20, unique=True, validators=[national_code_validator]
    )
    local_code = models.CharField(_("local code"), max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.CharField(_("implementing level"), max_length=10, choices=ProcedureLevel.choices)
    agency_kind = models.CharField(
        _("implementing agency kind"), max_length=20, choices=AgencyKind.choices
    )
    implementing_agency = models.CharField(_("implementing agency"), max_length=500, blank=True)
    online_type = models.CharField(
        _("online service type"),
        max_length=10,
        choices=OnlineType.choices,
        blank=True,
        help_text=_("Empty when the published record does not say."),
    )
    procedure_type = models.PositiveSmallIntegerField(
        _("procedure type"), null=True, blank=True, choices=[(1, "1"), (2, "2"), (3, "3")]
    )
    applicants = models.JSONField(_("applicants"), default=list, blank=True)
    legal_bases = models.ManyToManyField(
        LegalDocument, verbose_name=_("legal basis"), blank=True, related_name="procedures"
    )
    conditions = models.TextField(_("conditions"), blank=True)
    results = models.JSONField(_("results"), default=list, blank=True)
    steps = models.JSONField(_("steps"), default=list, blank=True)
    source = models.TextField(_("source"), blank=True)
    source_note = models.TextField(_("source note"), blank=True)
    day_count = models.CharField(
        _("counting of working days"),
        max_length=12,
        choices=DayCount.choices,
        default=DayCount.END_OF_DAY,
        help_text=_("How a time in working days becomes a due time (domain rule, see docs)."),
    )
    resume_mode = models.CharField(
        _("after a pause"),
        max_length=10,
        choices=ResumeMode.choices,
        default=ResumeMode.RESTART,
        help_text=_("What a supplement, financial obligation or stop does to the due time."),
    )
    fee_timing = models.CharField(
        _("fees paid"),
        max_length=10,
        choices=FeeTiming.choices,
        default=FeeTiming.AT_ACCEPTANCE,
        help_text=_(
            "Before acceptance: an online dossier is accepted only once its fees are paid. At "
            "acceptance: paid when the dossier is accepted. With the result: paid when the "
            "result is returned."
        ),
    )
    fee_refundable = models.BooleanField(
        _("fees refunded if refused or withdrawn"),
        default=False,
        help_text=_(
            "Whether fees paid are given back when the dossier is refused or withdrawn, as the "
            "procedure's rules say. Default: no refund."
        ),
    )
    result_must_be_signed = models.BooleanField(
        _("result must be digitally signed"),
        default=False,
        help_text=_(
            "The electronic result needs the competent person's and the organisation's digital "
            "signatures before the dossier is finished or its result returned online "
            "(BatBuocKySoKetQua in the national systems)."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "level", "online_type"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="procedure_valid_range",
                violation_error_message=_("“Valid to” cannot be before “valid from”."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.national_code} {self.name}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return covers(self.valid_from, self.valid_to, day)


class ProcedureChannel(models.Model):
    """How a procedure is done through one channel: its legal processing time and fees."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="channels"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    time_value = models.DecimalField(
        _("processing time"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    time_unit = models.CharField(
        _("time unit"), max_length=15, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY
    )
    time_note = models.TextField(_("time note"), blank=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["procedure", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "channel"], name="procedure_channel_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} {self.get_channel_display()}"


class Fee(models.Model):
    """One fee or charge line of a channel, in VND."""

    channel = models.ForeignKey(
        ProcedureChannel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="fees"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=FeeKind.choices, default=FeeKind.FEE)
    amount = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    unit = models.CharField(
        _("charged"), max_length=10, choices=FeeUnit.choices, default=FeeUnit.DOSSIER
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["channel", "position", "id"]

    def __str__(self) -> str:
        return self.description or str(self.amount)


class Component(models.Model):
    """A paper of the dossier (thành phần hồ sơ) with how many originals and copies are needed."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="components"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.TextField(_("name"))
    case = models.CharField(_("case"), max_length=500, blank=True)
    # None: the published record does not say how many (not the same as 0).
    originals = models.PositiveSmallIntegerField(_("originals"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("copies"), null=True, blank=True)
    form = models.ForeignKey(
        FormTemplate,
        verbose_name=_("form template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="components",
    )

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["procedure", "position", "id"]

    def __str__(self) -> str:
        return self.name
