"""Paying a request through an online payment gateway (docs/payments.md "Gateway").

1. `attempt_start`: the applicant chooses to pay; a PaymentAttempt (the gateway's order) is
   stored and the browser is sent to the gateway's payment page.
2. `notification_receive`: the gateway's server-to-server notification (VNPAY's IPN). Only
   this, checked for its signature, order, amount and state, pays the request: one
   transaction, so a server killed before the commit leaves nothing, and the gateway's retry
   pays once. A second notification of the same order pays nothing more.
3. `return_receive`: the browser comes back. Its parameters are checked but never pay by
   themselves; if the notification has not arrived yet, the gateway is asked (query) server to
   server, and only its answer may settle the payment.

A gateway payment whose amount differs from the order is not paid: it waits for an officer in
the reconciliation queue (payments.BankEntry, source "gateway").
"""

import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.payments import services as payments
from motcua.payments.constants import (
    PAYABLE,
    AttemptStatus,
    EntrySource,
    EntryStatus,
    Method,
    PaymentStatus,
)
from motcua.payments.gateways import gateway_for
from motcua.payments.gateways.base import ForgedSignature, GatewayError, Order, Outcome
from motcua.payments.models import BankEntry, PaymentAttempt, PaymentRequest

from .payments import payment_settle

logger = logging.getLogger(__name__)

# VNPAY's IPN answers (wave2 §2.2); other gateways map to the same meanings.
CONFIRMED, NOT_FOUND, ALREADY, BAD_AMOUNT, BAD_SIGNATURE, UNREADABLE = (
    "00",
    "01",
    "02",
    "04",
    "97",
    "99",
)


def attempt_start(
    *,
    request: PaymentRequest,
    gateway_name: str,
    actor: User,
    client_ip: str,
    return_url: str,
    locale: Literal["vn", "en"] = "vn",
) -> str:
    """A new order at the gateway for `request`; the URL of the gateway's payment page."""
    gateway = gateway_for(gateway_name)
    now = timezone.now()
    with transaction.atomic():
        locked = PaymentRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in PAYABLE:
            raise DomainError(
                _("This payment is “%(status)s”; there is nothing to pay.")
                % {"status": locked.get_status_display()},
                code="not_payable",
            )
        attempt = PaymentAttempt.objects.create(
            request=locked,
            gateway=gateway_name,
            order_ref=f"{locked.reference}{secrets.token_hex(3).upper()}",
            amount=locked.amount,
            created_at=now,
            expires_at=now + timedelta(minutes=settings.MOTCUA_PAYMENT_ATTEMPT_MINUTES),
        )
        payments.record(
            locked, "attempt_started", actor=actor, gateway=gateway_name, order=attempt.order_ref
        )
    return gateway.create_url(
        Order(
            order_ref=attempt.order_ref,
            amount=attempt.amount,
            description=f"Thanh toan {locked.reference} ho so {locked.dossier_code}",
            created_at=now,
            expires_at=attempt.expires_at,
            client_ip=client_ip,
            return_url=return_url,
            locale=locale,
        )
    )


def notification_receive(*, gateway_name: str, params: Mapping[str, str]) -> dict[str, str]:
    """Apply the gateway's server notification; the answer the gateway expects back."""
    gateway = gateway_for(gateway_name)
    try:
        outcome = gateway.verify_callback(params)
    except ForgedSignature:
        return gateway.ipn_answer(BAD_SIGNATURE)
    except GatewayError as error:  # signed, but a field cannot be read: nothing is applied
        logger.warning("%s notification not readable: %s", gateway_name, error)
        return gateway.ipn_answer(UNREADABLE)
    with transaction.atomic():
        attempt = (
            PaymentAttempt.objects.select_for_update()
            .select_related("request")
            .filter(gateway=gateway_name, order_ref=outcome.order_ref)
            .first()
        )
        if attempt is None:
            return gateway.ipn_answer(NOT_FOUND)
        code = _apply(attempt, outcome, gateway_name)
    return gateway.ipn_answer(code)


def _apply(attempt: PaymentAttempt, outcome: Outcome, gateway_name: str) -> str:
    """Apply what the gateway says of a pending attempt (the caller holds its row lock); the
    IPN answer. Money taken for another amount than the order's is recorded on the attempt
    (the gateway did take it) but pays nothing: it waits for an officer."""
    if attempt.status != AttemptStatus.PENDING:
        return ALREADY
    wrong_amount = outcome.amount != attempt.amount
    if wrong_amount and outcome.status != AttemptStatus.PAID:
        return BAD_AMOUNT  # a failure that names another amount: nothing to record
    attempt.status = outcome.status
    attempt.finished_at = timezone.now()
    attempt.transaction_no = outcome.transaction_no
    attempt.response_code = outcome.response_code
    attempt.notification = dict(outcome.raw)
    attempt.save()
    if wrong_amount:
        _queue_wrong_amount(attempt, outcome, gateway_name)
        return BAD_AMOUNT
    # Locked: a bank transfer or the counter may be paying the same request right now.
    request = PaymentRequest.objects.select_for_update().get(pk=attempt.request_id)
    if outcome.status == AttemptStatus.PAID:
        try:
            payment_settle(
                request=request,
                method=Method.GATEWAY,
                amount=outcome.amount,
                transaction_ref=outcome.transaction_no or attempt.order_ref,
                paid_at=outcome.paid_at or timezone.now(),
                gateway=gateway_name,
            )
        except DomainError as refused:  # paid meanwhile by another way: an officer decides
            _queue(attempt, outcome, gateway_name, reason=refused.message)
    elif request.status in PAYABLE:
        payments.request_mark_failed(
            request=request,
            data={
                "order": attempt.order_ref,
                "attempt": outcome.status,
                "code": outcome.response_code,
            },
        )
    return CONFIRMED


def _queue_wrong_amount(attempt: PaymentAttempt, outcome: Outcome, gateway_name: str) -> None:
    reason = _("The gateway reports %(paid)s đ for an order of %(amount)s đ.") % {
        "paid": f"{outcome.amount:,}",
        "amount": f"{attempt.amount:,}",
    }
    _queue(attempt, outcome, gateway_name, reason=reason)


def _queue(attempt: PaymentAttempt, outcome: Outcome, gateway_name: str, *, reason: str) -> None:
    request = attempt.request
    try:
        with transaction.atomic():
            BankEntry.objects.create(
                account=None,
                agency=request.agency,
                source=EntrySource.GATEWAY,
                entry_key=f"gateway:{gateway_name}:{outcome.transaction_no or attempt.order_ref}",
                booked_at=outcome.paid_at or timezone.now(),
                amount=outcome.amount,
                description=f"{attempt.order_ref} {request.reference} {request.dossier_code}",
                status=EntryStatus.QUEUED,
                reason=reason[:255],
                request=request,
            )
    except IntegrityError:
        return  # already queued by an earlier notification
    payments.record(request, "queued", order=attempt.order_ref, reason=reason)


def return_receive(*, gateway_name: str, params: Mapping[str, str]) -> PaymentAttempt:
    """The browser is back from the gateway: the attempt (and its request) as they now stand.
    Its parameters only name the order; if the notification has not arrived, the gateway is
    asked. Raises ForgedSignature on tampered parameters, GatewayError on unreadable ones and
    PaymentAttempt.DoesNotExist for an order that is not ours."""
    gateway = gateway_for(gateway_name)
    outcome = gateway.verify_callback(params)
    attempts = PaymentAttempt.objects.select_related("request")
    attempt = attempts.get(gateway=gateway_name, order_ref=outcome.order_ref)
    if attempt.status == AttemptStatus.PENDING:
        attempt_check(attempt)
        attempt = attempts.get(pk=attempt.pk)  # fresh, with its request
    return attempt


def attempt_check(attempt: PaymentAttempt) -> None:
    """Ask the gateway what became of a pending order (its notification may be late or lost);
    its server-to-server answer is applied like a notification."""
    gateway = gateway_for(attempt.gateway)
    try:
        outcome = gateway.query(attempt.order_ref, attempt.created_at, client_ip="127.0.0.1")
    except (GatewayError, ForgedSignature) as error:  # asked again by the worker's sweep
        logger.warning("%s query of order %s failed: %s", attempt.gateway, attempt.order_ref, error)
        return
    if outcome.status == AttemptStatus.PENDING:
        if timezone.now() > attempt.expires_at:
            outcome = Outcome(
                order_ref=attempt.order_ref,
                amount=attempt.amount,
                status=AttemptStatus.EXPIRED,
                transaction_no="",
                response_code="",
                paid_at=None,
                bank_code="",
                raw={},
            )
        else:
            return
    with transaction.atomic():
        locked = (
            PaymentAttempt.objects.select_for_update().select_related("request").get(pk=attempt.pk)
        )
        _apply(locked, outcome, attempt.gateway)


def attempts_sweep() -> int:
    """The worker's sweep: pending orders past their expiry are asked about once more."""
    stale = PaymentAttempt.objects.filter(
        status=AttemptStatus.PENDING, expires_at__lt=timezone.now()
    )
    count = 0
    for attempt in stale.select_related("request")[:200]:
        attempt_check(attempt)
        count += 1
    return count


def gateway_refund(*, request: PaymentRequest, actor: User) -> str:
    """Refund a gateway payment in full through its gateway; the gateway's reference."""
    if request.method != Method.GATEWAY or request.status != PaymentStatus.PAID:
        raise DomainError(_("This payment was not made through a gateway."), code="not_gateway")
    # The attempt that paid it (another may have taken a wrong amount: an officer's matter).
    paying = request.attempts.filter(
        status=AttemptStatus.PAID, gateway=request.gateway, amount=request.amount
    ).filter(Q(transaction_no=request.transaction_ref) | Q(order_ref=request.transaction_ref))
    attempt = paying.order_by("-finished_at").first()
    if attempt is None:
        raise DomainError(_("The gateway payment could not be found."), code="not_gateway")
    gateway = gateway_for(attempt.gateway)
    try:
        answer = gateway.refund(
            attempt.order_ref,
            attempt.amount,
            attempt.transaction_no,
            attempt.created_at,
            actor_name=actor.get_username(),
            client_ip="127.0.0.1",
            full=True,
        )
    except GatewayError as error:
        raise DomainError(
            _("The gateway could not be reached: %(error)s") % {"error": error},
            code="gateway_unreachable",
        ) from error
    if not answer.ok:
        raise DomainError(
            _("The gateway refused the refund (%(code)s: %(message)s).")
            % {"code": answer.response_code, "message": answer.message},
            code="gateway_refused",
        )
    return f"{attempt.gateway}:{attempt.transaction_no}"
