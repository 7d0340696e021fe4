"""The VNPAY simulator (payments.simulator) driven by the merchant side (gateways.vnpay) over
real HTTP: the page checks the merchant's signature, a choice calls the IPN URL and sends the
browser back, querydr and refund answer from the simulator's state.

This module is also the test URLconf: the simulator, a merchant IPN receiver and a return page,
all served by the live server (the simulator calls the IPN URL over HTTP)."""

import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import include, path, reverse
from django.utils import timezone

from motcua.payments import simulator
from motcua.payments.constants import AttemptStatus
from motcua.payments.gateways import ForgedSignature, Order, gateway_for

SECRET = "mo-phong-bi-mat-cua-bai-kiem-tra"
received_ipns: list[dict[str, str]] = []


def ipn_receiver(request: HttpRequest) -> JsonResponse:
    """A merchant's IPN URL as small as it gets: check, record, answer."""
    gateway = gateway_for("vnpay")
    try:
        gateway.verify_callback(request.GET.dict())
    except ForgedSignature:
        return JsonResponse(gateway.ipn_answer("97"))
    received_ipns.append(request.GET.dict())
    return JsonResponse(gateway.ipn_answer("00"))


urlpatterns = [
    path("mo-phong/vnpay/", include("motcua.payments.simulator_urls")),
    path("thanh-toan/vnpay/ipn/", ipn_receiver),
]


@pytest.fixture
def vnpay(settings, live_server):
    """The gateway configured against the simulator on the live server."""
    received_ipns.clear()
    host = f"{live_server.url}/mo-phong/vnpay"
    settings.ROOT_URLCONF = __name__
    settings.MOTCUA_PAYMENT_SIMULATOR = True
    settings.MOTCUA_PAYMENT_SIMULATOR_IPN = "before"
    settings.MOTCUA_PAYMENT_GATEWAYS = {
        "vnpay": {
            "tmn_code": "MOTCUA01",
            "hash_secret": SECRET,
            "pay_url": f"{host}/paymentv2/vpcpay.html",
            "api_url": f"{host}/merchant_webapi/api/transaction",
            "ipn_url": f"{live_server.url}/thanh-toan/vnpay/ipn/",
        }
    }
    return gateway_for("vnpay")


def order(ref: str = "MC7K2QX9PA-1", amount: int = 50_000) -> Order:
    now = timezone.now()
    return Order(
        order_ref=ref,
        amount=amount,
        description="Lệ phí đăng ký kết hôn",
        created_at=now,
        expires_at=now + timedelta(minutes=15),
        client_ip="203.113.0.7",
        return_url="https://dvc.example.vn/thanh-toan/vnpay/ve/?yeu-cau=7",
        locale="vn",
    )


def params_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def choose(client, choice: str, ref: str = "MC7K2QX9PA-1"):
    return client.post(reverse("vnpay_simulator:choice"), {"vnp_TxnRef": ref, "choice": choice})


# ---------------------------------------------------------------- the payment page


def test_the_page_of_a_genuine_order_shows_it_with_four_choices(client, vnpay):
    url = vnpay.create_url(order())
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "MC7K2QX9PA-1" in page and "50.000 VND" in page
    assert "Le phi dang ky ket hon" in page
    for label in (
        "Thanh toán thành công",
        "Thanh toán thất bại (không đủ số dư)",
        "Hủy giao dịch",
        "Để hết hạn",
    ):
        assert label in page
    state = simulator.order_state("MOTCUA01", "MC7K2QX9PA-1")
    assert state["state"] == "pending"
    # the page may be reloaded, but the reference cannot be reused for another order
    assert client.get(url).status_code == 200
    assert client.get(vnpay.create_url(order(amount=60_000))).status_code == 400


@pytest.mark.parametrize(
    ("tamper", "title"),
    [
        (lambda url: url.replace("vnp_Amount=5000000", "vnp_Amount=500000"), "Sai chữ ký"),
        (lambda url: url.rpartition("&vnp_SecureHash=")[0], "Sai chữ ký"),
        (lambda url: url.replace("vnp_SecureHash=", "vnp_SecureHash=0"), "Sai chữ ký"),
    ],
    ids=["amount", "no-hash", "bad-hash"],
)
def test_a_forged_url_shows_an_error_page(client, vnpay, tamper, title):
    response = client.get(tamper(vnpay.create_url(order())))
    assert response.status_code == 400
    assert title in response.content.decode()
    assert simulator.order_state("MOTCUA01", "MC7K2QX9PA-1") is None


def test_another_terminal_and_an_expired_order_are_refused(client, vnpay, settings):
    other = type(vnpay)(
        tmn_code="OTHER001", hash_secret=SECRET, pay_url=vnpay.pay_url, api_url=vnpay.api_url
    )
    assert client.get(other.create_url(order())).status_code == 400
    stale = order()
    stale = Order(**{**stale.__dict__, "expires_at": timezone.now() - timedelta(seconds=1)})
    response = client.get(vnpay.create_url(stale))
    assert response.status_code == 400
    assert "hết hạn" in response.content.decode()


def test_the_simulator_is_off_unless_configured(rf, vnpay, settings):
    settings.MOTCUA_PAYMENT_SIMULATOR = False
    request = rf.get(vnpay.create_url(order()))
    for view in (simulator.pay_page, simulator.pay_choice, simulator.transaction_api):
        with pytest.raises(Http404):
            view(request if view is simulator.pay_page else rf.post("/", {}))


# ---------------------------------------------------------------- a choice


def test_a_payment_notifies_the_ipn_url_then_returns_the_browser(client, vnpay):
    client.get(vnpay.create_url(order()))
    response = choose(client, "success")
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith("https://dvc.example.vn/thanh-toan/vnpay/ve/?yeu-cau=7&")
    returned = params_of(target)
    returned.pop("yeu-cau")
    # the IPN came first, with the same parameters, and its answer is kept
    assert received_ipns == [returned]
    state = simulator.order_state("MOTCUA01", "MC7K2QX9PA-1")
    assert state["ipn"] == {
        "status": 200,
        "answer": {"RspCode": "00", "Message": "Confirm Success"},
    }
    assert state["state"] == "paid"
    outcome = vnpay.verify_callback(params_of(target))
    assert outcome.status == AttemptStatus.PAID
    assert (outcome.order_ref, outcome.amount, outcome.bank_code) == ("MC7K2QX9PA-1", 50_000, "NCB")
    assert returned["vnp_CardType"] == "ATM"
    assert outcome.paid_at is not None
    assert abs(outcome.paid_at - timezone.now()) < timedelta(seconds=5)
    assert outcome.transaction_no.isdigit()
    # the order is closed: a second choice is refused, and so is the page
    assert choose(client, "cancel").status_code == 400
    assert client.get(vnpay.create_url(order())).status_code == 400


@pytest.mark.parametrize(
    ("choice", "code", "status"),
    [
        ("insufficient", "51", AttemptStatus.FAILED),
        ("cancel", "24", AttemptStatus.CANCELLED),
        ("expire", "11", AttemptStatus.EXPIRED),
    ],
)
def test_each_failure_choice_sends_its_code(client, vnpay, choice, code, status):
    client.get(vnpay.create_url(order()))
    outcome = vnpay.verify_callback(params_of(choose(client, choice)["Location"]))
    assert (outcome.response_code, outcome.status, outcome.paid_at) == (code, status, None)
    assert received_ipns[0]["vnp_ResponseCode"] == code


def test_paying_after_the_expiry_date_is_an_expiry(client, vnpay):
    client.get(vnpay.create_url(order()))
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        outcome = vnpay.verify_callback(params_of(choose(client, "success")["Location"]))
    assert outcome.status == AttemptStatus.EXPIRED


def test_a_late_notification_arrives_after_the_browser(client, vnpay, settings, monkeypatch):
    settings.MOTCUA_PAYMENT_SIMULATOR_IPN = "after"
    monkeypatch.setattr(simulator, "LATE_IPN_SECONDS", 0.5)
    client.get(vnpay.create_url(order()))
    target = choose(client, "success")["Location"]
    assert received_ipns == []
    simulator.wait_for_late_notifications()
    assert received_ipns[0]["vnp_TransactionNo"] == params_of(target)["vnp_TransactionNo"]


def test_without_a_notification_the_merchant_recovers_through_querydr(client, vnpay, settings):
    settings.MOTCUA_PAYMENT_SIMULATOR_IPN = "never"
    placed = order()
    client.get(vnpay.create_url(placed))
    before = vnpay.query(placed.order_ref, placed.created_at, client_ip="10.0.0.5")
    assert (before.status, before.response_code) == (AttemptStatus.PENDING, "01")
    target = choose(client, "success")["Location"]
    assert received_ipns == []
    after = vnpay.query(placed.order_ref, placed.created_at, client_ip="10.0.0.5")
    assert after.status == AttemptStatus.PAID
    assert after.transaction_no == params_of(target)["vnp_TransactionNo"]
    assert after.amount == 50_000
    assert after.paid_at == vnpay.verify_callback(params_of(target)).paid_at


def test_querydr_of_a_failed_and_of_an_unknown_order(client, vnpay):
    placed = order()
    client.get(vnpay.create_url(placed))
    choose(client, "cancel")
    failed = vnpay.query(placed.order_ref, placed.created_at, client_ip="10.0.0.5")
    assert (failed.status, failed.response_code) == (AttemptStatus.FAILED, "02")
    unknown = vnpay.query("MCNEVERSEEN", placed.created_at, client_ip="10.0.0.5")
    assert (unknown.status, unknown.amount, unknown.response_code) == (
        AttemptStatus.PENDING,
        0,
        "91",
    )
    wrong_date = vnpay.query(
        placed.order_ref, placed.created_at - timedelta(days=1), client_ip="10.0.0.5"
    )
    assert wrong_date.response_code == "91"


def test_simulate_callback_params_drives_the_ipn_without_a_browser(client, vnpay):
    params = simulator.simulate_callback_params(vnpay.create_url(order()), "success")
    assert vnpay.verify_callback(params).status == AttemptStatus.PAID
    assert simulator.order_state("MOTCUA01", "MC7K2QX9PA-1")["state"] == "paid"
    failed = simulator.simulate_callback_params(vnpay.create_url(order("MC2")), "insufficient")
    assert vnpay.verify_callback(failed).response_code == "51"
    assert received_ipns == []  # nothing is sent
    with pytest.raises(simulator.OrderRefused):
        simulator.simulate_callback_params(vnpay.create_url(order("MC3")) + "0", "success")


# ---------------------------------------------------------------- the transaction API


def test_refund_once_of_a_paid_order(client, vnpay):
    placed = order()
    paid = vnpay.verify_callback(
        simulator.simulate_callback_params(vnpay.create_url(placed), "success")
    )
    args = (placed.order_ref, 50_000, paid.transaction_no, placed.created_at)
    first = vnpay.refund(*args, actor_name="Nguyễn Văn An", client_ip="10.0.0.5", full=True)
    assert (first.ok, first.response_code) == (True, "00")
    again = vnpay.refund(*args, actor_name="Nguyễn Văn An", client_ip="10.0.0.5", full=True)
    assert (again.ok, again.response_code) == (False, "94")
    state = simulator.order_state("MOTCUA01", placed.order_ref)
    assert state["refunds"][0]["by"] == "Nguyễn Văn An"
    refunded = vnpay.query(placed.order_ref, placed.created_at, client_ip="10.0.0.5")
    assert refunded.response_code == "05"


@pytest.mark.parametrize(
    ("setup", "amount", "full", "code"),
    [
        ("cancel", 50_000, True, "95"),
        ("success", 40_000, True, "03"),  # a full refund of less than was paid
        ("success", 50_000, False, "03"),  # a partial refund of everything
        ("success", 20_000, False, "00"),
    ],
)
def test_refund_answers(client, vnpay, setup, amount, full, code):
    placed = order()
    params = simulator.simulate_callback_params(vnpay.create_url(placed), setup)
    outcome = vnpay.refund(
        placed.order_ref, amount, params["vnp_TransactionNo"], placed.created_at,
        actor_name="An", client_ip="10.0.0.5", full=full,
    )  # fmt: skip
    assert outcome.response_code == code


def api(client, body: dict) -> dict:
    response = client.post(
        reverse("vnpay_simulator:transaction"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    return response.json()


def test_the_api_refuses_bad_requests(client, vnpay):
    placed = order()
    client.get(vnpay.create_url(placed))
    body = {
        "vnp_RequestId": "r1",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "MOTCUA01",
        "vnp_TxnRef": placed.order_ref,
        "vnp_TransactionDate": params_of(vnpay.create_url(placed))["vnp_CreateDate"],
        "vnp_CreateDate": "20260311093000",
        "vnp_IpAddr": "10.0.0.5",
        "vnp_OrderInfo": "Truy van",
    }
    from motcua.payments.gateways.vnpay import QUERYDR_REQUEST_FIELDS, pipe_hash

    signed = {**body, "vnp_SecureHash": pipe_hash(body, QUERYDR_REQUEST_FIELDS, SECRET)}
    assert api(client, signed)["vnp_ResponseCode"] == "00"
    assert api(client, signed)["vnp_ResponseCode"] == "94"  # the same request id again
    assert api(client, {**signed, "vnp_RequestId": "r2"})["vnp_ResponseCode"] == "97"
    assert api(client, {**signed, "vnp_TmnCode": "OTHER001"})["vnp_ResponseCode"] == "02"
    assert api(client, {"vnp_Command": "pay"})["vnp_ResponseCode"] == "03"
    response = client.post(
        reverse("vnpay_simulator:transaction"), "{not json", content_type="application/json"
    )
    assert response.json()["vnp_ResponseCode"] == "03"
