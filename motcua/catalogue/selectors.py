"""Reads of the catalogue that the portal, the API and later the dossiers use."""

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from motcua.core.text import vietnamese_sort_key
from motcua.core.validity import valid_on

from . import interchange, search
from .constants import PublicationStatus
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
