"""What a dossier owes, as payment requests (docs/payments.md "What is owed").

The dossier's acts call these inside their own transaction (dossiers.services): registration
bills the catalogue's fees and charges for the dossier's channel, a financial obligation bills
its amount, acceptance writes the new code on the requests, and a refusal or withdrawal cancels
what is still unpaid. Each request groups the DossierFee lines it collects; paying it pays them.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalogue.constants import Channel, FeeTiming
from motcua.core.errors import DomainError
from motcua.payments import services as payments
from motcua.payments.constants import PAYABLE, Method, Purpose
from motcua.payments.models import PaymentRequest

from .act_context import ActInput
from .constants import FeeStatus
from .models import Dossier, DossierFee


def bill_due_fees(
    dossier: Dossier,
    *,
    purpose: str,
    actor: User | None,
    legal_basis: str = "",
    record_event: bool = True,
) -> PaymentRequest | None:
    """One request for the dossier's due fees of `purpose` not yet billed (None if none).
    Inside an act (`record_event=False`) the act's event names the request (`billed`)."""
    fees = list(
        dossier.fees.filter(purpose=purpose, status=FeeStatus.DUE, payment_request__isnull=True)
    )
    if not fees:
        return None
    request = payments.request_create(
        dossier_pk=dossier.pk,
        dossier_code=dossier.display_key,
        agency=dossier.receiving_agency,
        purpose=purpose,
        amount=sum(fee.amount for fee in fees),
        description="; ".join(fee.description for fee in fees) or str(Purpose(purpose).label),
        legal_basis=legal_basis,
        payer_name=dossier.applicant_name,
        payer_id_number=dossier.applicant_id_number,
        actor=actor,
        record_event=record_event,
    )
    DossierFee.objects.filter(pk__in=[fee.pk for fee in fees]).update(payment_request=request)
    return request


def billed(request: PaymentRequest | None) -> dict[str, object]:
    """What an act's event says of the request it billed."""
    if request is None:
        return {}
    return {"billed": {"reference": request.reference, "amount": request.amount}}


def bill_at_registration(dossier: Dossier, *, actor: User | None) -> PaymentRequest | None:
    """Bill the submission fees when the catalogue leaves no doubt: one fee line for the
    channel. Several lines are often alternatives (per person, per list, per page…): the
    reception officer then assesses what is owed (dossiers.payments.payment_assess)."""
    due = dossier.fees.filter(purpose=Purpose.SUBMISSION, status=FeeStatus.DUE)
    if due.count() != 1:
        return None
    return bill_due_fees(dossier, purpose=Purpose.SUBMISSION, actor=actor, record_event=False)


def rename_requests(dossier: Dossier) -> None:
    """The dossier got its short reference (online submission) or its code (acceptance): the
    requests and their transfer notes use it."""
    PaymentRequest.objects.filter(dossier_pk=dossier.pk).update(dossier_code=dossier.display_key)


def check_paid_before_acceptance(dossier: Dossier) -> None:
    """A procedure whose fees are paid before acceptance: an online dossier is accepted only
    once its submission fees are paid (a counter dossier pays at the counter, there and then)."""
    if dossier.procedure.fee_timing != FeeTiming.BEFORE_ACCEPTANCE:
        return
    if dossier.channel != Channel.ONLINE:
        return
    unpaid = PaymentRequest.objects.filter(
        dossier_pk=dossier.pk, purpose=Purpose.SUBMISSION, status__in=PAYABLE
    )
    if unpaid.exists():
        raise DomainError(
            _(
                "This procedure's fees are paid before acceptance, and the applicant has not "
                "paid them yet."
            ),
            code="fees_unpaid",
        )


def cancel_unpaid(dossier: Dossier, *, actor: User | None, reason: str) -> list[str]:
    """Refused or withdrawn: what was not paid is no longer owed (the references, for the
    act's event). What was paid is refunded where the procedure allows it
    (dossiers.payments.payment_refund, by an officer)."""
    rows = PaymentRequest.objects.select_for_update().filter(
        dossier_pk=dossier.pk, status__in=PAYABLE
    )
    cancelled = []
    for request in rows:
        payments.request_cancel(request=request, actor=actor, reason=reason, record_event=False)
        cancelled.append(request.reference)
    dossier.fees.filter(status=FeeStatus.DUE).update(status=FeeStatus.WAIVED)
    return cancelled


def mark_fees_paid(request: PaymentRequest, *, paid_at: datetime, reference: str) -> None:
    DossierFee.objects.filter(payment_request=request).update(
        status=FeeStatus.PAID, paid_at=paid_at, reference=reference[:100]
    )


def settle_shown_proof(dossier: Dossier, *, actor: User, at: datetime, data: ActInput) -> list[str]:
    """The officer confirms a financial obligation paid elsewhere (e.g. at the State Treasury)
    on the proof the applicant showed: its unpaid requests are settled as such (their
    references, for the act's event)."""
    rows = PaymentRequest.objects.select_for_update().filter(
        dossier_pk=dossier.pk, purpose=Purpose.OBLIGATION, status__in=PAYABLE
    )
    settled = []
    for request in rows:
        payments.request_mark_paid(
            request=request,
            method=Method.PROOF,
            transaction_ref=f"{request.reference}:{data.reference}",
            paid_at=at,
            actor=actor,
            record_event=False,
        )
        mark_fees_paid(request, paid_at=at, reference=data.reference)
        settled.append(request.reference)
    return settled
