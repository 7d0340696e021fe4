"""Paying online through VNPAY 2.1.0 (wave2.md §2), against the local VNPAY simulator
(payments.simulator): the order, the server notification (IPN) and the browser's return
(dossiers.payment_gateway).

The simulator's callback parameters are the ones it signs and would send; here they are handed
to `notification_receive` (the IPN) or `return_receive` (the browser) directly. Where the
merchant must ask the gateway itself (querydr, wave2 §2.4), the question travels over HTTP to
the simulator served by the live server.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.core.cache import cache
from django.urls import include, path

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Fee
from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.dossiers import payment_gateway as online
from motcua.dossiers.constants import Act, DossierStatus, FeeStatus
from motcua.dossiers.models import Dossier, DossierFee
from motcua.dossiers.payments import SYSTEM_USERNAME, payment_refund, payment_settle
from motcua.dossiers.services import ActInput, dossier_act, dossier_register
from motcua.payments.constants import (
    AttemptStatus,
    EntrySource,
    EntryStatus,
    Method,
    PaymentStatus,
)
from motcua.payments.gateways.vnpay import VnpayGateway, sign
from motcua.payments.models import BankEntry, PaymentAttempt, PaymentRequest
from motcua.payments.simulator import order_state, simulate_callback_params

from .conftest import Province, receive, vn

# The simulator, alone, for the tests that talk to it over HTTP (pytest.mark.urls(__name__)).
urlpatterns = [path("mo-phong/vnpay/", include("motcua.payments.simulator_urls"))]

NOW = vn(2026, 3, 9, 9, 0)  # Monday morning
SECRET = "bi-mat-cua-bai-kiem-thu"
PAY_URL = "http://testserver/mo-phong/vnpay/paymentv2/vpcpay.html"
API_PATH = "/mo-phong/vnpay/merchant_webapi/api/transaction"
RETURN_URL = "http://testserver/thanh-toan/vnpay/ve/"
FEE = 50_000


class ServerKilled(BaseException):
    """The process dies (SIGKILL, power loss): not an Exception any handler catches."""


def gateways(api_url: str = "http://127.0.0.1:9" + API_PATH) -> dict:
    return {
        "vnpay": {
            "tmn_code": "MOTCUA01",
            "hash_secret": SECRET,
            "pay_url": PAY_URL,
            "api_url": api_url,
            "ipn_url": "http://127.0.0.1:9/thanh-toan/vnpay/ipn/",
        }
    }


@pytest.fixture(autouse=True)
def simulator(settings) -> Iterator[None]:
    settings.MOTCUA_PAYMENT_SIMULATOR = True
    settings.MOTCUA_PAYMENT_SIMULATOR_IPN = "before"
    settings.MOTCUA_PAYMENT_GATEWAYS = gateways()
    settings.MOTCUA_PAYMENT_ATTEMPT_MINUTES = 15
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def receipts() -> Iterator[mock.Mock]:
    """The e-receipt issued after the commit (dossiers.payments.deliver_receipt), counted."""
    with mock.patch("motcua.dossiers.payments.deliver_receipt") as deliver:
        yield deliver


def online_request(province: Province) -> PaymentRequest:
    """An online dossier of a procedure with a fee for online submission: its request."""
    online_channel = province.procedure.channels.get(channel=Channel.ONLINE)
    Fee.objects.create(channel=online_channel, amount=FEE, description="Lệ phí đăng ký")
    dossier = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(),
        actor=province.users["citizen"],
    )
    return PaymentRequest.objects.get(dossier_pk=dossier.pk)


def start(province: Province, request: PaymentRequest) -> str:
    return online.attempt_start(
        request=request,
        gateway_name="vnpay",
        actor=province.users["citizen"],
        client_ip="203.0.113.7",
        return_url=RETURN_URL,
    )


def notify(params: dict[str, str]) -> str:
    return online.notification_receive(gateway_name="vnpay", params=params)["RspCode"]


def chain_actions(request: PaymentRequest) -> Counter[str]:
    events = AuditEvent.objects.filter(chain=f"dossiers.dossier:{request.dossier_pk}")
    return Counter(events.values_list("action", flat=True))


def snapshot(request: PaymentRequest) -> tuple:
    """Everything a notification could change."""
    fresh = PaymentRequest.objects.get(pk=request.pk)
    return (
        fresh.status,
        fresh.transaction_ref,
        list(PaymentAttempt.objects.values_list("order_ref", "status", "transaction_no")),
        list(DossierFee.objects.values_list("status", "reference")),
        BankEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def fees_of(request: PaymentRequest) -> list[str]:
    return list(DossierFee.objects.filter(payment_request=request).values_list("status", flat=True))


# --- the order --------------------------------------------------------------------------------


def test_the_order_goes_to_the_simulator_signed(province):
    request = online_request(province)
    assert request.amount == FEE
    url = start(province, request)
    assert url.startswith(PAY_URL + "?")
    params = dict(parse_qsl(urlsplit(url).query))
    [attempt] = PaymentAttempt.objects.filter(request=request)
    assert params["vnp_TxnRef"] == attempt.order_ref
    assert params["vnp_Amount"] == str(FEE * 100)  # wave2 §2.1: amount × 100
    assert params["vnp_CreateDate"] == "20260309090000"  # GMT+7
    assert params["vnp_ExpireDate"] == "20260309091500"  # MOTCUA_PAYMENT_ATTEMPT_MINUTES
    assert "vnp_SecureHashType" not in params  # 2.1.0
    assert params["vnp_SecureHash"] == sign(params, SECRET)
    assert (attempt.status, attempt.amount) == (AttemptStatus.PENDING, FEE)
    assert chain_actions(request)["payment.attempt_started"] == 1


def test_a_paid_request_starts_no_order(province):
    request = online_request(province)
    assert notify(simulate_callback_params(start(province, request), "success")) == "00"
    with pytest.raises(DomainError) as refused:
        start(province, request)
    assert refused.value.code == "not_payable"
    assert PaymentAttempt.objects.count() == 1


# --- what the payer chose ---------------------------------------------------------------------

# (the payer's choice on the simulator's page, the attempt's state, the request's state)
OUTCOMES = [
    ("success", AttemptStatus.PAID, PaymentStatus.PAID),
    ("insufficient", AttemptStatus.FAILED, PaymentStatus.FAILED),  # vnp_ResponseCode 51
    ("cancel", AttemptStatus.CANCELLED, PaymentStatus.FAILED),  # 24
    ("expire", AttemptStatus.EXPIRED, PaymentStatus.FAILED),  # 11
]


@pytest.mark.parametrize(("choice", "attempt_status", "request_status"), OUTCOMES)
def test_the_notification_applies_the_outcome(
    province, receipts, django_capture_on_commit_callbacks, choice, attempt_status, request_status
):
    request = online_request(province)
    params = simulate_callback_params(start(province, request), choice)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(params) == "00"
    request.refresh_from_db()
    attempt = PaymentAttempt.objects.get(request=request)
    assert (attempt.status, request.status) == (attempt_status, request_status)
    assert attempt.transaction_no == params["vnp_TransactionNo"]
    assert attempt.response_code == params["vnp_ResponseCode"]
    assert attempt.notification == params
    actions = chain_actions(request)
    if choice == "success":
        assert (request.method, request.gateway) == (Method.GATEWAY, "vnpay")
        assert request.transaction_ref == params["vnp_TransactionNo"]
        assert request.paid_at == NOW  # vnp_PayDate, GMT+7
        assert fees_of(request) == [FeeStatus.PAID]
        assert (actions["payment.paid"], actions["payment.failed"]) == (1, 0)
        receipts.assert_called_once_with(request.pk)
        return
    assert request.method == "" and request.paid_at is None
    assert fees_of(request) == [FeeStatus.DUE]
    assert (actions["payment.paid"], actions["payment.failed"]) == (0, 1)
    receipts.assert_not_called()
    # Payable again: a new order, paid this time.
    again = simulate_callback_params(start(province, request), "success")
    assert notify(again) == "00"
    request.refresh_from_db()
    assert (request.status, request.transaction_ref) == (
        PaymentStatus.PAID,
        again["vnp_TransactionNo"],
    )
    assert fees_of(request) == [FeeStatus.PAID]


# --- what must change nothing -----------------------------------------------------------------


def tampered_amount(params: dict[str, str]) -> dict[str, str]:
    return params | {"vnp_Amount": str((FEE - 1_000) * 100)}


def other_secret(params: dict[str, str]) -> dict[str, str]:
    return params | {"vnp_SecureHash": sign(params, "not-the-secret")}


def without_signature(params: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in params.items() if key != "vnp_SecureHash"}


@pytest.mark.parametrize("forge", [tampered_amount, other_secret, without_signature])
def test_a_forged_notification_changes_nothing(province, receipts, forge):
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "success")
    before = snapshot(request)
    assert notify(forge(params)) == "97"
    assert snapshot(request) == before
    receipts.assert_not_called()
    with pytest.raises(online.ForgedSignature):
        online.return_receive(gateway_name="vnpay", params=forge(params))
    assert snapshot(request) == before


def test_a_notification_of_an_unknown_order(province):
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "success")
    params = params | {"vnp_TxnRef": "KHONGCO123"}
    params["vnp_SecureHash"] = sign(params, SECRET)
    before = snapshot(request)
    assert notify(params) == "01"
    assert snapshot(request) == before


def test_a_signed_but_unreadable_notification_changes_nothing(province):
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "success")
    params = params | {"vnp_Amount": "5000050"}  # not whole đồng × 100
    params["vnp_SecureHash"] = sign(params, SECRET)
    before = snapshot(request)
    assert notify(params) == "99"
    assert snapshot(request) == before


def test_a_wrong_amount_waits_for_an_officer(province, receipts):
    """Signed by the gateway, but for another amount than the order's: not paid, queued."""
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "success")
    params = params | {"vnp_Amount": str((FEE - 10_000) * 100)}
    params["vnp_SecureHash"] = sign(params, SECRET)  # as the gateway would sign it
    assert notify(params) == "04"
    request.refresh_from_db()
    assert request.status == PaymentStatus.PENDING
    assert fees_of(request) == [FeeStatus.DUE]
    [entry] = BankEntry.objects.all()
    assert (entry.source, entry.status, entry.amount) == (
        EntrySource.GATEWAY,
        EntryStatus.QUEUED,
        FEE - 10_000,
    )
    assert (entry.agency, entry.account, entry.request) == (province.commune, None, request)
    assert entry.entry_key == f"gateway:vnpay:{params['vnp_TransactionNo']}"
    assert "40,000" in entry.reason and "50,000" in entry.reason
    # The gateway did take the money: the attempt says so, the request waits for the officer.
    attempt = PaymentAttempt.objects.get()
    assert (attempt.status, attempt.transaction_no) == (
        AttemptStatus.PAID,
        params["vnp_TransactionNo"],
    )
    actions = chain_actions(request)
    assert (actions["payment.paid"], actions["payment.queued"]) == (0, 1)
    # Sent again: already answered, still one entry.
    assert notify(params) == "02"
    assert BankEntry.objects.count() == 1
    receipts.assert_not_called()
    # The browser's return finds the money taken and the request not paid (the portal says an
    # officer checks it), without asking the gateway again.
    with mock.patch.object(VnpayGateway, "query") as query:
        attempt = online.return_receive(gateway_name="vnpay", params=params)
    query.assert_not_called()
    assert (attempt.status, attempt.request.status) == (AttemptStatus.PAID, PaymentStatus.PENDING)


def test_the_notification_twice_pays_once(province, receipts, django_capture_on_commit_callbacks):
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "success")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(params) == "00"
    after_first = snapshot(request)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(params) == "02"
    assert snapshot(request) == after_first
    assert chain_actions(request)["payment.paid"] == 1
    receipts.assert_called_once_with(request.pk)


def test_a_payment_notified_after_the_request_was_cancelled_is_queued(province):
    """The officer cancelled the request while the payer was on the gateway's page: the money
    arrived anyway, so an officer decides (refund or assign)."""
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "success")
    PaymentRequest.objects.filter(pk=request.pk).update(status=PaymentStatus.CANCELLED)
    assert notify(params) == "00"
    request.refresh_from_db()
    assert request.status == PaymentStatus.CANCELLED
    [entry] = BankEntry.objects.all()
    assert (entry.status, entry.amount, entry.request) == (EntryStatus.QUEUED, FEE, request)


def test_a_failure_notified_after_a_transfer_paid_leaves_it_paid(province):
    """The payer gave up on the gateway's page and paid by bank transfer instead; the
    gateway's late failure notice does not undo the transfer."""
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "insufficient")
    payment_settle(
        request=request,
        method=Method.TRANSFER,
        amount=FEE,
        transaction_ref="FT26068000001",
        paid_at=NOW,
    )
    assert notify(params) == "00"
    request.refresh_from_db()
    assert (request.status, request.method) == (PaymentStatus.PAID, Method.TRANSFER)
    assert PaymentAttempt.objects.get().status == AttemptStatus.FAILED
    assert chain_actions(request)["payment.failed"] == 0


# --- the browser's return ---------------------------------------------------------------------


def test_the_notification_before_the_browser_returns(province):
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "success")
    assert notify(params) == "00"
    with mock.patch.object(VnpayGateway, "query") as query:
        attempt = online.return_receive(gateway_name="vnpay", params=params)
    query.assert_not_called()
    assert attempt.status == AttemptStatus.PAID
    assert attempt.request.status == PaymentStatus.PAID


def test_the_browser_alone_pays_nothing_when_the_gateway_cannot_be_asked(province):
    """Valid, signed return parameters saying "paid", no notification, and querydr cannot reach
    the gateway (nothing listens at the API address): nothing is paid."""
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "success")
    before = snapshot(request)
    attempt = online.return_receive(gateway_name="vnpay", params=params)
    assert attempt.status == AttemptStatus.PENDING
    assert attempt.request.status == PaymentStatus.PENDING
    assert snapshot(request) == before


def test_the_browser_alone_pays_nothing_on_what_the_gateway_denies(province):
    """The return says "paid" but the gateway's own answer (querydr) says the order is still
    open: the return parameters are not believed."""
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "success")
    pending = online.Outcome(
        order_ref=params["vnp_TxnRef"],
        amount=FEE,
        status=AttemptStatus.PENDING,
        transaction_no="",
        response_code="01",
        paid_at=None,
        bank_code="",
    )
    before = snapshot(request)
    with mock.patch.object(VnpayGateway, "query", return_value=pending) as query:
        attempt = online.return_receive(gateway_name="vnpay", params=params)
    query.assert_called_once()
    assert attempt.status == AttemptStatus.PENDING
    assert snapshot(request) == before


# --- the server killed mid-way ----------------------------------------------------------------


def test_killed_between_notification_and_commit(
    province, receipts, django_capture_on_commit_callbacks
):
    """The process dies inside the settling transaction, after the request was written paid:
    nothing of it stays, the gateway gets no answer and sends the notification again, which
    pays once."""
    request = online_request(province)
    params = simulate_callback_params(start(province, request), "success")
    before = snapshot(request)
    with (
        mock.patch(
            "motcua.dossiers.payment_bills.mark_fees_paid", side_effect=ServerKilled
        ) as dying,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ServerKilled),
    ):
        notify(params)
    dying.assert_called_once()
    assert snapshot(request) == before
    assert PaymentAttempt.objects.get().status == AttemptStatus.PENDING
    assert chain_actions(request)["payment.paid"] == 0
    receipts.assert_not_called()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(params) == "00"
    request.refresh_from_db()
    assert request.status == PaymentStatus.PAID
    assert fees_of(request) == [FeeStatus.PAID]
    assert chain_actions(request)["payment.paid"] == 1
    receipts.assert_called_once_with(request.pk)


# --- asking the gateway over HTTP (querydr against the simulator) -----------------------------


@pytest.fixture
def simulator_online(live_server, settings) -> str:
    """The simulator served by the live server; the gateway's API address points at it."""
    settings.MOTCUA_PAYMENT_GATEWAYS = gateways(api_url=live_server.url + API_PATH)
    settings.MOTCUA_PAYMENT_SIMULATOR_IPN = "never"
    return live_server.url


def pay_on_the_simulator(client, order_url: str, choice: str) -> dict[str, str]:
    """The payer opens the simulator's page and chooses; the parameters the browser brings
    back to the return URL (no notification is sent: MOTCUA_PAYMENT_SIMULATOR_IPN "never")."""
    page = client.get(order_url)
    assert page.status_code == 200
    answer = client.post(
        "/mo-phong/vnpay/paymentv2/lua-chon/",
        {"choice": choice, "vnp_TxnRef": dict(parse_qsl(urlsplit(order_url).query))["vnp_TxnRef"]},
    )
    assert answer.status_code == 302
    assert answer["Location"].startswith(RETURN_URL + "?")
    return dict(parse_qsl(urlsplit(answer["Location"]).query))


@pytest.mark.urls(__name__)
def test_the_browser_returns_without_a_notification(
    province, simulator_online, client, receipts, django_capture_on_commit_callbacks
):
    """No IPN arrives: the return parameters are not believed; the gateway is asked (querydr
    over HTTP) and its signed answer pays the request, once."""
    request = online_request(province)
    params = pay_on_the_simulator(client, start(province, request), "success")
    assert PaymentRequest.objects.get(pk=request.pk).status == PaymentStatus.PENDING
    real_query = VnpayGateway.query
    with (
        mock.patch.object(VnpayGateway, "query", autospec=True, side_effect=real_query) as query,
        django_capture_on_commit_callbacks(execute=True),
    ):
        attempt = online.return_receive(gateway_name="vnpay", params=params)
    query.assert_called_once()
    assert attempt.status == AttemptStatus.PAID
    assert attempt.transaction_no == params["vnp_TransactionNo"]
    assert attempt.request.status == PaymentStatus.PAID
    assert attempt.request.method == Method.GATEWAY
    assert fees_of(request) == [FeeStatus.PAID]
    receipts.assert_called_once_with(request.pk)
    # The late notification, when it comes, finds it done.
    assert notify(params) == "02"
    assert chain_actions(request)["payment.paid"] == 1


@pytest.mark.urls(__name__)
def test_the_browser_returns_from_a_cancelled_payment(province, simulator_online, client):
    request = online_request(province)
    params = pay_on_the_simulator(client, start(province, request), "cancel")
    attempt = online.return_receive(gateway_name="vnpay", params=params)
    assert attempt.status == AttemptStatus.FAILED  # querydr says "02", whatever the reason
    assert attempt.request.status == PaymentStatus.FAILED
    assert fees_of(request) == [FeeStatus.DUE]


@pytest.mark.urls(__name__)
def test_the_sweep_expires_orders_never_finished(province, simulator_online, client, clock):
    """One order abandoned before the gateway's page, one left open on it: once past their
    expiry the gateway knows nothing paid (91, "01"), so both expire and the request may be
    paid again; an order still within its time is left alone."""
    request = online_request(province)
    start(province, request)  # never opened
    client.get(start(province, request))  # opened, nothing chosen
    clock.shift(timedelta(minutes=10))
    fresh = start(province, request)
    clock.shift(timedelta(minutes=6))
    assert online.attempts_sweep() == 2
    states = dict(PaymentAttempt.objects.values_list("order_ref", "status"))
    fresh_ref = dict(parse_qsl(urlsplit(fresh).query))["vnp_TxnRef"]
    assert states.pop(fresh_ref) == AttemptStatus.PENDING
    assert set(states.values()) == {AttemptStatus.EXPIRED}
    assert PaymentRequest.objects.get(pk=request.pk).status == PaymentStatus.FAILED


# --- refunds through the gateway ---------------------------------------------------------------


def refused_after_paying(province: Province) -> PaymentRequest:
    """Paid through the gateway, then the dossier is refused; its procedure refunds fees."""
    province.procedure.fee_refundable = True
    province.procedure.save(update_fields=["fee_refundable"])
    request = online_request(province)
    assert notify(simulate_callback_params(start(province, request), "success")) == "00"
    dossier = Dossier.objects.get(pk=request.dossier_pk)
    dossier_act(
        dossier=dossier,
        act=Act.REFUSE,
        actor=province.users[Role.RECEPTION_OFFICER],
        data=ActInput(comment="Không thuộc thẩm quyền"),
    )
    request.refresh_from_db()
    assert request.status == PaymentStatus.PAID
    return request


@pytest.mark.urls(__name__)
def test_a_refund_through_the_gateway(province, simulator_online):
    """The order that paid is refunded, not an earlier one that took a wrong amount."""
    request = refused_after_paying(province)
    attempt = PaymentAttempt.objects.get(request=request)
    PaymentAttempt.objects.create(  # an earlier order paid with a wrong amount (queued)
        request=request,
        gateway="vnpay",
        order_ref=f"{request.reference}000000",
        amount=FEE,
        status=AttemptStatus.PAID,
        created_at=NOW - timedelta(hours=1),
        expires_at=NOW - timedelta(minutes=45),
        finished_at=NOW + timedelta(minutes=1),  # the most recently finished
        transaction_no="13999999",
    )
    payment_refund(
        request=request, actor=province.users[Role.RECEPTION_OFFICER], through_gateway=True
    )
    request.refresh_from_db()
    assert (request.status, request.refund_ref, request.refunded_at) == (
        PaymentStatus.REFUNDED,
        f"vnpay:{attempt.transaction_no}",
        NOW,
    )
    order = order_state("MOTCUA01", attempt.order_ref)
    assert order is not None
    assert order["state"] == "refunded"
    assert order["refunds"] == [
        {"amount": FEE * 100, "type": "02", "by": Role.RECEPTION_OFFICER, "at": "20260309090000"}
    ]
    assert chain_actions(request)["payment.refunded"] == 1


def test_a_refund_when_the_gateway_cannot_be_reached_changes_nothing(province):
    request = refused_after_paying(province)
    before = snapshot(request)
    with pytest.raises(DomainError) as refused:
        payment_refund(
            request=request, actor=province.users[Role.RECEPTION_OFFICER], through_gateway=True
        )
    assert refused.value.code == "gateway_unreachable"
    assert snapshot(request) == before


@pytest.mark.urls(__name__)
def test_a_refund_the_gateway_refuses_changes_nothing(province, simulator_online):
    """Already refunded at VNPAY (by its merchant admin): it answers 94, nothing changes here."""
    request = refused_after_paying(province)
    order_ref = PaymentAttempt.objects.get(request=request).order_ref
    order = order_state("MOTCUA01", order_ref)
    assert order is not None
    cache.set(  # as the simulator stores it (payments.simulator._key)
        f"motcua:vnpay-simulator:MOTCUA01:{order_ref}", order | {"refunds": [{"amount": 1}]}
    )
    before = snapshot(request)
    with pytest.raises(DomainError) as refused:
        payment_refund(
            request=request, actor=province.users[Role.RECEPTION_OFFICER], through_gateway=True
        )
    assert refused.value.code == "gateway_refused"
    assert "94" in refused.value.message
    assert snapshot(request) == before


# --- a financial obligation -------------------------------------------------------------------


def test_the_obligation_paid_online_resumes_the_dossier(province, receipts):
    """A financial obligation paid through the gateway resumes the dossier by itself (the
    clock: test_payment_settle)."""
    dossier = receive(province)
    dossier = dossier_act(
        dossier=dossier, act=Act.FORWARD, actor=province.users[Role.RECEPTION_OFFICER]
    )
    dossier = dossier_act(
        dossier=dossier,
        act=Act.REQUEST_FINANCIAL_OBLIGATION,
        actor=province.users[Role.SPECIALIST],
        data=ActInput(comment="Lệ phí trước bạ", amount=500_000),
    )
    request = PaymentRequest.objects.get(dossier_pk=dossier.pk, purpose="obligation")
    assert notify(simulate_callback_params(start(province, request), "success")) == "00"
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == DossierStatus.IN_PROCESSING
    event = AuditEvent.objects.filter(chain=f"dossiers.dossier:{dossier.pk}").last()
    assert event is not None and event.actor is not None
    assert (event.action, event.actor.username) == ("dossier.confirm_payment", SYSTEM_USERNAME)
