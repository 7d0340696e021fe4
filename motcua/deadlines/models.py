from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency

from .constants import OverrideKind


class CalendarOverride(models.Model):
    """A government-decided change to the library's calendar: an extra day off, a swapped
    working Saturday, or a library holiday that is not (yet) observed."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OverrideKind.choices)
    reason = models.CharField(_("reason"), max_length=255)
    legal_reference = models.CharField(
        _("legal reference"),
        max_length=255,
        blank=True,
        help_text=_("For example Thông báo 6150/TB-BLĐTBXH"),
    )

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()}"


class AgencyOfficeHours(models.Model):
    """An agency's office hours and same-day cut-off; agencies without a row use
    settings.MOTCUA_OFFICE_HOURS and settings.MOTCUA_SAME_DAY_CUTOFF."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="office_hours", verbose_name=_("agency")
    )
    morning_start = models.TimeField(_("morning start"), default=time(7, 30))
    morning_end = models.TimeField(_("morning end"), default=time(11, 30))
    afternoon_start = models.TimeField(_("afternoon start"), default=time(13, 0))
    afternoon_end = models.TimeField(_("afternoon end"), default=time(17, 0))
    same_day_cutoff = models.TimeField(
        _("same-day cut-off"),
        null=True,
        blank=True,
        help_text=_(
            "A same-day dossier received at this time or earlier is due the same day, one "
            "received after it the next working day. Empty: the setting (15:00 by default)."
        ),
    )

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")

    def __str__(self) -> str:
        return str(self.agency)

    def clean(self) -> None:
        if not self.morning_start < self.morning_end:
            raise ValidationError({"morning_end": _("The morning must end after it starts.")})
        if not self.afternoon_start < self.afternoon_end:
            raise ValidationError({"afternoon_end": _("The afternoon must end after it starts.")})
        if not self.morning_end <= self.afternoon_start:
            raise ValidationError(
                {"afternoon_start": _("The afternoon must start after the morning ends.")}
            )
        cutoff = self.same_day_cutoff
        if cutoff is not None and not self.morning_start <= cutoff <= self.afternoon_end:
            raise ValidationError(
                {"same_day_cutoff": _("The same-day cut-off must fall within the office hours.")}
            )
