"""Effective dating shared by every dated record (agencies, procedures): `valid_from` is the
first day, `valid_to` the last day, and an empty bound is open."""

import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _


def covers(
    valid_from: datetime.date | None, valid_to: datetime.date | None, day: datetime.date
) -> bool:
    """Whether a record valid from `valid_from` to `valid_to` (inclusive) is valid on `day`."""
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def valid_on(day: datetime.date) -> Q:
    """The queryset filter for records valid on `day` (the database twin of `covers`)."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def parse_optional_date(value: Any) -> datetime.date | None:
    """A date from an import file: empty → None, a date stays, text must be YYYY-MM-DD."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": value}) from None
