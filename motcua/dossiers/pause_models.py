"""The history of a dossier's pauses: when the legal clock stopped, why, until when the
applicant had to answer, and the legal due time before and after. Statistics of a past period
read it (the dossier row alone says only how things stand now); written by dossiers.services."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AuditEvent

from .constants import PauseKind


class DossierPause(models.Model):
    """One pause: a supplement request (before acceptance or during processing), a financial
    obligation or a stop, from the act that began it to the act that ended it."""

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="pauses",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=PauseKind.choices)
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    answer_by = models.DateField(
        _("answer by"),
        null=True,
        blank=True,
        help_text=_("The date by which the applicant must supplement or pay."),
    )
    due_before = models.DateTimeField(_("legal due time when paused"), null=True, blank=True)
    due_after = models.DateTimeField(_("legal due time when resumed"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    end_act = models.CharField(_("ended by act"), max_length=40, blank=True)
    # Empty only for pauses rebuilt from the audit trail by migration 0013.
    started_event = models.ForeignKey(
        AuditEvent,
        verbose_name=_("audit event"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["dossier", "started_at", "id"]
        indexes = [models.Index(fields=["dossier", "ended_at"])]
        constraints = [
            # At most one open pause per dossier: pauses are not nested (dossiers.states).
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(ended_at__isnull=True),
                name="dossier_pause_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"
