"""The dossier tracking register (Mẫu 06) of an agency for a period: a preview page and its
PDF and XLSX downloads (dossiers.register, docs/slips.md).

Officials only, for the agencies where they hold a role: anyone else, and any other agency,
gets 404. A bad period shows the form again with its errors (400).
"""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from motcua.accounts.models import Agency, User
from motcua.core.errors import ValidationFailed
from motcua.deadlines.calendar import local
from motcua.dossiers.register import (
    MAX_DAYS,
    XLSX_CONTENT_TYPE,
    register_agencies,
    register_dossiers,
    register_filename,
    register_pdf,
    register_period_check,
    register_rows,
    register_xlsx,
)
from motcua.dossiers.selectors import reception_agencies

from .period_forms import DATE_INPUT_FORMATS, AgencyPeriodForm
from .worklists import is_official

PREVIEW_ROWS = 50
FORMATS = {
    "pdf": ("application/pdf", register_pdf),
    "xlsx": (XLSX_CONTENT_TYPE, register_xlsx),
}


class RegisterForm(AgencyPeriodForm):
    def period_check(self, start: date, end: date) -> None:
        register_period_check(start, end)

    date_from = forms.DateField(label=_("Received from"), input_formats=DATE_INPUT_FORMATS)
    date_to = forms.DateField(label=_("Received until"), input_formats=DATE_INPUT_FORMATS)


def _official(request: HttpRequest) -> User:
    """The official asking; 404 for anyone else (the register does not exist for them)."""
    if not is_official(request.user):
        raise Http404
    assert isinstance(request.user, User)
    return request.user


def _form(request: HttpRequest, user: User) -> RegisterForm:
    """The form bound to the query, the defaults filling what it leaves out: the user's
    reception desk (else their first agency), this month up to today. An agency that is not
    the user's is 404."""
    agencies = register_agencies(user=user)
    asked = request.GET.get("agency")
    if asked is not None and not any(agency.slug == asked for agency in agencies):
        raise Http404
    today = local(timezone.now()).date()
    desk = reception_agencies(user=user).first() or agencies.first()
    defaults = {
        "agency": desk.slug if desk else "",
        "date_from": today.replace(day=1).isoformat(),
        "date_to": today.isoformat(),
    }
    return RegisterForm(defaults | request.GET.dict(), agencies=agencies)


def _period(form: RegisterForm) -> tuple[Agency, date, date]:
    data = form.cleaned_data
    return data["agency"], data["date_from"], data["date_to"]


def _page(request: HttpRequest, form: RegisterForm, *, status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "max_days": MAX_DAYS}
    if not form.errors:
        agency, start, end = _period(form)
        user = _official(request)
        query = urlencode(
            {"agency": agency.slug, "date_from": start.isoformat(), "date_to": end.isoformat()}
        )
        context |= {
            "agency": agency,
            "date_from": start,
            "date_to": end,
            "count": register_dossiers(
                user=user, agency=agency, date_from=start, date_to=end
            ).count(),
            "rows": register_rows(
                user=user, agency=agency, date_from=start, date_to=end, limit=PREVIEW_ROWS
            ),
            "preview_rows": PREVIEW_ROWS,
            "pdf_url": f"{reverse('backoffice:register-pdf')}?{query}",
            "xlsx_url": f"{reverse('backoffice:register-xlsx')}?{query}",
        }
    return render(request, "backoffice/register.html", context, status=status)


@login_required
@require_safe
def register_page(request: HttpRequest) -> HttpResponse:
    """The form and a preview of the register's first rows, with the download buttons."""
    user = _official(request)
    form = _form(request, user)
    return _page(request, form, status=200 if form.is_valid() else 400)


@login_required
@require_safe
def register_download(request: HttpRequest, kind: str) -> HttpResponse:
    """The register as a PDF or XLSX attachment; a bad period shows the page (400)."""
    user = _official(request)
    if kind not in FORMATS:
        raise Http404
    form = _form(request, user)
    if not form.is_valid():
        return _page(request, form, status=400)
    agency, start, end = _period(form)
    content_type, build = FORMATS[kind]
    try:
        content = build(user=user, agency=agency, date_from=start, date_to=end)
    except ValidationFailed as error:  # more dossiers than one file holds
        form.add_error(None, error.message)
        return _page(request, form, status=400)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=register_filename(agency, start, end, kind)
    )
    patch_cache_control(response, private=True, no_store=True)  # personal data
    return response
