"""Writes to the calendar tables; each is one transaction with its audit event."""

from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc

from .models import AgencyOfficeHours, CalendarOverride


def _validated(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        messages = [f"{name}: {msg}" for name, msgs in error.message_dict.items() for msg in msgs]
        raise ValidationFailed(_("The calendar entry is not valid."), errors=messages) from None


@transaction.atomic
def calendar_override_set(
    *, day: date, kind: str, reason: str, legal_reference: str = "", actor: Any = None
) -> CalendarOverride:
    """Create or replace the override of `day`."""
    override = CalendarOverride.objects.filter(day=day).first() or CalendarOverride(day=day)
    override.kind, override.reason = kind, nfc(reason).strip()
    override.legal_reference = nfc(legal_reference).strip()
    _validated(override)
    override.save()
    audit.record(
        action="deadlines.calendaroverride.set",
        actor=actor,
        subject=override,
        data={"day": day, "kind": kind, "legal_reference": override.legal_reference},
    )
    return override


@transaction.atomic
def office_hours_set(
    *,
    agency: Any,
    hours: tuple[time, time, time, time],
    same_day_cutoff: time | None = None,
    actor: Any = None,
) -> AgencyOfficeHours:
    """Set `agency`'s office hours (morning start, morning end, afternoon start, afternoon
    end) and same-day cut-off (None: settings.MOTCUA_SAME_DAY_CUTOFF)."""
    row = AgencyOfficeHours.objects.filter(agency=agency).first() or AgencyOfficeHours(
        agency=agency
    )
    row.morning_start, row.morning_end, row.afternoon_start, row.afternoon_end = hours
    row.same_day_cutoff = same_day_cutoff
    _validated(row)
    row.save()
    audit.record(
        action="deadlines.agencyofficehours.set",
        actor=actor,
        subject=row,
        data={
            "hours": [value.isoformat() for value in hours],
            "same_day_cutoff": same_day_cutoff.isoformat() if same_day_cutoff else None,
        },
    )
    return row
