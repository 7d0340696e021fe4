"""VNPAY 2.1.0 (wave2.md §2): the payment URL, callback checks, status mapping, querydr/refund
checksums. Every checksum is recomputed here with hmac/hashlib, independently of the module."""

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.payments.constants import AttemptStatus
from motcua.payments.gateways import (
    ForgedSignature,
    GatewayError,
    Order,
    RefundOutcome,
    gateway_for,
    vnpay,
)
from motcua.payments.gateways.vnpay import VnpayGateway

SECRET = "SECRETKEYFORTESTS0123456789ABCDE"
GMT7 = timezone(timedelta(hours=7))


def hmac512(message: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def gateway(api_url: str = "http://127.0.0.1:9/api") -> VnpayGateway:
    return VnpayGateway(
        tmn_code="2QXUI4J4",
        hash_secret=SECRET,
        pay_url="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        api_url=api_url,
    )


ORDER = Order(
    order_ref="MC7K2QX9PA-1",
    amount=10_000,
    description="Phí cấp đổi Giấy phép lái xe: hồ sơ 000.00.00.H49-261207-0001 (Đợt 1)",
    created_at=datetime(2026, 3, 11, 2, 30, 5, tzinfo=UTC),  # 09:30:05 in Vietnam
    expires_at=datetime(2026, 3, 11, 2, 45, 5, tzinfo=UTC),
    client_ip="203.113.0.7",
    return_url="https://dvc.example.vn/thanh-toan/vnpay/ve/?a=1",
    locale="vn",
)


def split(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qsl(parts.query)


# ---------------------------------------------------------------- payment URL


def test_the_payment_url_carries_every_parameter_of_version_2_1_0():
    base, pairs = split(gateway().create_url(ORDER))
    params = dict(pairs)
    assert base == "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    assert params == {
        "vnp_Amount": "1000000",
        "vnp_Command": "pay",
        "vnp_CreateDate": "20260311093005",
        "vnp_CurrCode": "VND",
        "vnp_ExpireDate": "20260311094505",
        "vnp_IpAddr": "203.113.0.7",
        "vnp_Locale": "vn",
        "vnp_OrderInfo": "Phi cap doi Giay phep lai xe: ho so 000.00.00.H49-261207-0001 Dot 1",
        "vnp_OrderType": "other",
        "vnp_ReturnUrl": "https://dvc.example.vn/thanh-toan/vnpay/ve/?a=1",
        "vnp_TmnCode": "2QXUI4J4",
        "vnp_TxnRef": "MC7K2QX9PA-1",
        "vnp_Version": "2.1.0",
        "vnp_SecureHash": params["vnp_SecureHash"],
    }
    assert "vnp_SecureHashType" not in params and "vnp_BankCode" not in params


def test_the_parameters_are_sorted_and_the_hash_comes_last():
    _, pairs = split(gateway().create_url(ORDER))
    keys = [key for key, _ in pairs]
    assert keys[-1] == "vnp_SecureHash"
    assert keys[:-1] == sorted(keys[:-1])


def test_the_hash_is_hmac_sha512_of_the_form_encoded_query():
    url = gateway().create_url(ORDER)
    query = urlsplit(url).query
    signed, _, received = query.rpartition("&vnp_SecureHash=")
    assert received == hmac512(signed)
    assert len(received) == 128
    # spaces are "+" and the return URL's own "?", "=", "/" are percent-encoded (quote_plus)
    assert "vnp_ReturnUrl=" + quote_plus(ORDER.return_url) in signed
    assert "vnp_OrderInfo=Phi+cap+doi" in signed


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 11, 17, 0, tzinfo=UTC), "20260312000000"),
        (datetime(2026, 12, 31, 23, 59, 59, tzinfo=GMT7), "20261231235959"),
        (datetime(2026, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5))), "20260101120000"),
    ],
)
def test_dates_are_written_in_gmt_plus_7(moment, expected):
    assert vnpay.vnp_date(moment) == expected
    assert vnpay.parse_vnp_date(expected) == moment


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Lệ phí đăng ký kết hôn", "Le phi dang ky ket hon"),
        ("ĐỔI   GPLX * 50% ~ #1/2", "DOI GPLX 50 1 2"),
        ("Hồ sơ: 000.00.00.H49-261207-0001_a", "Ho so: 000.00.00.H49-261207-0001_a"),
    ],
)
def test_order_info_has_no_diacritics_and_a_restricted_charset(description, expected):
    assert vnpay.order_info(description) == expected


def test_an_order_without_an_amount_or_a_description_is_refused():
    with pytest.raises(ValueError):
        gateway().create_url(Order(**{**ORDER.__dict__, "amount": 0}))
    with pytest.raises(ValueError):
        gateway().create_url(Order(**{**ORDER.__dict__, "description": "???"}))


# ---------------------------------------------------------------- callback


def callback(secret: str = SECRET, **changes: str) -> dict[str, str]:
    params = {
        "vnp_Amount": "1000000",
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14000001",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Le phi dang ky ket hon",
        "vnp_PayDate": "20260311093512",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": "2QXUI4J4",
        "vnp_TransactionNo": "14000001",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": "MC7K2QX9PA-1",
    }
    params.update(changes)
    signed = "&".join(
        f"{key}={quote_plus(value)}" for key, value in sorted(params.items()) if value
    )
    return {**params, "vnp_SecureHash": hmac512(signed, secret)}


def test_a_genuine_callback_gives_the_outcome():
    outcome = gateway().verify_callback(callback())
    assert outcome.order_ref == "MC7K2QX9PA-1"
    assert outcome.amount == 10_000
    assert outcome.status == AttemptStatus.PAID
    assert outcome.transaction_no == "14000001"
    assert outcome.response_code == "00"
    assert outcome.paid_at == datetime(2026, 3, 11, 2, 35, 12, tzinfo=UTC)
    assert outcome.bank_code == "NCB"
    assert outcome.raw["vnp_CardType"] == "ATM"


def test_the_hash_type_field_and_other_parameters_are_not_signed():
    params = {**callback(), "vnp_SecureHashType": "HmacSHA512", "a": "1"}
    assert gateway().verify_callback(params).status == AttemptStatus.PAID


@pytest.mark.parametrize(
    "params",
    [
        {**callback(), "vnp_Amount": "100"},  # tampered value
        {**callback(), "vnp_ResponseCode": "24"},
        {key: value for key, value in callback().items() if key != "vnp_SecureHash"},
        {**callback(), "vnp_SecureHash": ""},
        callback(secret="ANOTHER-MERCHANT-SECRET"),
    ],
    ids=["tampered", "tampered-code", "missing", "empty", "wrong-secret"],
)
def test_a_forged_callback_is_refused(params):
    with pytest.raises(ForgedSignature):
        gateway().verify_callback(params)


def test_a_signed_callback_without_an_amount_in_whole_dong_is_malformed():
    with pytest.raises(GatewayError):
        gateway().verify_callback(callback(vnp_Amount="1000050"))


@pytest.mark.parametrize(
    ("response_code", "transaction_status", "status"),
    [
        ("00", "00", AttemptStatus.PAID),
        ("00", "01", AttemptStatus.FAILED),
        ("00", "02", AttemptStatus.FAILED),
        ("07", "07", AttemptStatus.FAILED),
        ("24", "02", AttemptStatus.CANCELLED),
        ("11", "02", AttemptStatus.EXPIRED),
        ("51", "02", AttemptStatus.FAILED),
        ("65", "02", AttemptStatus.FAILED),
        ("99", "02", AttemptStatus.FAILED),
    ],
)
def test_status_mapping(response_code, transaction_status, status):
    assert vnpay.callback_status(response_code, transaction_status) == status
    outcome = gateway().verify_callback(
        callback(vnp_ResponseCode=response_code, vnp_TransactionStatus=transaction_status)
    )
    assert outcome.status == status
    assert (outcome.paid_at is not None) == (status == AttemptStatus.PAID)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("00", "Confirm Success"),
        ("01", "Order not found"),
        ("02", "Order already confirmed"),
        ("04", "Invalid amount"),
        ("97", "Fail checksum"),
        ("99", "Unknown error"),
    ],
)
def test_ipn_answers(code, message):
    assert gateway().ipn_answer(code) == {"RspCode": code, "Message": message}


def test_an_unknown_ipn_answer_is_a_programming_error():
    with pytest.raises(ValueError):
        gateway().ipn_answer("05")


# ---------------------------------------------------------------- querydr and refund


class FakeVnpayApi:
    """A one-request HTTP server recording the JSON posted and answering `answer(body)`."""

    def __init__(self, answer):
        self.received: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.received.append(body)
                payload = json.dumps(answer(body)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/merchant_webapi/api/transaction"
        self.thread = threading.Thread(target=self.server.handle_request, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.thread.join(5)
        self.server.server_close()


def querydr_answer(body, **changes):
    answer = {
        "vnp_ResponseId": "4f1b",
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00",
        "vnp_Message": "QueryDR Success",
        "vnp_TmnCode": "2QXUI4J4",
        "vnp_TxnRef": body["vnp_TxnRef"],
        "vnp_Amount": "1000000",
        "vnp_OrderInfo": "Le phi",
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20260311093512",
        "vnp_TransactionNo": "14000001",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "00",
    }
    answer.update(changes)
    order = [
        "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
        "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
        "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode",
        "vnp_PromotionAmount",
    ]  # fmt: skip
    answer["vnp_SecureHash"] = hmac512("|".join(str(answer.get(key, "")) for key in order))
    return answer


def test_querydr_request_hash_and_paid_answer():
    with FakeVnpayApi(querydr_answer) as api:
        outcome = gateway(api.url).query("MC7K2QX9PA-1", ORDER.created_at, client_ip="10.0.0.5")
    (body,) = api.received
    expected = "|".join(
        [
            body["vnp_RequestId"],
            "2.1.0",
            "querydr",
            "2QXUI4J4",
            "MC7K2QX9PA-1",
            "20260311093005",
            body["vnp_CreateDate"],
            "10.0.0.5",
            body["vnp_OrderInfo"],
        ]
    )
    assert body["vnp_SecureHash"] == hmac512(expected)
    assert body["vnp_Command"] == "querydr" and body["vnp_Version"] == "2.1.0"
    assert body["vnp_CreateDate"] == vnpay.vnp_date(datetime.now(tz=UTC))
    assert outcome.status == AttemptStatus.PAID
    assert (outcome.amount, outcome.transaction_no, outcome.response_code) == (
        10_000,
        "14000001",
        "00",
    )
    assert outcome.paid_at == datetime(2026, 3, 11, 9, 35, 12, tzinfo=GMT7)


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"vnp_TransactionStatus": "01"}, AttemptStatus.PENDING),
        ({"vnp_TransactionStatus": "02"}, AttemptStatus.FAILED),
        ({"vnp_TransactionStatus": "04"}, AttemptStatus.FAILED),
        ({"vnp_TransactionStatus": "05"}, AttemptStatus.PAID),
        ({"vnp_ResponseCode": "91", "vnp_Amount": ""}, AttemptStatus.PENDING),
    ],
)
def test_querydr_answers_map_to_a_status(changes, status):
    with FakeVnpayApi(lambda body: querydr_answer(body, **changes)) as api:
        outcome = gateway(api.url).query("MC7K2QX9PA-1", ORDER.created_at, client_ip="10.0.0.5")
    assert outcome.status == status


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (lambda body: {**querydr_answer(body), "vnp_TransactionStatus": "02"}, ForgedSignature),
        (lambda body: {**querydr_answer(body), "vnp_SecureHash": ""}, ForgedSignature),
        (lambda body: querydr_answer(body, vnp_ResponseCode="97"), GatewayError),
        (lambda body: querydr_answer(body, vnp_TxnRef="MCOTHER"), GatewayError),
        (lambda body: ["not", "an", "object"], GatewayError),
    ],
    ids=["tampered", "unsigned-success", "refused", "other-order", "not-an-object"],
)
def test_a_querydr_answer_that_cannot_be_trusted_raises(answer, error):
    with FakeVnpayApi(answer) as api, pytest.raises(error):
        gateway(api.url).query("MC7K2QX9PA-1", ORDER.created_at, client_ip="10.0.0.5")


def test_an_unreachable_api_is_a_gateway_error():
    with pytest.raises(GatewayError):
        gateway("http://127.0.0.1:9/merchant_webapi/api/transaction").query(
            "MC7K2QX9PA-1", ORDER.created_at, client_ip="10.0.0.5"
        )


@pytest.mark.parametrize(
    ("full", "amount", "kind", "vnp_amount"),
    [(True, 10_000, "02", "1000000"), (False, 2_500, "03", "250000")],
)
def test_refund_request_hash(full, amount, kind, vnp_amount):
    def answer(body):
        return {"vnp_ResponseCode": "00", "vnp_Message": "Refund success", **body}

    with FakeVnpayApi(answer) as api:
        outcome = gateway(api.url).refund(
            "MC7K2QX9PA-1",
            amount,
            "14000001",
            ORDER.created_at,
            actor_name="Nguyễn Văn An",
            client_ip="10.0.0.5",
            full=full,
        )
    (body,) = api.received
    expected = "|".join(
        [
            body["vnp_RequestId"],
            "2.1.0",
            "refund",
            "2QXUI4J4",
            kind,
            "MC7K2QX9PA-1",
            vnp_amount,
            "14000001",
            "20260311093005",
            "Nguyễn Văn An",
            body["vnp_CreateDate"],
            "10.0.0.5",
            body["vnp_OrderInfo"],
        ]
    )
    assert body["vnp_SecureHash"] == hmac512(expected)
    assert outcome == RefundOutcome(ok=True, response_code="00", message="Refund success")


@pytest.mark.parametrize("code", ["94", "95", "91", "97", "99"])
def test_a_refused_refund_is_not_ok(code):
    def answer(body):
        return {"vnp_ResponseCode": code, "vnp_Message": "Refused"}

    with FakeVnpayApi(answer) as api:
        outcome = gateway(api.url).refund(
            "MC7K2QX9PA-1", 10_000, "14000001", ORDER.created_at,
            actor_name="An", client_ip="10.0.0.5", full=True,
        )  # fmt: skip
    assert outcome == RefundOutcome(ok=False, response_code=code, message="Refused")


# ---------------------------------------------------------------- configuration


def test_gateway_for_reads_the_settings(settings):
    settings.MOTCUA_PAYMENT_GATEWAYS = {
        "vnpay": {
            "tmn_code": "2QXUI4J4",
            "hash_secret": SECRET,
            "pay_url": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
            "api_url": "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
        }
    }
    built = gateway_for("vnpay")
    assert isinstance(built, VnpayGateway) and built.name == "vnpay"
    assert built.create_url(ORDER) == gateway().create_url(ORDER)


@pytest.mark.parametrize(
    ("gateways", "name", "message"),
    [
        ({}, "vnpay", "is not set"),
        ({"vnpay": {"tmn_code": "X", "pay_url": "u", "api_url": "u"}}, "vnpay", "hash_secret"),
        ({"vnpay": {"tmn_code": "X", "hash_secret": "", "pay_url": "u"}}, "vnpay", "api_url"),
        ({}, "momo", "Unknown payment gateway"),
    ],
)
def test_gateway_for_says_what_is_missing(settings, gateways, name, message):
    settings.MOTCUA_PAYMENT_GATEWAYS = gateways
    with pytest.raises(ImproperlyConfigured, match=message):
        gateway_for(name)
