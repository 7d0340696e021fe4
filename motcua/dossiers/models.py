"""Dossier tables. For now only the daily counter behind the dossier codes."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency

MAX_DAILY_NUMBER = 9999  # the code's counter has four digits (Circular 01/2018 Art. 19)


class DossierCodeCounter(models.Model):
    """The last dossier number an agency gave on one day; locked while the next is taken."""

    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="dossier_code_counters",
        verbose_name=_("agency"),
    )
    day = models.DateField(_("day of receipt"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("dossier code counter")
        verbose_name_plural = _("dossier code counters")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_counter_unique"),
            models.CheckConstraint(
                condition=Q(last_number__lte=MAX_DAILY_NUMBER),
                name="dossier_code_counter_four_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.day.isoformat()}: {self.last_number}"
