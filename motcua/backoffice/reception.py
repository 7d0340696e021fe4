"""The one-stop reception desk: receive a walk-in or postal dossier, and the queue of online
dossiers waiting for acceptance."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, User
from motcua.catalogue.models import Procedure
from motcua.catalogue.selectors import procedure_find, procedure_list_published
from motcua.core.errors import DomainError, ValidationFailed
from motcua.dossiers.acceptance_alerts import (
    AcceptanceDeadlines,
    acceptance_hours,
    acceptance_late,
)
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.files import dossier_receive_with_files
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import reception_agencies, reception_queue
from motcua.dossiers.services import ActInput, Applicant, ComponentReceived

from .reception_forms import OUTCOME_REFUSE, OUTCOME_SUPPLEMENT, IntakeForm
from .reception_lookup import (
    LOOKUP_PARAM,
    ApplicantLookupForm,
    applicant_initial,
    applicant_last_dossier,
)

OUTCOME_ACTS = {OUTCOME_SUPPLEMENT: Act.REQUEST_SUPPLEMENT, OUTCOME_REFUSE: Act.REFUSE}


def _reception_agencies_or_403(request: HttpRequest) -> QuerySet[Agency]:
    agencies = reception_agencies(user=request.user)
    if not agencies.exists():
        raise PermissionDenied(_("Only reception officers receive dossiers."))
    return agencies


@login_required
def reception(request: HttpRequest) -> HttpResponse:
    """Find the procedure of a walk-in dossier."""
    _reception_agencies_or_403(request)
    query = request.GET.get("q", "").strip()[:200]
    procedures = procedure_find(query=query)[:20] if query else []
    return render(
        request, "backoffice/reception/search.html", {"query": query, "procedures": procedures}
    )


@login_required
def intake(request: HttpRequest, national_code: str) -> HttpResponse:
    """The intake form of one procedure: applicant, checklist (with a scan of each component
    received, if the officer attaches one), decision. A bad input or file: the form again (400)
    with what was typed (files must be chosen again), and no dossier."""
    agencies = _reception_agencies_or_403(request)
    procedure = get_object_or_404(procedure_list_published(), national_code=national_code)
    components = list(procedure.components.order_by("position", "id"))
    lookup = _lookup(request)
    form = IntakeForm(
        request.POST or None,
        request.FILES or None,
        agencies=agencies,
        components=components,
        initial=lookup["initial"],
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier = _receive(request, procedure, form)
        except ValidationFailed as error:
            for message in error.errors or [error.message]:
                form.add_error(None, message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _outcome_message(dossier))
            return redirect("backoffice:dossier", key=dossier.key)
    status = 400 if request.method == "POST" else 200
    context = {"procedure": procedure, "form": form, "lookup": lookup}
    return render(request, "backoffice/reception/intake.html", context, status=status)


def _lookup(request: HttpRequest) -> dict[str, Any]:
    """The applicant lookup of the intake page (GET ?so_giay_to=…): its form, whether it was
    asked, the last visible dossier of that applicant and the intake form's initial values."""
    asked = request.method == "GET" and LOOKUP_PARAM in request.GET
    form = ApplicantLookupForm(request.GET if asked else None)
    found: Dossier | None = None
    initial: dict[str, str] = {}
    if asked and form.is_valid():
        number = form.cleaned_data[LOOKUP_PARAM]
        found = applicant_last_dossier(user=request.user, id_number=number)
        initial = applicant_initial(found) if found else {"applicant_id_number": number}
    return {"form": form, "asked": asked, "found": found, "initial": initial}


def _receive(request: HttpRequest, procedure: Procedure, form: IntakeForm) -> Dossier:
    data = form.cleaned_data
    applicant = Applicant(
        kind=data["applicant_kind"],
        name=data["applicant_name"],
        id_number=data["applicant_id_number"],
        phone=data["applicant_phone"],
        email=data["applicant_email"],
        address=data["applicant_address"],
        representative_name=data["representative_name"],
        representative_id_number=data["representative_id_number"],
        representative_phone=data["representative_phone"],
        authorisation=data["authorisation"],
    )
    components = [
        ComponentReceived(
            component_id=c.pk if c else None,
            name=name,
            originals=originals,
            certified_copies=certified,
            copies=copies,
        )
        for c, name, originals, certified, copies in form.received()
    ]
    outcome = OUTCOME_ACTS.get(data["outcome"], Act.ACCEPT)
    act_input = ActInput(comment=data["reason"], missing=form.missing_items())
    return dossier_receive_with_files(
        procedure=procedure,
        agency=data["agency"],
        channel=data["channel"],
        applicant=applicant,
        actor=_official(request),
        components=components,
        scans=form.scans(),
        outcome=outcome,
        data=act_input,
    )


def _official(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


def _outcome_message(dossier: Dossier) -> str:
    if dossier.code:
        return _("Dossier %(code)s accepted; print the receipt and appointment slip.") % {
            "code": dossier.code
        }
    if dossier.status == DossierStatus.NOT_ACCEPTED:
        return _("The dossier was refused; print the refusal slip for the applicant.")
    return _("The supplement request was recorded; print it for the applicant.")


@login_required
def online_queue(request: HttpRequest) -> HttpResponse:
    """Dossiers submitted online or by post waiting for acceptance, oldest first, with the
    local acceptance deadline (`dossiers.acceptance_alerts`: MOTCUA_ONLINE_ACCEPTANCE_HOURS working
    hours on the receiving agency's calendar)."""
    _reception_agencies_or_403(request)
    now = timezone.now()
    deadlines = AcceptanceDeadlines()
    rows = []
    for dossier in reception_queue(user=request.user)[:200]:
        due = deadlines(dossier)
        rows.append({"dossier": dossier, "accept_by": due, "late": acceptance_late(due, now)})
    context = {"rows": rows, "hours": acceptance_hours()}
    return render(request, "backoffice/reception/queue.html", context)
