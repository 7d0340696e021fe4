"""The public transparency page (/minh-bach/, no login): how the agencies handle dossiers this
month, quarter or year — aggregate numbers only (reporting.transparency), charts rendered as
SVG on the server with their numbers in a table beside them (reporting.charts).

The numbers come from Django's cache (MOTCUA_TRANSPARENCY_CACHE_SECONDS, default 5 minutes);
the response itself is not marked publicly cacheable, since the page header names a signed-in
visitor.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from motcua.reporting.charts import on_time_bars, on_time_trend
from motcua.reporting.transparency import cache_seconds, transparency_data

# The query names the period in Vietnamese, as the page's address does: ?ky=thang|quy|nam.
PERIODS = {"thang": "month", "quy": "quarter", "nam": "year"}


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
            [line.row for line in data.agencies],
            chart_id="chart-agencies",
            title=_("On-time rate by agency"),
        ),
        "trend_chart": on_time_trend(data.trend, chart_id="chart-trend"),
        "cache_minutes": max(1, cache_seconds() // 60),
    }
    return render(request, "portal/transparency/page.html", context, status=400 if error else 200)
