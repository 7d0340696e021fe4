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
#: The same-day cut-off when neither the agency nor settings.MOTCUA_SAME_DAY_CUTOFF say
#: otherwise: a same-day dossier counted from 15:00:00 or earlier is due that day, one counted
#: from strictly after it the next working day (domain-vn §2.3, "received after 15:00").
DEFAULT_SAME_DAY_CUTOFF = "15:00"


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


class DayOffReceipt(StrEnum):
    """Where the clock of a dossier received on a day off (a Saturday reception, an online
    acceptance on a Sunday) counts from: settings.MOTCUA_DAY_OFF_RECEIPT_COUNTS_FROM."""

    # Civil Code Art. 147(2): the day of receipt is the day not counted; day 1 is the next
    # working day (the default)
    RECEIPT_DAY = "receipt_day"
    # as if received at the next working day's opening: that day is not counted, day 1 is the
    # working day after it
    NEXT_WORKING_DAY = "next_working_day"


class JudgementLevel(StrEnum):
    """What early / on time / late compares: settings.MOTCUA_JUDGEMENT_LEVEL."""

    # dates in Vietnam time: finished on the due date is on time whatever the hour (default)
    DATE = "date"
    # the due moment: finished after it is late even on the due date
    TIME = "time"


class Judgement(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
