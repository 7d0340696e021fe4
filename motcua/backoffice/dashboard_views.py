"""The leaders' dashboard (/can-bo/bang-dieu-khien/): backlog by step, overdue dossiers by
agency, the on-time trend and the slowest procedures of one agency and everything below it
(reporting.dashboard). Leaders and department heads see the agencies where they hold that role
(and below), supervisors every agency; anyone else, and any other agency, gets 404.
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from motcua.accounts.models import Agency
from motcua.deadlines.calendar import local
from motcua.reporting.charts import bar_chart, on_time_trend
from motcua.reporting.dashboard import dashboard_agencies, dashboard_data
from motcua.reporting.transparency import PERIOD_KINDS, period_of

PERIOD_CHOICES = [
    ("month", gettext_lazy("This month")),
    ("quarter", gettext_lazy("This quarter")),
    ("year", gettext_lazy("This year")),
]
assert [key for key, _label in PERIOD_CHOICES] == list(PERIOD_KINDS)


class DashboardForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"),
        queryset=Agency.objects.none(),
        to_field_name="slug",
        empty_label=None,
    )
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIOD_CHOICES)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["agency"]
        assert isinstance(choice, forms.ModelChoiceField)
        choice.queryset = agencies
        for field in self.fields.values():
            field.widget.attrs["class"] = "usa-select"


def _agencies(request: HttpRequest) -> QuerySet[Agency]:
    """The agencies the user may see; 404 for anyone with none, or for another agency."""
    agencies = dashboard_agencies(user=request.user)
    asked = request.GET.get("agency")
    if not agencies.exists() or (asked is not None and not agencies.filter(slug=asked).exists()):
        raise Http404
    return agencies


def _default_agency(agencies: QuerySet[Agency]) -> Agency:
    """The highest agency of the list (the one with no parent among them)."""
    listed = list(agencies)
    ids = {agency.pk for agency in listed}
    return next((a for a in listed if a.parent_id not in ids), listed[0])


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request)
    defaults = {"agency": _default_agency(agencies).slug, "period": "month"}
    form = DashboardForm(defaults | request.GET.dict(), agencies=agencies)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "backoffice/dashboard/page.html", context, status=400)
    today = local(timezone.now()).date()
    start, end = period_of(form.cleaned_data["period"], today)
    data = dashboard_data(agency=form.cleaned_data["agency"], start=start, end=end, today=today)
    context |= {
        "data": data,
        "trend_chart": on_time_trend(data.trend, chart_id="chart-trend"),
        "overdue_chart": bar_chart(
            [(line.agency, line.count) for line in data.overdue],
            chart_id="chart-overdue",
            title=_("Overdue dossiers by agency"),
            description=_(
                "Dossiers still being processed after their appointment, by the agency "
                "holding them now."
            ),
            label_heading=_("Agency"),
            value_heading=_("Overdue dossiers"),
            decimals=0,
        ),
        "backlog_chart": bar_chart(
            [(line.label, line.open) for line in data.backlog],
            chart_id="chart-backlog",
            title=_("Open dossiers by step"),
            description=_(
                "Dossiers being processed or paused now, by the step of the internal process "
                "they are at (or their status when they are at no step)."
            ),
            label_heading=_("Step"),
            value_heading=_("Open dossiers"),
            decimals=0,
        ),
    }
    return render(request, "backoffice/dashboard/page.html", context)
