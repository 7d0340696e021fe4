"""Paying what a dossier owes, on the portal (docs/payments.md; reference/wave2.md §1, §2).

- The pay page of one of the applicant's own dossiers lists its payment requests. A request
  still payable offers two ways: the online gateway (VNPAY: a POST starts an order through
  dossiers.payment_gateway.attempt_start and sends the browser to the gateway) and a bank
  transfer pre-filled by a VietQR code, matched later by its note when the bank reports it. A
  paid request shows how and when, and its e-receipt.
- The page asks every few seconds (htmx) whether anything changed while something is payable;
  the answer is "204 No Content" until it did, then the new list. Without JavaScript a link
  reloads the page.
- The browser's return from the gateway (`vnpay_return`) only reads what became of the order
  (dossiers.payment_gateway.return_receive) and says so: the money is recorded only from the
  gateway's server notification (`vnpay_ipn`) or its answer to a query (wave2.md §2.2).
- The e-receipt is served by its public token (/bien-lai/<token>/, the link its notice carries).

Every dossier page needs the signed-in applicant; anyone else gets "not found".
"""

import hashlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from motcua.core.errors import DomainError
from motcua.core.ratelimit import client_ip
from motcua.documents.downloads import private_file_response
from motcua.dossiers import payment_gateway
from motcua.dossiers.models import Dossier
from motcua.dossiers.payment_selectors import payment_requests_of
from motcua.dossiers.payments import payment_vietqr, transfer_note
from motcua.dossiers.public import dossier_get_own
from motcua.payments import receipts, vietqr
from motcua.payments.constants import PAYABLE, AttemptStatus, PaymentStatus
from motcua.payments.gateways import ForgedSignature, GatewayError, gateway_for
from motcua.payments.models import PaymentAttempt, PaymentRequest, Receipt
from motcua.payments.services import active_account

from .auth import citizen_login_required

GATEWAY = "vnpay"
POLL_SECONDS = 5

#: What the payer is told of a failed VNPAY payment, by vnp_ResponseCode (wave2.md §2.3).
VNPAY_REASONS = {
    "09": gettext_lazy("Your card or account is not registered for Internet Banking."),
    "10": gettext_lazy("The bank's authentication failed too many times."),
    "11": gettext_lazy("The time to pay ran out."),
    "12": gettext_lazy("Your card or account is locked."),
    "13": gettext_lazy("The one-time password (OTP) was wrong."),
    "24": gettext_lazy("You cancelled the payment."),
    "51": gettext_lazy("Your account does not have enough money."),
    "65": gettext_lazy("Your account has reached its daily limit."),
    "75": gettext_lazy("Your bank is under maintenance."),
    "79": gettext_lazy("The payment password was wrong too many times."),
}
#: The colour of a request's status, borrowed from the dossier statuses' (portal stylesheet).
STATUS_TONE = {
    PaymentStatus.PENDING: "intake_supplement_requested",
    PaymentStatus.PAID: "result_returned",
    PaymentStatus.FAILED: "",  # the plain status colour, a warm red
    PaymentStatus.EXPIRED: "withdrawn",
    PaymentStatus.CANCELLED: "withdrawn",
    PaymentStatus.REFUNDED: "withdrawn",
}
_REASON_OF_STATUS = {
    AttemptStatus.CANCELLED: VNPAY_REASONS["24"],
    AttemptStatus.EXPIRED: VNPAY_REASONS["11"],
}


def _own_or_404(request: HttpRequest, key: str) -> Dossier:
    try:
        return dossier_get_own(user=request.user, key=key)
    except Dossier.DoesNotExist:
        raise Http404 from None


def _private(response: HttpResponseBase) -> HttpResponseBase:
    """Personal data: never kept by a shared cache or the browser's back-forward cache."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def _gateway_available() -> bool:
    try:
        gateway_for(GATEWAY)
    except ImproperlyConfigured:
        return False
    return True


def failure_reason(attempt: PaymentAttempt | None) -> str:
    """Why the last online payment did not go through, for the payer ("" when it did)."""
    if attempt is None or attempt.status in (AttemptStatus.PENDING, AttemptStatus.PAID):
        return ""
    text = VNPAY_REASONS.get(attempt.response_code) if attempt.gateway == GATEWAY else None
    text = text or _REASON_OF_STATUS.get(AttemptStatus(attempt.status))
    if text:
        return str(text)
    return _("The gateway did not accept the payment (code %(code)s).") % {
        "code": attempt.response_code or "–"
    }


def _receipt_of(payment: PaymentRequest) -> Receipt | None:
    try:
        receipt = payment.receipt
    except Receipt.DoesNotExist:
        return None
    return receipt if receipt.file else None


def _row(payment: PaymentRequest) -> dict[str, Any]:
    payable = payment.status in PAYABLE
    attempt = payment.attempts.first()  # the newest
    row: dict[str, Any] = {
        "request": payment,
        "payable": payable,
        "tone": STATUS_TONE.get(PaymentStatus(payment.status), ""),
        "attempt": attempt,
        "confirming": payable and attempt is not None and attempt.status == AttemptStatus.PENDING,
        "failure": failure_reason(attempt) if payment.status == PaymentStatus.FAILED else "",
        "receipt": _receipt_of(payment) if payment.status == PaymentStatus.PAID else None,
        "qr": "",
        "account": None,
        "note": "",
    }
    payload = payment_vietqr(payment) if payable else None
    if payload:
        row["qr"] = vietqr.qr_svg(payload)
        row["account"] = payment.account or active_account(payment.agency)
        row["note"] = transfer_note(payment)
    return row


def _state(rows: list[dict[str, Any]]) -> str:
    """A short digest of where the requests stand; the page polls until it changes."""
    parts = [
        f"{row['request'].pk}:{row['request'].status}:"
        f"{row['attempt'].status if row['attempt'] else ''}:{bool(row['receipt'])}"
        for row in rows
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _context(dossier: Dossier) -> dict[str, Any]:
    rows = [_row(payment) for payment in payment_requests_of(dossier)]
    payable = any(row["payable"] for row in rows)
    waiting = payable or any(
        row["request"].status == PaymentStatus.PAID and not row["receipt"] for row in rows
    )
    return {
        "dossier": dossier,
        "key": dossier.key,
        "rows": rows,
        "payable": payable,
        "poll": waiting,
        "poll_seconds": POLL_SECONDS,
        "state": _state(rows),
        "gateway": _gateway_available(),
    }


# --- the pay page -----------------------------------------------------------------------------


@citizen_login_required
@require_safe
def pay(request: HttpRequest, key: str) -> HttpResponseBase:
    dossier = _own_or_404(request, key)
    return _private(render(request, "portal/payments/pay.html", _context(dossier)))


@citizen_login_required
@require_safe
def pay_status(request: HttpRequest, key: str) -> HttpResponseBase:
    """The list of requests as a fragment (htmx polling): 204 while it is as the page shows
    it (?trang-thai=<digest>), the new list once something changed."""
    dossier = _own_or_404(request, key)
    context = _context(dossier)
    if request.GET.get("trang-thai") == context["state"]:
        response: HttpResponseBase = HttpResponse(status=204)
    else:
        response = render(request, "portal/payments/_requests.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return _private(response)


@citizen_login_required
@require_POST
def pay_online(request: HttpRequest, key: str, reference: str) -> HttpResponseBase:
    """Start an order at the gateway for one payable request and send the browser there."""
    dossier = _own_or_404(request, key)
    payment = next((p for p in payment_requests_of(dossier) if p.reference == reference), None)
    if payment is None:
        raise Http404
    try:
        url = payment_gateway.attempt_start(
            request=payment,
            gateway_name=GATEWAY,
            actor=request.user,  # type: ignore[arg-type]
            client_ip=client_ip(request) or "127.0.0.1",
            return_url=request.build_absolute_uri(reverse("portal:vnpay-return")),
            locale="en" if (get_language() or "").startswith("en") else "vn",
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("portal:my-dossier-pay", key=dossier.key)
    except (ImproperlyConfigured, GatewayError):
        messages.error(
            request,
            _("Online payment is not available now. Please pay by bank transfer or at the desk."),
        )
        return redirect("portal:my-dossier-pay", key=dossier.key)
    return redirect(url)


# --- coming back from the gateway, and its notification ---------------------------------------

_RETURN_MESSAGES = {
    AttemptStatus.PAID: (messages.SUCCESS, gettext_lazy("Your payment was received. Thank you.")),
    AttemptStatus.PENDING: (
        messages.INFO,
        gettext_lazy(
            "Your payment is being confirmed with the gateway. This page shows the result as "
            "soon as it arrives."
        ),
    ),
    AttemptStatus.FAILED: (
        messages.ERROR,
        gettext_lazy("The payment did not go through. You may pay again."),
    ),
    AttemptStatus.CANCELLED: (
        messages.WARNING,
        gettext_lazy("You cancelled the payment. Nothing was taken; you may pay again."),
    ),
    AttemptStatus.EXPIRED: (
        messages.WARNING,
        gettext_lazy("The time to pay ran out. Nothing was taken; you may pay again."),
    ),
}


@require_GET
def vnpay_return(request: HttpRequest) -> HttpResponseBase:
    """The payer's browser back from VNPAY: say what became of the payment, on the pay page.
    Its parameters never pay anything (dossiers.payment_gateway.return_receive)."""
    try:
        attempt = payment_gateway.return_receive(gateway_name=GATEWAY, params=request.GET.dict())
    except (ForgedSignature, GatewayError, PaymentAttempt.DoesNotExist):
        context = {"support": request.GET.get("vnp_TxnRef", "")[:40]}
        response = render(request, "portal/payments/return_invalid.html", context, status=400)
        return _private(response)
    level, text = _RETURN_MESSAGES[AttemptStatus(attempt.status)]
    if attempt.status == AttemptStatus.PAID and attempt.request.status != PaymentStatus.PAID:
        level, text = _RETURN_MESSAGES[AttemptStatus.PENDING]  # an officer checks it first
    messages.add_message(request, level, str(text))
    dossier = Dossier.objects.only("code", "uid").get(pk=attempt.request.dossier_pk)
    return redirect("portal:my-dossier-pay", key=dossier.key)


@csrf_exempt
@require_GET
def vnpay_ipn(request: HttpRequest) -> JsonResponse:
    """VNPAY's server-to-server notification (IPN, wave2.md §2.2): a GET with the signed
    result, answered with {"RspCode", "Message"}. No session, no CSRF token: the signature is
    the proof."""
    answer = payment_gateway.notification_receive(gateway_name=GATEWAY, params=request.GET.dict())
    response = JsonResponse(answer)
    patch_cache_control(response, no_store=True)
    return response


# --- the e-receipt ----------------------------------------------------------------------------


@require_safe
def receipt_pdf(request: HttpRequest, token: str) -> FileResponse:
    """The e-receipt by its public token (the link in its notice and on the pay page)."""
    receipt = receipts.receipt_by_token(token)
    if receipt is None:
        raise Http404
    series = "".join(c if c.isalnum() else "-" for c in receipt.book.series)
    return private_file_response(
        receipt.file,
        filename=f"bien-lai-{series}-{receipt.number_text}.pdf",
        content_type="application/pdf",
        inline=True,
    )
