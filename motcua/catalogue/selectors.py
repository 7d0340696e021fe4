"""Reads of the catalogue that the portal, the API and later the dossiers use."""

import datetime
import math
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from motcua.core.text import vietnamese_sort_key
from motcua.core.validity import valid_on
from motcua.deadlines.calendar import HOURS_PER_DAY, Period
from motcua.deadlines.constants import DayCount

from . import interchange, search
from .constants import Channel, PublicationStatus, TimeUnit
from .models import Fee, Field, Procedure, ProcedureChannel


def procedure_list_published(*, day: datetime.date | None = None) -> QuerySet[Procedure]:
    """Procedures the public may see: published and valid on the day (today by default)."""
    day = day or timezone.localdate()
    return Procedure.objects.filter(
        valid_on(day), status=PublicationStatus.PUBLISHED
    ).select_related("field")


def procedure_find(
    *,
    query: str = "",
    field: str = "",
    level: str = "",
    online_type: str = "",
) -> list[Procedure]:
    """Published procedures filtered by field key, level and online type, searched by `query`."""
    procedures = procedure_list_published()
    if field:
        procedures = procedures.filter(field__slug=field)
    if level:
        procedures = procedures.filter(level=level)
    if online_type:
        procedures = procedures.filter(online_type=online_type)
    if query.strip():
        return search.search(procedures, query)
    return sorted(
        procedures,
        key=lambda p: (vietnamese_sort_key(p.field.name), vietnamese_sort_key(p.name)),
    )


def procedure_get_published(*, national_code: str) -> Procedure:
    """One published procedure with everything its page shows; 404 if not public."""
    channels = ProcedureChannel.objects.prefetch_related(
        Prefetch("fees", queryset=Fee.objects.order_by("position", "id"))
    )
    return get_object_or_404(
        procedure_list_published().prefetch_related(
            Prefetch("channels", queryset=channels),
            "components__form",
            "legal_bases",
        ),
        national_code=national_code,
    )


def procedure_legal_period(*, procedure: Procedure, channel: str) -> Period | None:
    """The legal time of `procedure` through `channel` (falling back to the counter's time),
    counted the procedure's way; None when the record states no time."""
    times = {c.channel: c for c in procedure.channels.all()}
    row = times.get(channel)
    if row is None or row.time_value is None:
        row = times.get(Channel.DIRECT)
    if row is None or row.time_value is None:
        return None
    return legal_period(row.time_value, row.time_unit, DayCount(procedure.day_count))


def legal_period(value: Decimal, unit: str, count: DayCount = DayCount.END_OF_DAY) -> Period:
    """A stated time as a deadline Period: whole working days stay days, a fraction of a
    working day becomes working hours (1 day = 8 h), hours round up to whole hours."""
    if unit == TimeUnit.DAY:
        return Period(calendar_days=math.ceil(value))
    hours = value * HOURS_PER_DAY if unit == TimeUnit.WORKING_DAY else value
    if unit == TimeUnit.WORKING_DAY and value == int(value):
        return Period(working_days=int(value), count=count)
    return Period(working_hours=math.ceil(hours))


def field_list_with_counts() -> list[Field]:
    """Fields that have published procedures, with how many, in Vietnamese alphabetical order."""
    published = procedure_list_published()
    fields = Field.objects.annotate(
        procedure_count=Count("procedures", filter=Q(procedures__in=published))
    ).filter(procedure_count__gt=0)
    return sorted(fields, key=lambda f: vietnamese_sort_key(f.name))


def catalogue_export() -> dict[str, Any]:
    """The whole catalogue (drafts included) as an interchange document."""
    procedures = Procedure.objects.select_related("field").prefetch_related(
        "legal_bases",
        Prefetch("channels", queryset=ProcedureChannel.objects.prefetch_related("fees")),
        "components__form",
    )
    return {
        "format": interchange.FORMAT,
        "version": interchange.VERSION,
        "fields": [
            {"slug": f.slug, "national_code": f.national_code, "name": f.name, "name_en": f.name_en}
            for f in Field.objects.order_by("slug")
        ],
        "procedures": [
            interchange.procedure_to_entry(p) for p in procedures.order_by("national_code")
        ],
    }
