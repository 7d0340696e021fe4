"""The public transparency page (/minh-bach/, no login): how the agencies handle dossiers this
month, quarter or year — aggregate numbers only (reporting.transparency), charts rendered as
SVG on the server with their numbers in a table beside them (reporting.charts).

The numbers come from Django's cache (MOTCUA_TRANSPARENCY_CACHE_SECONDS, default 5 minutes);
the response itself is not marked publicly cacheable, since the page header names a signed-in
visitor.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from motcua.reporting.charts import on_time_bars, on_time_trend
from motcua.reporting.transparency import Line, cache_seconds, transparency_data

# The query names the period in Vietnamese, as the page's address does: ?ky=thang|quy|nam.
PERIODS = {"thang": "month", "quy": "quarter", "nam": "year"}
# A province has dozens of agencies and fields: the page shows the busiest rows of each table
# and the busiest agencies in the chart; the other rows wait behind "show all".
TABLE_ROWS = 5
CHART_BARS = 10


@dataclass(frozen=True)
class Split:
    """The rows a table shows at once and the rest, shown on demand."""

    shown: tuple[Any, ...]
    rest: tuple[Any, ...]

    @property
    def total(self) -> int:
        return len(self.shown) + len(self.rest)


def busiest_first(lines: Sequence[Line], top: int = TABLE_ROWS) -> Split:
    """Lines by dossiers received, most first (ties keep their order), split after `top`."""
    ordered = sorted(lines, key=lambda line: -line.row.received)
    return Split(tuple(ordered[:top]), tuple(ordered[top:]))


@require_safe
def transparency(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("ky", "thang")
    error = None
    if asked not in PERIODS:
        error = _("Unknown period; showing this month. Choose this month, quarter or year.")
        asked = "thang"
    data = transparency_data(kind=PERIODS[asked])
    labels = {
        "thang": _("This month"),
        "quy": _("This quarter"),
        "nam": _("This year"),
    }
    context = {
        "data": data,
        "period": asked,
        "periods": [(key, labels[key]) for key in PERIODS],
        "error": error,
        "agency_chart": on_time_bars(
            [line.row for line in busiest_first(data.agencies, CHART_BARS).shown],
            chart_id="chart-agencies",
            title=_("On-time rate by agency")
            if len(data.agencies) <= CHART_BARS
            else _("On-time rate of the %(count)d agencies that received the most dossiers")
            % {"count": CHART_BARS},
        ),
        "agencies": busiest_first(data.agencies),
        "fields": busiest_first(data.fields),
        "apologies": Split(data.apologies[:TABLE_ROWS], data.apologies[TABLE_ROWS:]),
        "trend_chart": on_time_trend(data.trend, chart_id="chart-trend"),
        "cache_minutes": max(1, cache_seconds() // 60),
    }
    return render(request, "portal/transparency/page.html", context, status=400 if error else 200)
