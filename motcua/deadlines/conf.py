"""The deadline settings, read and checked in one place (no database).

A wrong value is a configuration error (ImproperlyConfigured naming the setting), never a
silent fallback: a province's figures must not change because of a typo.
"""

from datetime import time
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .constants import DEFAULT_SAME_DAY_CUTOFF, DayOffReceipt, JudgementLevel

Choice = TypeVar("Choice", DayOffReceipt, JudgementLevel)


def _choice(name: str, kind: type[Choice], default: Choice) -> Choice:
    value = getattr(settings, name, default.value)
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(f'"{member.value}"' for member in kind)
        raise ImproperlyConfigured(f"{name} must be one of {allowed}, not {value!r}.") from None


def judgement_level() -> JudgementLevel:
    """settings.MOTCUA_JUDGEMENT_LEVEL: "date" (default) or "time"."""
    return _choice("MOTCUA_JUDGEMENT_LEVEL", JudgementLevel, JudgementLevel.DATE)


def day_off_receipt() -> DayOffReceipt:
    """settings.MOTCUA_DAY_OFF_RECEIPT_COUNTS_FROM: "receipt_day" (default) or
    "next_working_day"."""
    return _choice("MOTCUA_DAY_OFF_RECEIPT_COUNTS_FROM", DayOffReceipt, DayOffReceipt.RECEIPT_DAY)


def same_day_cutoff() -> time:
    """settings.MOTCUA_SAME_DAY_CUTOFF ("HH:MM", default "15:00")."""
    value = getattr(settings, "MOTCUA_SAME_DAY_CUTOFF", DEFAULT_SAME_DAY_CUTOFF)
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ImproperlyConfigured(
            f'MOTCUA_SAME_DAY_CUTOFF must be a time "HH:MM", not {value!r}.'
        ) from None
