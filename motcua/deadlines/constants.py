"""Choices and defaults of the working-day calendar."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Office hours when neither the agency nor settings.MOTCUA_OFFICE_HOURS say otherwise.
DEFAULT_OFFICE_HOURS = ("07:30", "11:30", "13:00", "17:00")
#: Library holidays MotCua does not observe ("MM-DD" every year or "YYYY-MM-DD" once) unless
#: settings.MOTCUA_HOLIDAYS_NOT_OBSERVED says otherwise. 24 November (Vietnam Culture Day) is
#: listed by `holidays` from 2026 but Labour Code Art. 112(1) has not been amended (domain-vn §4).
DEFAULT_HOLIDAYS_NOT_OBSERVED = ("11-24",)


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class DayCount(models.TextChoices):
    """How a period in working days is counted (chosen per procedure)."""

    # Civil Code Arts. 147-148: the default
    END_OF_DAY = "end_of_day", _("Civil Code: from the day after receipt to closing")
    # industry practice: N x 8 working hours from the receipt time
    HOURS = "hours", _("8 working hours per day from the receipt time")


class ResumeMode(models.TextChoices):
    """What happens to the due time when a paused dossier resumes (chosen per procedure)."""

    # per decree: the full legal time again from the resume time
    RESTART = "restart", _("Restart the full legal time (per decree)")
    # push the due time by the working time spent paused
    EXTEND = "extend", _("Extend the due time by the paused time")


class Judgement(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
