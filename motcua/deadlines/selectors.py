"""Build the working calendar from the `holidays` library, the override table and settings."""

from collections.abc import Iterable
from datetime import date, time
from functools import lru_cache
from typing import Any

import holidays
from django.conf import settings
from django.utils import timezone

from .calendar import OfficeHours, WorkingCalendar
from .constants import DEFAULT_HOLIDAYS_NOT_OBSERVED, DEFAULT_OFFICE_HOURS, OverrideKind
from .models import AgencyOfficeHours, CalendarOverride


def calendar_for(agency: Any = None, *, years: Iterable[int] | None = None) -> WorkingCalendar:
    """The working calendar of `agency` (or the settings' default hours) for `years` (by
    default last year to two years ahead): library holidays, then the override table."""
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
    return WorkingCalendar(frozenset(days_off), frozenset(extra), office_hours_for(agency))


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


def office_hours_for(agency: Any = None) -> OfficeHours:
    row = AgencyOfficeHours.objects.filter(agency=agency).first() if agency else None
    if row is not None:
        return OfficeHours(
            row.morning_start, row.morning_end, row.afternoon_start, row.afternoon_end
        )
    configured = getattr(settings, "MOTCUA_OFFICE_HOURS", DEFAULT_OFFICE_HOURS)
    return OfficeHours(*(time.fromisoformat(value) for value in configured))
