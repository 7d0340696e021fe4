"""VNPAY payment gateway, API version 2.1.0 (shared/reference/wave2.md §2).

What comes from where (details in docs/payments-vnpay.md):
- **Published** (wave2 §2.1, VNPAY's integration guide): the payment URL and its parameters down
  to vnp_CurrCode; version 2.1.0 with HMAC-SHA512 and no vnp_SecureHashType.
- **Read from public code** (wave2 §2.1-2.4: the `lehuygiang28/vnpay` library "W11", VNPAY's PHP
  demo "W13", a Python demo "W12"): the meaning of the later URL parameters, the signing rule
  (sorted vnp_* without the hash fields, empty ones dropped, form-encoded with spaces as `+`,
  HMAC-SHA512 hex), the callback fields, the IPN answers, the response and transaction status
  codes, and the querydr/refund request hash lists.
- **Not in wave2, read by this module's author from the same W11 source**
  (`src/services/query.service.ts`): the querydr *response* hash list (`QUERYDR_RESPONSE_FIELDS`)
  and the refund transaction types 02 (full) / 03 (partial) (`src/types/refund.type.ts`). W11
  builds a refund response list too but never applies it (its condition cannot hold), so a
  refund answer's hash is not checked here; its vnp_TxnRef is.
- **Unverified** (wave2 marks it so): that vnp_ExpireDate is mandatory (it is always sent); the
  "M" marks of the rows after vnp_CurrCode; the length limits (vnp_OrderInfo is not cut).
- **Our reading**: which AttemptStatus a code means (`callback_status`, `query_status`); the
  vnp_RequestId format; JSON strings (not numbers) in querydr/refund bodies.

Success takes vnp_ResponseCode "00" AND vnp_TransactionStatus "00" (wave2 §2.2). Code "07"
("money debited, transaction suspected": the merchant confirms it in VNPAY's merchant admin)
is FAILED here; its response_code reaches the orchestrator.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import unicodedata
import urllib.request
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote_plus

from motcua.payments.constants import AttemptStatus

from .base import ForgedSignature, Gateway, GatewayError, Order, Outcome, RefundOutcome

VERSION = "2.1.0"
#: VNPAY's dates are yyyyMMddHHmmss in GMT+7 (wave2 §2.1).
GMT7 = timezone(timedelta(hours=7), "GMT+7")
DATE_FORMAT = "%Y%m%d%H%M%S"
HASH_FIELDS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
TIMEOUT_SECONDS = 30

#: wave2 §2.4 [verified: W11]: the querydr request checksum, pipe-joined in this order.
QUERYDR_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
#: wave2 §2.4 [verified: W11]: the refund request checksum, pipe-joined in this order.
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
#: NOT in wave2 (it says only "a fixed pipe list"): read from W11 query.service.ts, where the
#: terminal code is the merchant's own and a missing field counts as "".
QUERYDR_RESPONSE_FIELDS = (
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
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)

#: The IPN answers (wave2 §2.2 [verified: W11 ipn-result-for-vnpay.constant.ts]).
IPN_MESSAGES = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Fail checksum",
    "99": "Unknown error",
}
#: Refund transaction types (W11 refund.type.ts; not in wave2).
REFUND_FULL, REFUND_PARTIAL = "02", "03"

#: vnp_ResponseCode of a payment -> status, when it is not a success (wave2 §2.3).
_FAILURE_STATUS = {"24": AttemptStatus.CANCELLED, "11": AttemptStatus.EXPIRED}
#: vnp_TransactionStatus in a querydr answer -> status (wave2 §2.3; the mapping is ours):
#: 00 paid; 01 not completed; 05/06/09 are refund states of a payment that was made.
_QUERY_STATUS = {
    "00": AttemptStatus.PAID,
    "01": AttemptStatus.PENDING,
    "05": AttemptStatus.PAID,
    "06": AttemptStatus.PAID,
    "09": AttemptStatus.PAID,
}
#: wave2 §2.1: keep vnp_OrderInfo to letters, digits, space and . : - _ (the encodings of
#: quote_plus and URLSearchParams differ on a few other characters).
_ORDER_INFO_OUTSIDE = re.compile(r"[^A-Za-z0-9 .:_-]+")


# ---------------------------------------------------------------- signing


def canonical_query(params: Mapping[str, str]) -> str:
    """The string VNPAY signs (wave2 §2.1 signing rule 1-2): the non-empty vnp_* parameters
    without the hash fields, keys sorted ascending, `key=quote_plus(value)` joined with `&`."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in HASH_FIELDS and str(value) != ""
    )
    return "&".join(f"{quote_plus(key)}={quote_plus(value)}" for key, value in items)


def hmac_sha512(secret: str, message: str) -> str:
    """hex(HMAC-SHA512(secret, message as UTF-8)) (wave2 §2.1 signing rule 3)."""
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, str], secret: str) -> str:
    """vnp_SecureHash of a payment URL or callback."""
    return hmac_sha512(secret, canonical_query(params))


def pipe_hash(body: Mapping[str, Any], fields: Iterable[str], secret: str) -> str:
    """vnp_SecureHash of a querydr/refund message: `fields` of `body` joined by "|"."""
    return hmac_sha512(secret, "|".join(_text(body.get(key)) for key in fields))


def signature_matches(expected: str, received: str) -> bool:
    return hmac.compare_digest(expected.lower().encode(), received.lower().encode())


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------- fields


def vnp_date(moment: datetime) -> str:
    """yyyyMMddHHmmss in GMT+7."""
    if moment.tzinfo is None:
        raise ValueError("VNPAY dates need an aware datetime")
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_vnp_date(value: str) -> datetime:
    """An aware datetime from VNPAY's yyyyMMddHHmmss (GMT+7); ValueError when malformed."""
    if not re.fullmatch(r"\d{14}", value):
        raise ValueError(f"not a VNPAY date: {value!r}")
    return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=GMT7)


def order_info(description: str) -> str:
    """vnp_OrderInfo: Vietnamese without diacritics (đ → d), in the restricted character set."""
    text = description.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(_ORDER_INFO_OUTSIDE.sub(" ", text).split())


def callback_status(response_code: str, transaction_status: str) -> AttemptStatus:
    """A payment's status from its callback (wave2 §2.2-2.3): paid only with both codes 00;
    24 cancelled by the payer, 11 expired, anything else failed."""
    if response_code == "00" and transaction_status == "00":
        return AttemptStatus.PAID
    return _FAILURE_STATUS.get(response_code, AttemptStatus.FAILED)


def query_status(transaction_status: str) -> AttemptStatus:
    """A payment's status from a querydr answer's vnp_TransactionStatus (wave2 §2.3)."""
    return _QUERY_STATUS.get(transaction_status, AttemptStatus.FAILED)


def amount_from_vnp(value: Any) -> int:
    """Whole đồng from VNPAY's amount × 100; GatewayError when it is not one."""
    text = _text(value)
    if not text.isdigit() or int(text) % 100:
        raise GatewayError(f"VNPAY amount is not whole đồng × 100: {text!r}")
    return int(text) // 100


def new_request_id() -> str:
    """vnp_RequestId: unique per request (W11: "not duplicated in a day"); format ours."""
    return secrets.token_hex(16)


# ---------------------------------------------------------------- the gateway


class VnpayGateway(Gateway):
    """VNPAY 2.1.0 for one terminal (vnp_TmnCode) and its hash secret."""

    name = "vnpay"

    def __init__(self, *, tmn_code: str, hash_secret: str, pay_url: str, api_url: str) -> None:
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.pay_url = pay_url
        self.api_url = api_url

    def payment_params(self, order: Order) -> dict[str, str]:
        """The URL's parameters before signing (wave2 §2.1); vnp_BankCode is left out so the
        payer chooses the method on VNPAY's page."""
        return {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(order.amount * 100),
            "vnp_CreateDate": vnp_date(order.created_at),
            "vnp_CurrCode": "VND",
            "vnp_IpAddr": order.client_ip,
            "vnp_Locale": order.locale,
            "vnp_OrderInfo": order_info(order.description),
            "vnp_OrderType": "other",
            "vnp_ReturnUrl": order.return_url,
            "vnp_TxnRef": order.order_ref,
            "vnp_ExpireDate": vnp_date(order.expires_at),
        }

    def create_url(self, order: Order) -> str:
        if order.amount <= 0:
            raise ValueError("a VNPAY order needs a positive amount")
        params = self.payment_params(order)
        if not params["vnp_OrderInfo"]:
            raise ValueError("a VNPAY order needs a description in letters or digits")
        query = canonical_query(params)
        return f"{self.pay_url}?{query}&vnp_SecureHash={hmac_sha512(self.hash_secret, query)}"

    def verify_callback(self, params: Mapping[str, str]) -> Outcome:
        received = params.get("vnp_SecureHash", "")
        if not received or not signature_matches(sign(params, self.hash_secret), received):
            raise ForgedSignature("VNPAY callback checksum missing or wrong")
        raw = {key: str(value) for key, value in params.items()}
        status = callback_status(
            raw.get("vnp_ResponseCode", ""), raw.get("vnp_TransactionStatus", "")
        )
        order_ref = raw.get("vnp_TxnRef", "")
        if not order_ref:
            raise GatewayError("VNPAY callback without vnp_TxnRef")
        return Outcome(
            order_ref=order_ref,
            amount=amount_from_vnp(raw.get("vnp_Amount")),
            status=status,
            transaction_no=raw.get("vnp_TransactionNo", ""),
            response_code=raw.get("vnp_ResponseCode", ""),
            paid_at=self._paid_at(raw) if status == AttemptStatus.PAID else None,
            bank_code=raw.get("vnp_BankCode", ""),
            raw=raw,
        )

    def ipn_answer(self, code: str) -> dict[str, str]:
        if code not in IPN_MESSAGES:
            raise ValueError(f"not a VNPAY IPN answer code: {code!r}")
        return {"RspCode": code, "Message": IPN_MESSAGES[code]}

    def query(self, order_ref: str, transaction_date: datetime, *, client_ip: str) -> Outcome:
        """querydr (wave2 §2.4). The answer's vnp_ResponseCode is the API's; the payment's state
        is its vnp_TransactionStatus, which `response_code` of the Outcome carries. Code 91
        (VNPAY does not know the order: the payer never reached its page) gives PENDING with
        amount 0; other codes than 00 raise GatewayError. A signed answer must verify
        (ForgedSignature); an unsigned success answer is refused too."""
        body = {
            "vnp_RequestId": new_request_id(),
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": order_ref,
            "vnp_OrderInfo": order_info(f"Truy van giao dich {order_ref}"),
            "vnp_TransactionDate": vnp_date(transaction_date),
            "vnp_CreateDate": vnp_date(datetime.now(tz=GMT7)),
            "vnp_IpAddr": client_ip,
        }
        body["vnp_SecureHash"] = pipe_hash(body, QUERYDR_REQUEST_FIELDS, self.hash_secret)
        answer = self._post(body)
        code = _text(answer.get("vnp_ResponseCode"))
        received = _text(answer.get("vnp_SecureHash"))
        if received or code == "00":
            expected = pipe_hash(
                {**answer, "vnp_TmnCode": self.tmn_code}, QUERYDR_RESPONSE_FIELDS, self.hash_secret
            )
            if not signature_matches(expected, received):
                raise ForgedSignature("VNPAY querydr answer checksum missing or wrong")
        raw = {key: _text(value) for key, value in answer.items()}
        if code == "91":
            return Outcome(order_ref, 0, AttemptStatus.PENDING, "", code, None, "", raw)
        if code != "00":
            raise GatewayError(f"VNPAY querydr answered {code}: {raw.get('vnp_Message', '')}")
        if raw.get("vnp_TxnRef") != order_ref:
            raise GatewayError("VNPAY querydr answered about another order")
        status = query_status(raw.get("vnp_TransactionStatus", ""))
        return Outcome(
            order_ref=order_ref,
            amount=amount_from_vnp(raw.get("vnp_Amount")),
            status=status,
            transaction_no=raw.get("vnp_TransactionNo", ""),
            response_code=raw.get("vnp_TransactionStatus", ""),
            paid_at=self._paid_at(raw) if status == AttemptStatus.PAID else None,
            bank_code=raw.get("vnp_BankCode", ""),
            raw=raw,
        )

    def refund(
        self,
        order_ref: str,
        amount: int,
        transaction_no: str,
        transaction_date: datetime,
        *,
        actor_name: str,
        client_ip: str,
        full: bool,
    ) -> RefundOutcome:
        """refund (wave2 §2.4): any answer code other than 00 is a refused refund (94: already
        asked, 95: the payment did not succeed at VNPAY, 91: unknown order, 97: bad checksum)."""
        body = {
            "vnp_RequestId": new_request_id(),
            "vnp_Version": VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionType": REFUND_FULL if full else REFUND_PARTIAL,
            "vnp_TxnRef": order_ref,
            "vnp_Amount": str(amount * 100),
            "vnp_TransactionNo": transaction_no,
            "vnp_TransactionDate": vnp_date(transaction_date),
            "vnp_CreateBy": actor_name,
            "vnp_CreateDate": vnp_date(datetime.now(tz=GMT7)),
            "vnp_IpAddr": client_ip,
            "vnp_OrderInfo": order_info(f"Hoan tien giao dich {order_ref}"),
        }
        body["vnp_SecureHash"] = pipe_hash(body, REFUND_REQUEST_FIELDS, self.hash_secret)
        answer = self._post(body)
        code = _text(answer.get("vnp_ResponseCode"))
        if code == "00" and _text(answer.get("vnp_TxnRef")) != order_ref:
            raise GatewayError("VNPAY refund answered about another order")
        return RefundOutcome(
            ok=code == "00", response_code=code, message=_text(answer.get("vnp_Message"))
        )

    def _paid_at(self, raw: Mapping[str, str]) -> datetime:
        try:
            return parse_vnp_date(raw.get("vnp_PayDate", ""))
        except ValueError as error:
            raise GatewayError(str(error)) from error

    def _post(self, body: Mapping[str, str]) -> dict[str, Any]:
        """POST the JSON body to merchant_webapi/api/transaction; the JSON object answered."""
        if not self.api_url.startswith(("https://", "http://")):
            raise GatewayError(f"not an http(s) URL: {self.api_url!r}")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.api_url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
                payload = json.loads(answer.read())
        except (OSError, ValueError) as error:
            raise GatewayError(f"VNPAY API unreachable or unreadable: {error}") from error
        if not isinstance(payload, dict):
            raise GatewayError("VNPAY API answer is not a JSON object")
        return payload
