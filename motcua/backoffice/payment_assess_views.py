"""The reception officer bills what the catalogue could not bill by itself (docs/payments.md
"What is owed"): the dossier's fee lines when there are several (alternatives, per page or per
copy: how many of each applies) and the postage of a result sent by post. The forms sit in the
payments part of the dossier page; the orchestrator (dossiers.payments) checks and writes."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.text import money
from motcua.dossiers import payments as orchestrator
from motcua.dossiers import states
from motcua.dossiers.constants import FeeStatus, ReturnMethod
from motcua.dossiers.models import Dossier, DossierFee
from motcua.dossiers.selectors import actor_roles
from motcua.payments.constants import Purpose

from .dossier_views import _visible_or_404
from .payment_views import _back, _refused

QUANTITY_FIELD = "so-luong-%d"


def _bad_quantity() -> str:
    return _("Give a whole number of pages or copies for each line (0 if it does not apply).")


@dataclass
class Assessment:
    """What the reception officer may bill on the dossier page now."""

    lines: list[DossierFee] = field(default_factory=list)  # fee lines not billed yet
    may_bill_postage: bool = False


def fee_assessment(dossier: Dossier, user: Any, fees: list[DossierFee]) -> Assessment:
    """`fees`: the dossier's fee lines, which the page has read already."""
    if not getattr(user, "is_authenticated", False):
        return Assessment()
    postage = dossier.result_delivery == ReturnMethod.POST and dossier.closed_at is None
    lines = [
        fee
        for fee in fees
        if fee.purpose == Purpose.SUBMISSION
        and fee.status == FeeStatus.DUE
        and fee.payment_request_id is None
    ]
    if not (lines or postage) or not states.RECEPTION & actor_roles(dossier=dossier, user=user):
        return Assessment()
    return Assessment(lines=lines, may_bill_postage=postage)


@login_required
@require_POST
def fee_assess_view(request: HttpRequest, key: str) -> HttpResponse:
    dossier = _visible_or_404(request, key)
    quantities: dict[int, int] = {}
    for line in dossier.fees.filter(purpose=Purpose.SUBMISSION, payment_request__isnull=True):
        raw = request.POST.get(QUANTITY_FIELD % line.pk, "0").strip() or "0"
        if not raw.isdigit():
            error = ValidationFailed(_bad_quantity())
            return _refused(request, dossier, error)
        quantities[line.pk] = int(raw)
    try:
        bill = orchestrator.payment_assess(
            dossier=dossier,
            actor=request.user,  # type: ignore[arg-type]
            quantities=quantities,
            legal_basis=request.POST.get("legal_basis", "").strip(),
        )
    except DomainError as error:
        return _refused(request, dossier, error)
    if bill is None:
        messages.success(request, _("No fee applies: nothing is owed at submission."))
    else:
        messages.success(
            request,
            _("Payment %(reference)s of %(amount)s đ requested from the applicant.")
            % {"reference": bill.reference, "amount": money(bill.amount)},
        )
    return _back(dossier)


@login_required
@require_POST
def postage_bill_view(request: HttpRequest, key: str) -> HttpResponse:
    dossier = _visible_or_404(request, key)
    raw = request.POST.get("amount", "").strip()
    if not raw.isdigit():
        error = ValidationFailed(_("Give the postage as a whole number of đồng."))
        return _refused(request, dossier, error)
    try:
        bill = orchestrator.payment_bill_postage(
            dossier=dossier,
            actor=request.user,  # type: ignore[arg-type]
            amount=int(raw),
        )
    except DomainError as error:
        return _refused(request, dossier, error)
    messages.success(
        request,
        _("Payment %(reference)s of %(amount)s đ requested from the applicant.")
        % {"reference": bill.reference, "amount": money(bill.amount)},
    )
    return _back(dossier)
