"""The service-quality index in the shape of Decision 766 (/can-bo/chi-so-766/), explained:
for one agency (and everything below it) and a period, each group and indicator with its
points, its inputs and how and from which source it was computed (reporting.index766).

Officials see the agencies whose statistics they may read (reporting.statistics_agencies);
anyone else, and any other agency, gets 404. A bad period shows the form with its errors (400).
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from motcua.deadlines.calendar import local
from motcua.reporting.index766 import index_766
from motcua.reporting.statistics import statistics_agencies

from .period_forms import AgencyPeriodForm


@login_required
@require_safe
def index_page(request: HttpRequest) -> HttpResponse:
    agencies = statistics_agencies(user=request.user).order_by("name")
    asked = request.GET.get("agency")
    if not agencies.exists() or (asked is not None and not agencies.filter(slug=asked).exists()):
        raise Http404
    listed = list(agencies)
    ids = {agency.pk for agency in listed}
    top = next((a for a in listed if a.parent_id not in ids), listed[0])
    today = local(timezone.now()).date()
    defaults = {
        "agency": top.slug,
        "date_from": today.replace(day=1).isoformat(),
        "date_to": today.isoformat(),
    }
    form = AgencyPeriodForm(defaults | request.GET.dict(), agencies=agencies)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "backoffice/index766/page.html", context, status=400)
    data = form.cleaned_data
    context["index"] = index_766(
        agency=data["agency"], start=data["date_from"], end=data["date_to"]
    )
    return render(request, "backoffice/index766/page.html", context)
