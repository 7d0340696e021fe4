"""The citizen's own dossiers ("Hồ sơ của tôi"): the list, one dossier with its public history,
answering a supplement request, withdrawing, the slips and files they were given, and rating the
service once the result was returned.

Every page needs a signed-in user and shows only the user's own dossiers (as the applicant's
account): any other dossier, whoever asks (another citizen, an official of the agency), is
"not found", never "forbidden". Writes go through the dossier services; bad input shows the
form again with the reasons and changes nothing.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.text import fold
from motcua.deadlines.calendar import WorkingCalendar
from motcua.deadlines.selectors import calendar_for
from motcua.documents.downloads import private_file_response
from motcua.dossiers.answers import dossier_answers
from motcua.dossiers.constants import NATIONAL_STATUS_CODE, Act, DossierStatus, FilePurpose
from motcua.dossiers.files import COMPONENT_KINDS
from motcua.dossiers.models import Dossier, DossierFile, Rating
from motcua.dossiers.payment_selectors import has_payable
from motcua.dossiers.public import (
    APPLICANT_SLIPS,
    dossier_get_own,
    dossier_list_own,
    dossier_timeliness,
    latest_supplement_request,
    legal_time_shown,
    public_status,
    public_timeline,
)
from motcua.dossiers.ratings import dossier_rate, may_rate
from motcua.dossiers.satisfaction import CRITERIA
from motcua.dossiers.services import ActInput, dossier_act
from motcua.dossiers.slips import (
    SlipNotApplicable,
    legal_time_text,
    render_slip,
    slip_filename,
    slip_form,
    slips_available,
)
from motcua.dossiers.states import allowed_acts
from motcua.dossiers.supplements import ANSWERABLE, dossier_supplement_answer
from motcua.eforms.selectors import drafts_of

from .auth import citizen_login_required
from .dossier_forms import RatingForm, SupplementForm, WithdrawForm, kinds_text

PAGE_SIZE = 20


def _own_or_404(request: HttpRequest, key: str) -> Dossier:
    try:
        return dossier_get_own(user=request.user, key=key)
    except Dossier.DoesNotExist:
        raise Http404 from None


def _private(response: HttpResponse) -> HttpResponse:
    """Personal data: never kept by a shared cache or the browser's back-forward cache."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def _applicant_acts(dossier: Dossier) -> list[Act]:
    return allowed_acts(DossierStatus(dossier.status), roles=(), is_applicant=True)


class _Calendars:
    """Each receiving agency's calendar, built once per request."""

    def __init__(self) -> None:
        self._by_agency: dict[int, WorkingCalendar] = {}

    def of(self, dossier: Dossier) -> WorkingCalendar:
        agency_id = dossier.receiving_agency_id
        if agency_id not in self._by_agency:
            self._by_agency[agency_id] = calendar_for(dossier.receiving_agency)
        return self._by_agency[agency_id]


# --- the list and one dossier -----------------------------------------------------------------


@citizen_login_required
@require_safe
def my_dossiers(request: HttpRequest) -> HttpResponse:
    page = Paginator(dossier_list_own(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now, calendars = timezone.now(), _Calendars()
    rows = [
        {
            "dossier": dossier,
            "status": public_status(dossier.status),
            "timeliness": dossier_timeliness(dossier, calendar=calendars.of(dossier), now=now),
        }
        for dossier in page.object_list
    ]
    context = {"rows": rows, "page": page, "drafts": list(drafts_of(user=request.user))}
    return _private(render(request, "portal/dossiers/list.html", context))


def _visible_files(dossier: Dossier, user: Any) -> list[DossierFile]:
    """The files the applicant sees: those they uploaded, and the result documents once the
    result was returned."""
    files = dossier.files.select_related("component").order_by("uploaded_at", "id")
    return [
        row
        for row in files
        if (row.purpose == FilePurpose.COMPONENT and row.uploaded_by_id == user.pk)
        or (row.purpose == FilePurpose.RESULT and dossier.status == DossierStatus.RESULT_RETURNED)
    ]


def _detail_context(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    now = timezone.now()
    files = _visible_files(dossier, request.user)
    components = list(dossier.components.all())
    for component in components:
        component.own_files = [f for f in files if f.component_id == component.pk]  # type: ignore[attr-defined]
    acts = _applicant_acts(dossier)
    rating = Rating.objects.filter(dossier=dossier).first()
    calendar = calendar_for(dossier.receiving_agency)
    return {
        "dossier": dossier,
        "key": dossier.key,
        "status": public_status(dossier.status),
        "national_status": NATIONAL_STATUS_CODE[DossierStatus(dossier.status)],
        "timeliness": dossier_timeliness(dossier, calendar=calendar, now=now),
        "legal_time": legal_time_text(legal_time_shown(dossier)),
        "components": components,
        "results": [f for f in files if f.purpose == FilePurpose.RESULT],
        "fees": list(dossier.fees.all()),
        "slips": [
            (kind, slip_form(kind, dossier))
            for kind in slips_available(dossier)
            if kind in APPLICANT_SLIPS
        ],
        "events": public_timeline(dossier),
        "supplement": latest_supplement_request(dossier) if dossier.status in ANSWERABLE else None,
        "may_withdraw": Act.WITHDRAW in acts,
        "may_pay": has_payable(dossier),
        "may_rate": may_rate(dossier, request.user),
        "rating": rating,
        "rating_answers": _rating_answers(rating),
        "answers": dossier_answers(dossier),
    }


def _rating_answers(rating: Rating | None) -> list[tuple[Any, Any]]:
    if rating is None:
        return []
    rows = []
    for criterion in CRITERIA:
        answer = criterion.answer(str(rating.answers.get(criterion.code, "")))
        if answer is not None:
            rows.append((criterion.question, answer.label))
    return rows


@citizen_login_required
@require_safe
def my_dossier(request: HttpRequest, key: str) -> HttpResponse:
    dossier = _own_or_404(request, key)
    return _private(
        render(request, "portal/dossiers/detail.html", _detail_context(request, dossier))
    )


@citizen_login_required
@require_safe
def slip(request: HttpRequest, key: str, kind: str) -> HttpResponse:
    """A slip the applicant was given (Mẫu 01–04) as a PDF; 404 for the internal control slip
    (Mẫu 05) and for a slip the dossier does not have."""
    dossier = _own_or_404(request, key)
    if kind not in APPLICANT_SLIPS:
        raise Http404
    try:
        pdf = render_slip(kind, dossier)
    except SlipNotApplicable:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=slip_filename(kind, dossier)
    )
    return _private(response)


@citizen_login_required
@require_safe
def file_download(request: HttpRequest, key: str, file_id: int) -> FileResponse:
    """A file the applicant sees (`_visible_files`); shown in the browser with ?xem=1."""
    dossier = _own_or_404(request, key)
    row = next((f for f in _visible_files(dossier, request.user) if f.pk == file_id), None)
    if row is None:
        raise Http404
    return private_file_response(
        row.file,
        filename=row.original_name,
        content_type=row.content_type,
        inline=request.GET.get("xem") == "1",
    )


# --- answering a supplement request -----------------------------------------------------------


def _supplement_form(dossier: Dossier, data: Any = None, files: Any = None) -> SupplementForm:
    """One input per missing paper, then one per other paper already in the dossier (a paper
    asked for again appears once, as missing)."""
    request_ = latest_supplement_request(dossier)
    missing = request_.missing if request_ is not None else ()
    asked = {fold(name) for name in missing}
    return SupplementForm(
        data,
        files,
        missing=missing,
        components=[c for c in dossier.components.all() if fold(c.name) not in asked],
        initial={"version": dossier.version},
    )


def _render_supplement(
    request: HttpRequest,
    dossier: Dossier,
    form: SupplementForm,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "dossier": dossier,
        "key": dossier.key,
        "request_": latest_supplement_request(dossier),
        "form": form,
        "errors": errors or [],
        "hint": kinds_text(COMPONENT_KINDS),
    }
    return _private(render(request, "portal/dossiers/supplement.html", context, status=status))


@citizen_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def supplement(request: HttpRequest, key: str) -> HttpResponse:
    dossier = _own_or_404(request, key)
    if dossier.status not in ANSWERABLE:
        messages.info(request, _("No supplement is asked of you for this dossier now."))
        return redirect("portal:my-dossier", key=dossier.key)
    if request.method != "POST":
        return _render_supplement(request, dossier, _supplement_form(dossier))
    form = _supplement_form(dossier, request.POST, request.FILES)
    if not form.is_valid():
        return _render_supplement(request, dossier, form, status=400)
    missing, components = form.uploads()
    try:
        updated = dossier_supplement_answer(
            dossier=dossier,
            actor=request.user,  # type: ignore[arg-type]
            missing_uploads=missing,
            component_uploads=components,
            expected_version=form.cleaned_data["version"],
        )
    except ValidationFailed as error:
        return _render_supplement(
            request, dossier, form, errors=error.errors or [error.message], status=400
        )
    except DomainError as error:
        return _render_supplement(request, dossier, form, errors=[error.message], status=409)
    messages.success(
        request,
        _("Your supplement was sent. The dossier is now “%(status)s”.")
        % {"status": public_status(updated.status).label},
    )
    return redirect("portal:my-dossier", key=updated.key)


# --- withdrawing ------------------------------------------------------------------------------


@citizen_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, key: str) -> HttpResponse:
    dossier = _own_or_404(request, key)
    if Act.WITHDRAW not in _applicant_acts(dossier):
        messages.info(request, _("This dossier can no longer be withdrawn."))
        return redirect("portal:my-dossier", key=dossier.key)
    status, errors = 200, []
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                dossier_act(
                    dossier=dossier,
                    act=Act.WITHDRAW,
                    actor=request.user,  # type: ignore[arg-type]
                    data=ActInput(
                        comment=form.cleaned_data["reason"].strip(),
                        expected_version=form.cleaned_data["version"],
                    ),
                )
            except DomainError as error:
                errors, status = [error.message], 409
            else:
                messages.success(request, _("Your dossier was withdrawn."))
                return redirect("portal:my-dossier", key=dossier.key)
        else:
            status = 400
    else:
        form = WithdrawForm(initial={"version": dossier.version})
    context = {"dossier": dossier, "key": dossier.key, "form": form, "errors": errors}
    return _private(render(request, "portal/dossiers/withdraw.html", context, status=status))


# --- rating -----------------------------------------------------------------------------------


@citizen_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rate(request: HttpRequest, key: str) -> HttpResponse:
    dossier = _own_or_404(request, key)
    if not may_rate(dossier, request.user):
        if Rating.objects.filter(dossier=dossier).exists():
            messages.info(request, _("You have already rated the service for this dossier."))
        else:
            messages.info(request, _("The service can be rated once the result has been returned."))
        return redirect("portal:my-dossier", key=dossier.key)
    status, errors = 200, []
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                dossier_rate(
                    dossier=dossier,
                    actor=request.user,  # type: ignore[arg-type]
                    overall=form.cleaned_data["overall"],
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationFailed as error:
                errors, status = error.errors or [error.message], 400
            except DomainError as error:
                errors, status = [error.message], 409
            else:
                messages.success(request, _("Thank you for rating the service."))
                return redirect("portal:my-dossier", key=dossier.key)
        else:
            status = 400
    else:
        form = RatingForm()
    context = {"dossier": dossier, "key": dossier.key, "form": form, "errors": errors}
    return _private(render(request, "portal/dossiers/rate.html", context, status=status))
