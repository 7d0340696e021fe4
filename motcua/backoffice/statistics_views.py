"""The statistics table (reporting.statistics) for officials: a form (agency, period, rows by
agency / field / procedure), the table with the report's headings and totals, and its XLSX
download (reporting.report) holding the same numbers.

Officials only (anyone else gets 404), for their agencies and everything below them; another
agency, a period that ends before it starts or is longer than MAX_PERIOD_DAYS show the form
again with a clear error (400).
"""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from motcua.accounts.models import Agency, User
from motcua.deadlines.calendar import local
from motcua.reporting.report import (
    COLUMNS,
    FLAT_COLUMNS,
    GROUP_LABELS,
    XLSX_CONTENT_TYPE,
    report_filename,
    report_xlsx,
    row_values,
)
from motcua.reporting.statistics import (
    MAX_PERIOD_DAYS,
    StatTable,
    statistics_agencies,
    statistics_table,
)

from .period_forms import AgencyPeriodForm
from .worklists import is_official


class StatisticsForm(AgencyPeriodForm):
    group_by = forms.ChoiceField(
        label=_("One row per"),
        choices=[(key, label) for key, label in GROUP_LABELS.items()],
        error_messages={"invalid_choice": _("Group by agency, field or procedure.")},
    )
    separate = forms.BooleanField(
        label=_("Each agency on its own row (without the agencies below it)"), required=False
    )


def _official(request: HttpRequest) -> User:
    if not is_official(request.user):
        raise Http404
    assert isinstance(request.user, User)
    return request.user


def _default_agency(agencies: QuerySet[Agency]) -> Agency | None:
    """The highest of the user's agencies: one whose parent is not among them."""
    listed = list(agencies.order_by("name"))
    ids = {a.pk for a in listed}
    return next((a for a in listed if a.parent_id not in ids), None)


def _form(request: HttpRequest, user: User) -> StatisticsForm:
    agencies = statistics_agencies(user=user).order_by("name")
    today = local(timezone.now()).date()
    agency = _default_agency(agencies)
    defaults = {
        "agency": agency.slug if agency else "",
        "date_from": today.replace(month=1, day=1).isoformat(),
        "date_to": today.isoformat(),
        "group_by": "agency",
    }
    return StatisticsForm(defaults | request.GET.dict(), agencies=agencies)


def _table(form: StatisticsForm) -> StatTable:
    data = form.cleaned_data
    return statistics_table(
        agency=data["agency"],
        start=data["date_from"],
        end=data["date_to"],
        group_by=data["group_by"],
        roll_up=not data["separate"],
    )


def _query(table: StatTable) -> str:
    assert table.agency is not None
    query = {
        "agency": table.agency.slug,
        "date_from": table.start.isoformat(),
        "date_to": table.end.isoformat(),
        "group_by": table.group_by,
    }
    if not table.roll_up:
        query["separate"] = "on"
    return urlencode(query)


def _page(
    request: HttpRequest, form: StatisticsForm, table: StatTable | None, *, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "max_days": MAX_PERIOD_DAYS, "groups": COLUMNS}
    if table is not None:
        context |= {
            "table": table,
            "row_label": GROUP_LABELS[table.group_by],
            "rows": [
                (number, row, list(zip(FLAT_COLUMNS, row_values(row), strict=True)))
                for number, row in enumerate(table.rows, start=1)
            ],
            "total": list(zip(FLAT_COLUMNS, row_values(table.total), strict=True)),
            "xlsx_url": f"{reverse('backoffice:statistics-xlsx')}?{_query(table)}",
        }
    return render(request, "backoffice/statistics/table.html", context, status=status)


@login_required
@require_safe
def statistics_page(request: HttpRequest) -> HttpResponse:
    """The form and the table."""
    form = _form(request, _official(request))
    if not form.is_valid():
        return _page(request, form, None, status=400)
    return _page(request, form, _table(form))


@login_required
@require_safe
def statistics_download(request: HttpRequest) -> HttpResponse:
    """The table as an XLSX attachment; bad input shows the page with its errors (400)."""
    form = _form(request, _official(request))
    if not form.is_valid():
        return _page(request, form, None, status=400)
    table = _table(form)
    response = HttpResponse(report_xlsx(table), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=report_filename(table)
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
