"""Build the working calendar from the `holidays` library, the override table and settings."""

from collections.abc import Iterable
from datetime import date, time
from functools import lru_cache
from typing import Any

import holidays
from django.conf import settings
from django.utils import timezone

from . import conf
from .calendar import OfficeHours, WorkingCalendar
from .constants import (
    DEFAULT_HOLIDAYS_NOT_OBSERVED,
    DEFAULT_OFFICE_HOURS,
    JudgementLevel,
    OverrideKind,
)
from .models import AgencyOfficeHours, CalendarOverride


def calendar_for(agency: Any = None, *, years: Iterable[int] | None = None) -> WorkingCalendar:
    """The working calendar of `agency` (or the settings' defaults) for `years` (by default
    last year to two years ahead): library holidays, then the override table; the agency's
    office hours and same-day cut-off; the day-off receipt rule of settings."""
    wanted = tuple(sorted(set(years if years is not None else _default_years())))
    library_off, library_extra = library_days(wanted)
    days_off, extra = set(library_off), set(library_extra)
    for override in CalendarOverride.objects.filter(day__year__in=wanted):
        if override.kind == OverrideKind.DAY_OFF:
            days_off.add(override.day)
            extra.discard(override.day)
        else:
            days_off.discard(override.day)
            extra.add(override.day)
    row = _office_row(agency)
    return WorkingCalendar(
        frozenset(days_off),
        frozenset(extra),
        _hours_of(row),
        same_day_cutoff=_cutoff_of(row),
        day_off_receipt=conf.day_off_receipt(),
    )


def judgement_level() -> JudgementLevel:
    """How early / on time / late is judged everywhere (the stored judgement, the register,
    the slips, the statistics): settings.MOTCUA_JUDGEMENT_LEVEL, "date" (default) or "time"."""
    return conf.judgement_level()


def _default_years() -> range:
    this_year = timezone.localdate().year
    return range(this_year - 1, this_year + 3)


@lru_cache(maxsize=32)
def library_days(years: tuple[int, ...]) -> tuple[frozenset[date], frozenset[date]]:
    """Days off and swapped working Saturdays that `holidays` knows for Vietnam in `years`,
    minus those in settings.MOTCUA_HOLIDAYS_NOT_OBSERVED ("MM-DD" or "YYYY-MM-DD")."""
    calendar = holidays.country_holidays("VN", years=years)
    ignored = set(getattr(settings, "MOTCUA_HOLIDAYS_NOT_OBSERVED", DEFAULT_HOLIDAYS_NOT_OBSERVED))
    days_off = frozenset(
        day
        for day in calendar
        if day.year in years and not {day.isoformat(), day.isoformat()[5:]} & ignored
    )
    workdays = frozenset(d for d in getattr(calendar, "weekend_workdays", ()) if d.year in years)
    return days_off, workdays


def _office_row(agency: Any) -> AgencyOfficeHours | None:
    return AgencyOfficeHours.objects.filter(agency=agency).first() if agency else None


def office_hours_for(agency: Any = None) -> OfficeHours:
    """`agency`'s office hours, else settings.MOTCUA_OFFICE_HOURS."""
    return _hours_of(_office_row(agency))


def same_day_cutoff_for(agency: Any = None) -> time:
    """`agency`'s same-day cut-off, else settings.MOTCUA_SAME_DAY_CUTOFF (default 15:00)."""
    return _cutoff_of(_office_row(agency))


def _hours_of(row: AgencyOfficeHours | None) -> OfficeHours:
    if row is not None:
        return OfficeHours(
            row.morning_start, row.morning_end, row.afternoon_start, row.afternoon_end
        )
    configured = getattr(settings, "MOTCUA_OFFICE_HOURS", DEFAULT_OFFICE_HOURS)
    return OfficeHours(*(time.fromisoformat(value) for value in configured))


def _cutoff_of(row: AgencyOfficeHours | None) -> time:
    if row is not None and row.same_day_cutoff is not None:
        return row.same_day_cutoff
    return conf.same_day_cutoff()
