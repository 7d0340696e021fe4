"""A local stand-in for VNPAY (wave2.md §2), for development, the demo and tests: we cannot reach
VNPAY's sandbox from here. It plays the outside side of the protocol only, with the same
published rules the merchant side uses (gateways.vnpay), so it proves the merchant follows them,
not that VNPAY behaves this way in every detail (docs/payments-vnpay.md says what is assumed).

Mounted by config.urls at /mo-phong/vnpay/ when settings.MOTCUA_PAYMENT_SIMULATOR is true (the
views answer 404 otherwise). It knows one terminal: settings.MOTCUA_PAYMENT_GATEWAYS["vnpay"]
(tmn_code, hash_secret, and ipn_url: the merchant's IPN URL, which VNPAY keeps per terminal).

- GET paymentv2/vpcpay.html: checks the merchant's signed order (a bad one: an error page, 400)
  and shows it with four choices. Orders are kept in the Django cache under the terminal code
  and vnp_TxnRef, never in MotCua's tables: this is the bank's memory.
- POST paymentv2/lua-chon/: the payer's choice. The callback parameters (a new vnp_TransactionNo,
  vnp_BankCode NCB, vnp_CardType ATM, vnp_PayDate in GMT+7, the codes of the choice) are signed,
  sent to the IPN URL (GET) and given to the browser as a redirect to vnp_ReturnUrl.
  settings.MOTCUA_PAYMENT_SIMULATOR_IPN orders the two: "before" (default: the IPN is answered
  before the browser returns), "after" (sent LATE_IPN_SECONDS after the redirect, from a
  thread) or "never" (the merchant must find the result through querydr).
- POST merchant_webapi/api/transaction: querydr and refund (JSON), with the checksums of §2.4.

Assumed, not published: the codes of a choice other than success (vnp_TransactionStatus "02"
with vnp_ResponseCode 51, 24 or 11); a choice made after vnp_ExpireDate becomes 11; querydr
answers vnp_TransactionStatus "01" for an order whose page was opened but not finished, "02"
for a failed one, "05" (refund being processed) once refunded; the vnp_Message texts.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.core.text import money

from .gateways.vnpay import (
    QUERYDR_REQUEST_FIELDS,
    QUERYDR_RESPONSE_FIELDS,
    REFUND_FULL,
    REFUND_PARTIAL,
    REFUND_REQUEST_FIELDS,
    VERSION,
    new_request_id,
    parse_vnp_date,
    pipe_hash,
    sign,
    signature_matches,
    vnp_date,
)

logger = logging.getLogger(__name__)

#: choice -> (vnp_ResponseCode, vnp_TransactionStatus) (wave2 §2.3 codes).
CHOICES = {
    "success": ("00", "00"),
    "insufficient": ("51", "02"),
    "cancel": ("24", "02"),
    "expire": ("11", "02"),
}
STATE_OF_CHOICE = {
    "success": "paid",
    "insufficient": "failed",
    "cancel": "cancelled",
    "expire": "expired",
}
#: querydr's vnp_TransactionStatus for each state of an order (assumed, see above).
QUERY_STATUS_OF_STATE = {
    "pending": "01",
    "paid": "00",
    "failed": "02",
    "cancelled": "02",
    "expired": "02",
    "refunded": "05",
}
MANDATORY = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CreateDate",
    "vnp_CurrCode",
    "vnp_IpAddr",
    "vnp_Locale",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_ReturnUrl",
    "vnp_TxnRef",
    "vnp_ExpireDate",
)
#: W11 builds this list for refund answers (never applied by W11); the simulator signs with it.
REFUND_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)
CACHE_SECONDS = 7 * 24 * 3600
LATE_IPN_SECONDS = 2.0
IPN_TIMEOUT_SECONDS = 10
FIRST_TRANSACTION_NO = 14_000_000
API_MESSAGES = {
    "00": "Request success",
    "02": "Invalid TmnCode",
    "03": "Invalid data format",
    "91": "Transaction not found",
    "94": "Duplicate request",
    "95": "Transaction is not successful at VNPAY",
    "97": "Invalid checksum",
    "99": "Other error",
}

_late_notifications: list[threading.Thread] = []


class OrderRefused(Exception):
    """The merchant's payment URL is not acceptable; `title` and `message` are for the page."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(message)
        self.title = title
        self.message = message


# ---------------------------------------------------------------- state


def _config() -> Mapping[str, str]:
    if not getattr(settings, "MOTCUA_PAYMENT_SIMULATOR", False):
        raise Http404
    return settings.MOTCUA_PAYMENT_GATEWAYS["vnpay"]


def _key(tmn_code: str, txn_ref: str) -> str:
    return f"motcua:vnpay-simulator:{tmn_code}:{txn_ref}"


def order_state(tmn_code: str, txn_ref: str) -> dict[str, Any] | None:
    """The simulator's record of an order (None when its page was never opened)."""
    return cache.get(_key(tmn_code, txn_ref))


def _save(order: dict[str, Any]) -> None:
    params = order["params"]
    cache.set(_key(params["vnp_TmnCode"], params["vnp_TxnRef"]), order, CACHE_SECONDS)


def _new_transaction_no() -> str:
    cache.add("motcua:vnpay-simulator:sequence", FIRST_TRANSACTION_NO, None)
    return str(cache.incr("motcua:vnpay-simulator:sequence"))


def _accept(params: Mapping[str, str], config: Mapping[str, str]) -> dict[str, Any]:
    """Check a payment URL's parameters as VNPAY would and open (or reopen) its order."""
    received = params.get("vnp_SecureHash", "")
    if not received or not signature_matches(sign(params, config["hash_secret"]), received):
        raise OrderRefused("Sai chữ ký", "Chữ ký của yêu cầu thanh toán không hợp lệ.")
    if params.get("vnp_TmnCode") != config["tmn_code"]:
        raise OrderRefused("Merchant không hợp lệ", "Mã website (vnp_TmnCode) không đúng.")
    missing = [key for key in MANDATORY if not params.get(key)]
    well_formed = (
        not missing
        and params["vnp_Version"] == VERSION
        and params["vnp_Command"] == "pay"
        and params["vnp_CurrCode"] == "VND"
        and params["vnp_Locale"] in ("vn", "en")
        and params["vnp_Amount"].isdigit()
        and int(params["vnp_Amount"]) > 0
    )
    try:
        expires_at = parse_vnp_date(params.get("vnp_ExpireDate", ""))
        parse_vnp_date(params.get("vnp_CreateDate", ""))
    except ValueError:
        well_formed = False
    if not well_formed:
        raise OrderRefused(
            "Dữ liệu không đúng định dạng",
            "Thiếu hoặc sai tham số: " + (", ".join(missing) or "định dạng"),
        )
    order = order_state(params["vnp_TmnCode"], params["vnp_TxnRef"])
    sent = {key: value for key, value in params.items() if key != "vnp_SecureHash"}
    if order is not None and (order["state"] != "pending" or order["params"] != sent):
        raise OrderRefused("Giao dịch đã tồn tại", "Mã giao dịch này đã được sử dụng.")
    if order is None and timezone.now() > expires_at:
        raise OrderRefused("Giao dịch hết hạn", "Đã hết hạn chờ thanh toán.")
    if order is None:
        order = {
            "params": sent,
            "state": "pending",
            "refunds": [],
            "query_request_ids": [],
        }
        _save(order)
    return order


def _choose(order: dict[str, Any], choice: str, config: Mapping[str, str]) -> dict[str, str]:
    """Record the payer's choice on the order; the signed callback parameters."""
    params = order["params"]
    now = timezone.now()
    if choice != "expire" and now > parse_vnp_date(params["vnp_ExpireDate"]):
        choice = "expire"
    response_code, transaction_status = CHOICES[choice]
    transaction_no = _new_transaction_no()
    callback = {
        "vnp_Amount": params["vnp_Amount"],
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{transaction_no}" if choice == "success" else "",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": params["vnp_OrderInfo"],
        "vnp_PayDate": vnp_date(now),
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": params["vnp_TmnCode"],
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": transaction_status,
        "vnp_TxnRef": params["vnp_TxnRef"],
    }
    callback = {key: value for key, value in callback.items() if value}
    callback["vnp_SecureHash"] = sign(callback, config["hash_secret"])
    order.update(state=STATE_OF_CHOICE[choice], callback=callback, ipn=None)
    _save(order)
    return callback


def simulate_callback_params(order_url: str, choice: str) -> dict[str, str]:
    """What the simulator sends (to the IPN URL and the return URL) when the payer makes
    `choice` ("success", "insufficient", "cancel", "expire") on the page of `order_url`, a
    payment URL built by the merchant. The order is recorded as if the page had been used, so
    querydr answers accordingly; nothing is sent. Raises OrderRefused for a bad URL."""
    config = _config()
    if choice not in CHOICES:
        raise ValueError(f"unknown choice {choice!r}")
    params = dict(parse_qsl(urlsplit(order_url).query, keep_blank_values=True))
    return _choose(_accept(params, config), choice, config)


# ---------------------------------------------------------------- notification


def _send_ipn(order_key: tuple[str, str], callback: Mapping[str, str], ipn_url: str) -> None:
    """GET the merchant's IPN URL with the callback and record its answer on the order."""
    result: dict[str, Any]
    if not ipn_url.startswith(("http://", "https://")):
        result = {"error": f"not an http(s) URL: {ipn_url!r}"}
    else:
        separator = "&" if "?" in ipn_url else "?"
        try:
            with urllib.request.urlopen(  # noqa: S310 - the scheme is checked above
                ipn_url + separator + urlencode(callback), timeout=IPN_TIMEOUT_SECONDS
            ) as answer:
                body = answer.read(64 * 1024)
                result = {"status": answer.status, "answer": json.loads(body)}
        except (OSError, ValueError) as error:
            logger.warning("VNPAY simulator: IPN to %s failed: %s", ipn_url, error)
            result = {"error": str(error)}
    order = order_state(*order_key)
    if order is not None:
        order["ipn"] = result
        _save(order)


def wait_for_late_notifications(timeout: float = 10.0) -> None:
    """Wait for IPNs sent "after" the redirect (tests)."""
    while _late_notifications:
        _late_notifications.pop().join(timeout)


def _notify(callback: Mapping[str, str], config: Mapping[str, str]) -> None:
    mode = getattr(settings, "MOTCUA_PAYMENT_SIMULATOR_IPN", "before")
    key = (callback["vnp_TmnCode"], callback["vnp_TxnRef"])
    if mode == "never":
        return
    if mode == "after":
        thread = threading.Timer(LATE_IPN_SECONDS, _send_ipn, (key, callback, config["ipn_url"]))
        thread.daemon = True
        _late_notifications.append(thread)
        thread.start()
        return
    _send_ipn(key, callback, config["ipn_url"])


# ---------------------------------------------------------------- views


def _refused(request: HttpRequest, error: OrderRefused) -> HttpResponse:
    context = {"title": error.title, "message": error.message}
    return render(request, "payments/simulator/error.html", context, status=400)


@require_GET
def pay_page(request: HttpRequest) -> HttpResponse:
    """VNPAY's payment page for the merchant's signed order."""
    config = _config()
    try:
        order = _accept(request.GET.dict(), config)
    except OrderRefused as error:
        return _refused(request, error)
    params = order["params"]
    context = {
        "params": params,
        "amount": money(int(params["vnp_Amount"]) // 100),
        "expires_at": parse_vnp_date(params["vnp_ExpireDate"]),
        "choices": [
            ("success", "Thanh toán thành công"),
            ("insufficient", "Thanh toán thất bại (không đủ số dư)"),
            ("cancel", "Hủy giao dịch"),
            ("expire", "Để hết hạn"),
        ],
    }
    return render(request, "payments/simulator/pay.html", context)


@require_POST
def pay_choice(request: HttpRequest) -> HttpResponse:
    """The payer's choice: notify the merchant, then send the browser back to it."""
    config = _config()
    choice = request.POST.get("choice", "")
    order = order_state(config["tmn_code"], request.POST.get("vnp_TxnRef", ""))
    if order is None or choice not in CHOICES:
        return _refused(request, OrderRefused("Không tìm thấy giao dịch", "Yêu cầu không hợp lệ."))
    if order["state"] != "pending":
        return _refused(request, OrderRefused("Giao dịch đã tồn tại", "Đã được xử lý."))
    callback = _choose(order, choice, config)
    _notify(callback, config)
    return_url = order["params"]["vnp_ReturnUrl"]
    separator = "&" if "?" in return_url else "?"
    return HttpResponseRedirect(return_url + separator + urlencode(callback))


def _api_answer(command: str, code: str, **fields: str) -> JsonResponse:
    answer = {
        "vnp_ResponseId": new_request_id(),
        "vnp_Command": command,
        "vnp_ResponseCode": code,
        "vnp_Message": API_MESSAGES[code],
        **fields,
    }
    return JsonResponse(answer)


def _signed_answer(
    command: str, order: Mapping[str, Any], config: Mapping[str, str], **extra: str
) -> JsonResponse:
    params = order["params"]
    callback = order.get("callback") or {}
    answer: dict[str, str] = {
        "vnp_ResponseId": new_request_id(),
        "vnp_Command": command,
        "vnp_ResponseCode": "00",
        "vnp_Message": API_MESSAGES["00"],
        "vnp_TmnCode": params["vnp_TmnCode"],
        "vnp_TxnRef": params["vnp_TxnRef"],
        "vnp_Amount": params["vnp_Amount"],
        "vnp_OrderInfo": params["vnp_OrderInfo"],
        "vnp_BankCode": callback.get("vnp_BankCode", ""),
        "vnp_PayDate": callback.get("vnp_PayDate", ""),
        "vnp_TransactionNo": callback.get("vnp_TransactionNo", ""),
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": QUERY_STATUS_OF_STATE[order["state"]],
        **extra,
    }
    fields = QUERYDR_RESPONSE_FIELDS if command == "querydr" else REFUND_RESPONSE_FIELDS
    answer["vnp_SecureHash"] = pipe_hash(answer, fields, config["hash_secret"])
    return JsonResponse(answer)


@csrf_exempt
@require_POST
def transaction_api(request: HttpRequest) -> HttpResponse:
    """merchant_webapi/api/transaction: querydr and refund (wave2 §2.4)."""
    config = _config()
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    if not isinstance(body, dict) or body.get("vnp_Command") not in ("querydr", "refund"):
        return _api_answer("", "03")
    body = {key: "" if value is None else str(value) for key, value in body.items()}
    command = body["vnp_Command"]
    fields = QUERYDR_REQUEST_FIELDS if command == "querydr" else REFUND_REQUEST_FIELDS
    if body.get("vnp_TmnCode") != config["tmn_code"]:
        return _api_answer(command, "02")
    expected = pipe_hash(body, fields, config["hash_secret"])
    if not signature_matches(expected, body.get("vnp_SecureHash", "")):
        return _api_answer(command, "97")
    if any(not body.get(key) for key in fields if key != "vnp_TransactionNo"):
        return _api_answer(command, "03")
    order = order_state(config["tmn_code"], body["vnp_TxnRef"])
    if order is None or order["params"]["vnp_CreateDate"] != body["vnp_TransactionDate"]:
        return _api_answer(command, "91")
    if command == "querydr":
        return _query(order, body, config)
    return _refund(order, body, config)


def _query(
    order: dict[str, Any], body: Mapping[str, str], config: Mapping[str, str]
) -> JsonResponse:
    if body["vnp_RequestId"] in order["query_request_ids"]:
        return _api_answer("querydr", "94")
    order["query_request_ids"].append(body["vnp_RequestId"])
    _save(order)
    return _signed_answer("querydr", order, config)


def _refund(
    order: dict[str, Any], body: Mapping[str, str], config: Mapping[str, str]
) -> JsonResponse:
    if order["refunds"]:
        return _api_answer("refund", "94")
    if order["state"] != "paid":
        return _api_answer("refund", "95")
    given_no = body.get("vnp_TransactionNo", "")
    if given_no not in ("", "0") and given_no != order["callback"]["vnp_TransactionNo"]:
        return _api_answer("refund", "91")
    paid = int(order["params"]["vnp_Amount"])
    kind = body["vnp_TransactionType"]
    amount = int(body["vnp_Amount"]) if body["vnp_Amount"].isdigit() else 0
    full_ok = kind == REFUND_FULL and amount == paid
    partial_ok = kind == REFUND_PARTIAL and 0 < amount < paid
    if not (full_ok or partial_ok):
        return _api_answer("refund", "03")
    order["refunds"].append(
        {"amount": amount, "type": kind, "by": body["vnp_CreateBy"], "at": vnp_date(timezone.now())}
    )
    order["state"] = "refunded"
    _save(order)
    return _signed_answer("refund", order, config, vnp_Amount=str(amount), vnp_TransactionType=kind)
