"""Paying what a dossier owes (docs/payments.md).

`payment_settle` is the one place a payment request becomes paid, whoever reports the money: a
gateway's server notification (dossiers.payment_gateway), a bank statement line or notification
(dossiers.payment_bank), an officer at the counter. It checks the amount, is idempotent for the
same transaction, pays the dossier's fee lines and, for a financial obligation, resumes the
dossier: the waiting time extends the deadline, it does not restart it (dossiers.pauses). The
e-receipt is issued once the payment is committed (dossiers.payment_receipts).

A browser coming back from a gateway never pays anything by itself.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError, ValidationFailed
from motcua.payments import services as payments
from motcua.payments import vietqr
from motcua.payments.constants import PAYABLE, Method, PaymentStatus, Purpose
from motcua.payments.models import PaymentRequest

from . import payment_bills, states
from .act_context import ActInput
from .constants import Act, DossierStatus, FeeStatus
from .models import Dossier, DossierFee
from .selectors import actor_roles
from .services import dossier_act

logger = logging.getLogger(__name__)

SYSTEM_USERNAME = "motcua-he-thong"
REFUNDABLE_STATUSES = frozenset({DossierStatus.NOT_ACCEPTED, DossierStatus.WITHDRAWN})


def system_user() -> User:
    """The installation itself, the actor of what it does on facts it verified (a payment the
    gateway or the bank confirmed). It cannot log in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Hệ thống MotCua", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def payment_settle(
    *,
    request: PaymentRequest,
    method: str,
    amount: int,
    transaction_ref: str,
    paid_at: datetime,
    gateway: str = "",
    actor: User | None = None,
    note: str = "",
) -> bool:
    """Pay `request` with a transaction of `amount` đồng. False (and nothing changes) when this
    same transaction already paid it; DomainError when the amount differs or the request is
    no longer payable."""
    with transaction.atomic():
        locked = PaymentRequest.objects.select_for_update().get(pk=request.pk)
        if (
            locked.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED)
            and locked.method == method
            and locked.gateway == gateway
            and locked.transaction_ref == transaction_ref[:100]
        ):
            return False
        if locked.status not in PAYABLE:
            raise DomainError(
                _("Payment %(reference)s is “%(status)s”; it cannot be paid now.")
                % {"reference": locked.reference, "status": locked.get_status_display()},
                code="not_payable",
            )
        if amount != locked.amount:
            raise DomainError(
                _("%(paid)s đ were paid for %(reference)s, which asks %(amount)s đ.")
                % {
                    "paid": f"{amount:,}",
                    "reference": locked.reference,
                    "amount": f"{locked.amount:,}",
                },
                code="wrong_amount",
            )
        payments.request_mark_paid(
            request=locked,
            method=method,
            transaction_ref=transaction_ref,
            paid_at=paid_at,
            gateway=gateway,
            actor=actor,
            data={"note": note} if note else None,
        )
        payment_bills.mark_fees_paid(locked, paid_at=paid_at, reference=transaction_ref)
        if locked.purpose == Purpose.OBLIGATION:
            _resume_after_obligation(locked)
        transaction.on_commit(lambda: deliver_receipt(locked.pk))
    request.refresh_from_db()
    return True


def _resume_after_obligation(request: PaymentRequest) -> None:
    dossier = Dossier.objects.get(pk=request.dossier_pk)
    if dossier.status != DossierStatus.FINANCIAL_OBLIGATION:
        return
    unpaid = PaymentRequest.objects.filter(
        dossier_pk=dossier.pk, purpose=Purpose.OBLIGATION, status__in=PAYABLE
    )
    if unpaid.exists():
        return
    dossier_act(
        dossier=dossier,
        act=Act.CONFIRM_PAYMENT,
        actor=system_user(),
        data=ActInput(reference=request.reference, amount=request.amount),
        system=True,
    )


def deliver_receipt(request_pk: int) -> None:
    """Issue and send the e-receipt; a failure is logged and retried by the worker's sweep
    (payment_receipts.receipts_missing), the payment itself stands."""
    from .payment_receipts import receipt_deliver  # the receipt needs the PDF and signing stack

    try:
        receipt_deliver(request_id=request_pk)
    except Exception:
        logger.exception(
            "e-receipt of payment request %s not issued; the sweep retries", request_pk
        )


def payment_vietqr(request: PaymentRequest) -> str | None:
    """The VietQR payload of a bank transfer paying `request`: the collecting agency's account,
    the amount, the dossier's code (or the request's reference before it has one) as the
    purpose and the reference as the reference label. None without an active account."""
    account = request.account if request.account and request.account.active else None
    account = account or payments.active_account(request.agency)
    if account is None or request.status not in PAYABLE:
        return None
    return vietqr.build_payload(
        bank_bin=account.bank.bin,
        account_number=account.account_number,
        amount=request.amount,
        purpose=transfer_note(request),
        reference_label=request.reference,
    )


def transfer_note(request: PaymentRequest) -> str:
    """What the payer writes in the transfer (VietQR's purpose, at most 25 characters): the
    reference and the dossier's short reference, or the dossier's code once it has one."""
    note = f"{request.reference} {request.dossier_code}"
    if len(note) <= vietqr.NOTE_LIMIT:
        return note
    if len(request.dossier_code) <= vietqr.NOTE_LIMIT and "-" in request.dossier_code:
        return request.dossier_code  # the dossier's code (000.00.00.H49-261207-0001)
    return request.reference


def _check_officer(request: PaymentRequest, actor: User, roles: frozenset[str]) -> Dossier:
    dossier = Dossier.objects.get(pk=request.dossier_pk)
    if not roles & actor_roles(dossier=dossier, user=actor):
        raise DomainError(
            _("Only an officer of %(agency)s may record this.") % {"agency": request.agency},
            code="act_not_permitted",
        )
    return dossier


def payment_record_at_counter(
    *, request: PaymentRequest, actor: User, method: str, amount: int, receipt_ref: str = ""
) -> None:
    """The reception officer took the money at the counter (cash or card)."""
    if method not in (Method.CASH, Method.CARD):
        raise ValidationFailed(_("Say whether it was paid in cash or by card."))
    _check_officer(request, actor, states.RECEPTION)
    payment_settle(
        request=request,
        method=method,
        amount=amount,
        transaction_ref=receipt_ref.strip() or f"counter:{request.reference}",
        paid_at=timezone.now(),
        gateway="counter",
        actor=actor,
    )


def payment_cancel(*, request: PaymentRequest, actor: User, reason: str) -> None:
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for cancelling the payment request."))
    with transaction.atomic():
        locked = PaymentRequest.objects.select_for_update().get(pk=request.pk)
        _check_officer(locked, actor, states.RECEPTION | states.PROCESSORS)
        if locked.status not in PAYABLE:
            raise DomainError(_("Only an unpaid request can be cancelled."), code="not_payable")
        payments.request_cancel(request=locked, actor=actor, reason=reason.strip())


def refund_allowed(request: PaymentRequest, dossier: Dossier) -> bool:
    """Paid, the dossier refused or withdrawn, and the procedure gives fees back."""
    return (
        request.status == PaymentStatus.PAID
        and dossier.status in REFUNDABLE_STATUSES
        and dossier.procedure.fee_refundable
    )


def payment_refund(
    *, request: PaymentRequest, actor: User, refund_ref: str = "", through_gateway: bool = False
) -> None:
    """Give the money back: through the gateway that took it, or as the officer recorded."""
    with transaction.atomic():
        locked = PaymentRequest.objects.select_for_update().get(pk=request.pk)
        dossier = _check_officer(locked, actor, states.RECEPTION | states.DECIDERS)
        if not refund_allowed(locked, dossier):
            raise DomainError(
                _(
                    "A refund is possible only for a paid fee of a refused or withdrawn "
                    "dossier whose procedure gives fees back."
                ),
                code="refund_not_allowed",
            )
        if through_gateway:
            from .payment_gateway import gateway_refund

            refund_ref = gateway_refund(request=locked, actor=actor)
        elif not refund_ref.strip():
            raise ValidationFailed(_("Give the reference of the refund (transfer or voucher)."))
        payments.request_refund(
            request=locked,
            actor=actor,
            refund_ref=refund_ref.strip(),
            refunded_at=timezone.now(),
            through="gateway" if through_gateway else "officer",
        )


def payment_assess(
    *, dossier: Dossier, actor: User, quantities: dict[int, int], legal_basis: str = ""
) -> PaymentRequest | None:
    """The reception officer states what the applicant owes at submission: how many of each
    unbilled fee line of the dossier (0: it does not apply, e.g. an alternative line or an
    exemption). Per page and per copy lines are charged by quantity. One transaction."""
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        _check_dossier_officer(locked, actor)
        lines = {
            fee.pk: fee
            for fee in locked.fees.select_related("fee").filter(
                purpose=Purpose.SUBMISSION, status=FeeStatus.DUE, payment_request__isnull=True
            )
        }
        if not lines:
            raise DomainError(_("There are no fee lines left to assess."), code="nothing_to_bill")
        unknown = set(quantities) - set(lines)
        if unknown or any(count < 0 or count > 1000 for count in quantities.values()):
            raise ValidationFailed(_("Give a number from 0 to 1000 for each fee line."))
        for pk, fee in lines.items():
            count = quantities.get(pk, 0)
            if count == 0:
                fee.status = FeeStatus.WAIVED
            else:
                unit = fee.fee.amount if fee.fee is not None and fee.fee.amount else fee.amount
                fee.quantity, fee.amount = count, unit * count
            fee.save(update_fields=["status", "quantity", "amount"])
        return payment_bills.bill_due_fees(
            locked, purpose=Purpose.SUBMISSION, actor=actor, legal_basis=legal_basis
        )


def payment_bill_postage(*, dossier: Dossier, actor: User, amount: int) -> PaymentRequest:
    """Postage for a result sent by post (public postal service; the amount the post charges,
    entered by the reception officer)."""
    if amount <= 0:
        raise ValidationFailed(_("The amount must be a positive number of đồng."))
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        _check_dossier_officer(locked, actor)
        DossierFee.objects.create(
            dossier=locked,
            description=str(_("Postage for the result")),
            amount=amount,
            purpose=Purpose.POSTAGE,
        )
        request = payment_bills.bill_due_fees(locked, purpose=Purpose.POSTAGE, actor=actor)
        assert request is not None
        return request


def _check_dossier_officer(dossier: Dossier, actor: User) -> None:
    if not states.RECEPTION & actor_roles(dossier=dossier, user=actor):
        raise DomainError(
            _("Only a reception officer of %(agency)s may do this.")
            % {"agency": dossier.receiving_agency},
            code="act_not_permitted",
        )
