"""The portal's payment pages with Django's client: the pay page of one's own dossier (VietQR box,
gateway button), nobody else's; starting an online payment; the browser's return, which never
pays and refuses forged parameters; the gateway's notification (IPN), which alone pays, and a
forged one, which changes nothing; the polled status; the e-receipt by its token; the payment
shown on the dossier page, in "My dossiers" and after an online submission."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.dossiers import payment_bills
from motcua.dossiers.constants import FeeStatus
from motcua.dossiers.models import Dossier, DossierFee
from motcua.dossiers.payments import payment_vietqr, transfer_note
from motcua.dossiers.references import reference_new
from motcua.dossiers.tests.conftest import Province, build_province
from motcua.payments import simulator, vietqr
from motcua.payments.constants import AttemptStatus, PaymentStatus, Purpose
from motcua.payments.models import (
    Bank,
    CollectionAccount,
    PaymentAttempt,
    PaymentRequest,
    ReceiptBook,
)

from . import dossier_scenes as scenes

pytestmark = pytest.mark.django_db

AMOUNT = 1_250_000
FEE = "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ"
UNREACHABLE = "http://127.0.0.1:9/mo-phong/vnpay"  # the discard port: nothing answers there


def gateway_settings(settings, base: str, *, ipn_base: str | None = None) -> None:
    """The VNPAY simulator's terminal, reached at `base` (the IPN at `ipn_base`)."""
    settings.MOTCUA_PAYMENT_SIMULATOR = True
    settings.MOTCUA_PAYMENT_GATEWAYS = {
        "vnpay": {
            "tmn_code": "MOTCUA01",
            "hash_secret": "bi-mat-cua-phep-thu",
            "pay_url": f"{base}/paymentv2/vpcpay.html",
            "api_url": f"{base}/merchant_webapi/api/transaction",
            "ipn_url": f"{ipn_base or base}/thanh-toan/vnpay/ipn/",
        }
    }


def collection_account(province: Province) -> CollectionAccount:
    """The commune's account for fees, and its e-receipt book (a year before: it is carried
    over to the current year as the first receipt is issued)."""
    last_year = timezone.localdate().year - 1
    ReceiptBook.objects.create(
        agency=province.commune,
        form_symbol="01BLP0-001",
        series=f"BL-{last_year % 100:02d}E",
        year=last_year,
    )
    bank, _created = Bank.objects.get_or_create(
        bin="970436",
        defaults={"short_name": "Vietcombank", "name": "Ngân hàng TMCP Ngoại thương Việt Nam"},
    )
    return CollectionAccount.objects.create(
        agency=province.commune,
        bank=bank,
        account_number="0011004455667",
        account_name="UBND XA A THU PHI LE PHI",
    )


def owing(province: Province) -> tuple[Dossier, PaymentRequest]:
    """An online dossier of the citizen with a submission fee billed, payable by transfer."""
    collection_account(province)
    dossier = scenes.registered_online(province)
    dossier.reference = reference_new()  # as an online submission gets (dossiers.online)
    dossier.save(update_fields=["reference"])
    dossier.fees.all().delete()
    DossierFee.objects.create(
        dossier=dossier, description=FEE, purpose=Purpose.SUBMISSION, amount=AMOUNT
    )
    request = payment_bills.bill_due_fees(
        dossier, purpose=Purpose.SUBMISSION, actor=province.users["citizen"]
    )
    assert request is not None
    return dossier, request


@pytest.fixture
def province(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    gateway_settings(settings, UNREACHABLE)
    cache.clear()
    return build_province()


@pytest.fixture
def citizen(client, province):
    client.force_login(province.users["citizen"])
    return client


def text(response) -> str:
    return response.content.decode()


def pay_url(dossier: Dossier) -> str:
    return reverse("portal:my-dossier-pay", args=[dossier.key])


def start(client, dossier: Dossier, request: PaymentRequest) -> str:
    """Press the online payment button; the gateway's page it sends the browser to."""
    url = reverse("portal:my-dossier-pay-online", args=[dossier.key, request.reference])
    response = client.post(url)
    assert response.status_code == 302
    return response["Location"]


def snapshot(request: PaymentRequest) -> tuple:
    request.refresh_from_db()
    fees = tuple(DossierFee.objects.filter(payment_request=request).values_list("status"))
    return request.status, request.paid_at, request.transaction_ref, fees


# --- the pay page -----------------------------------------------------------------------------


def test_the_applicant_sees_what_to_pay_with_the_vietqr_box_and_the_gateway(citizen, province):
    dossier, request = owing(province)
    response = citizen.get(pay_url(dossier))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = text(response)
    assert "1.250.000&nbsp;đ" in page and FEE in page and request.reference in page
    # The transfer: the QR code of the payload, the bank, the account and the note.
    payload = payment_vietqr(request)
    assert payload and str(vietqr.qr_svg(payload)) in page
    assert payload not in page  # drawn, not written
    assert "Ngân hàng TMCP Ngoại thương Việt Nam" in page
    assert "0011004455667" in page and "UBND XA A THU PHI LE PHI" in page
    assert transfer_note(request) in page
    assert reverse("portal:my-dossier-pay-online", args=[dossier.key, request.reference]) in page
    # While something is payable the page asks for changes (htmx) and offers a plain reload.
    assert 'hx-trigger="every 5s"' in page


def test_someone_else_gets_not_found_and_a_visitor_is_sent_to_log_in(client, province):
    dossier, request = owing(province)
    for user in (province.users["outsider"], province.users[Role.RECEPTION_OFFICER]):
        client.force_login(user)
        assert client.get(pay_url(dossier)).status_code == 404
        url = reverse("portal:my-dossier-pay-online", args=[dossier.key, request.reference])
        assert client.post(url).status_code == 404
    client.logout()
    response = client.get(pay_url(dossier))
    assert response.status_code == 302 and "/tai-khoan/login/" in response["Location"]
    assert not PaymentAttempt.objects.exists()


def test_the_button_starts_an_order_at_the_gateway(citizen, province):
    dossier, request = owing(province)
    location = start(citizen, dossier, request)
    attempt = PaymentAttempt.objects.get(request=request)
    assert location.startswith(f"{UNREACHABLE}/paymentv2/vpcpay.html?")
    assert f"vnp_TxnRef={attempt.order_ref}" in location
    assert f"vnp_Amount={AMOUNT * 100}" in location
    assert "vnp_ReturnUrl=http%3A%2F%2Ftestserver%2Fthanh-toan%2Fvnpay%2Ftro-ve%2F" in location
    assert attempt.status == AttemptStatus.PENDING and attempt.amount == AMOUNT


def test_an_unknown_or_paid_request_cannot_be_started(citizen, province):
    dossier, request = owing(province)
    url = reverse("portal:my-dossier-pay-online", args=[dossier.key, "MC22222222"])
    assert citizen.post(url).status_code == 404
    assert (
        citizen.get(
            reverse("portal:my-dossier-pay-online", args=[dossier.key, request.reference])
        ).status_code
        == 405
    )
    PaymentRequest.objects.filter(pk=request.pk).update(status=PaymentStatus.CANCELLED)
    response = citizen.post(
        reverse("portal:my-dossier-pay-online", args=[dossier.key, request.reference])
    )
    assert response.status_code == 302 and response["Location"] == pay_url(dossier)
    assert not PaymentAttempt.objects.exists()


# --- the return and the notification ----------------------------------------------------------


def test_a_forged_return_is_refused_and_changes_nothing(citizen, province):
    dossier, request = owing(province)
    params = simulator.simulate_callback_params(start(citizen, dossier, request), "success")
    before = snapshot(request)
    forged = params | {"vnp_Amount": "100"}
    response = citizen.get(reverse("portal:vnpay-return"), forged)
    assert response.status_code == 400
    assert params["vnp_TxnRef"] in text(response)
    unsigned = {key: value for key, value in params.items() if key != "vnp_SecureHash"}
    assert citizen.get(reverse("portal:vnpay-return"), unsigned).status_code == 400
    assert snapshot(request) == before
    assert PaymentAttempt.objects.get().status == AttemptStatus.PENDING


def test_a_genuine_return_never_pays_by_itself(citizen, province):
    """The notification did not come and the gateway cannot be asked: still being confirmed."""
    dossier, request = owing(province)
    params = simulator.simulate_callback_params(start(citizen, dossier, request), "success")
    before = snapshot(request)
    response = citizen.get(reverse("portal:vnpay-return"), params, follow=True)
    assert response.redirect_chain == [(pay_url(dossier), 302)]
    assert "being confirmed" in text(response) or "đang được xác nhận" in text(response)
    assert snapshot(request) == before


def test_the_notification_pays_and_the_receipt_is_served(
    citizen, client, province, django_capture_on_commit_callbacks
):
    dossier, request = owing(province)
    params = simulator.simulate_callback_params(start(citizen, dossier, request), "success")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.get("/thanh-toan/vnpay/ipn/", params)
    assert answer.status_code == 200 and answer.json()["RspCode"] == "00"
    request.refresh_from_db()
    assert request.status == PaymentStatus.PAID and request.gateway == "vnpay"
    assert request.transaction_ref == params["vnp_TransactionNo"]
    assert DossierFee.objects.get(payment_request=request).status == FeeStatus.PAID
    # Again: already confirmed, nothing more.
    assert client.get("/thanh-toan/vnpay/ipn/", params).json()["RspCode"] == "02"

    response = citizen.get(reverse("portal:vnpay-return"), params, follow=True)
    page = text(response)
    assert 'data-status="paid"' in page
    receipt = request.receipt
    receipt_url = reverse("portal:receipt", args=[receipt.token])
    assert receipt_url in page
    pdf = client.get(receipt_url)  # by its token, as the notice links it: no session needed
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("portal:receipt", args=["x" * 32])).status_code == 404
    assert client.get(reverse("portal:receipt", args=["khong-hop-le"])).status_code == 404

    # The dossier page and "My dossiers" show the receipt.
    assert receipt_url in text(citizen.get(reverse("portal:my-dossier", args=[dossier.key])))
    assert receipt_url in text(citizen.get(reverse("portal:my-dossiers")))


def test_a_forged_notification_changes_nothing(client, citizen, province):
    dossier, request = owing(province)
    params = simulator.simulate_callback_params(start(citizen, dossier, request), "success")
    before = snapshot(request)
    for forged in (
        params | {"vnp_SecureHash": "0" * 128},
        params | {"vnp_Amount": str(AMOUNT)},  # 1/100 of the order, signature left as it was
        {key: value for key, value in params.items() if key != "vnp_SecureHash"},
    ):
        answer = client.get("/thanh-toan/vnpay/ipn/", forged)
        assert answer.status_code == 200 and answer.json()["RspCode"] == "97"
    assert client.post("/thanh-toan/vnpay/ipn/", params).status_code == 405
    assert snapshot(request) == before
    assert PaymentAttempt.objects.get().status == AttemptStatus.PENDING


def test_a_failed_payment_gives_the_reason_and_a_way_to_pay_again(citizen, client, province):
    dossier, request = owing(province)
    params = simulator.simulate_callback_params(start(citizen, dossier, request), "insufficient")
    assert client.get("/thanh-toan/vnpay/ipn/", params).json()["RspCode"] == "00"
    response = citizen.get(reverse("portal:vnpay-return"), params, follow=True)
    page = text(response)
    request.refresh_from_db()
    assert request.status == PaymentStatus.FAILED
    assert 'data-status="failed"' in page
    assert "enough money" in page or "không đủ" in page
    assert reverse("portal:my-dossier-pay-online", args=[dossier.key, request.reference]) in page
    start(citizen, dossier, request)  # and it can be paid again
    assert PaymentAttempt.objects.filter(request=request).count() == 2


# --- polling ----------------------------------------------------------------------------------


def test_the_status_fragment_answers_no_content_until_something_changes(citizen, client, province):
    dossier, request = owing(province)
    status_url = reverse("portal:my-dossier-pay-status", args=[dossier.key])
    page = text(citizen.get(pay_url(dossier)))
    state = page.split('data-state="', 1)[1].split('"', 1)[0]
    assert citizen.get(status_url, {"trang-thai": state}).status_code == 204
    params = simulator.simulate_callback_params(start(citizen, dossier, request), "cancel")
    client.get("/thanh-toan/vnpay/ipn/", params)
    fragment = citizen.get(status_url, {"trang-thai": state}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert 'id="payment-requests"' in text(fragment) and "<html" not in text(fragment)
    assert 'data-status="failed"' in text(fragment)
    client.force_login(province.users["outsider"])
    assert client.get(status_url).status_code == 404


# --- the other pages --------------------------------------------------------------------------


def test_the_dossier_page_my_dossiers_and_the_confirmation_lead_to_the_pay_page(citizen, province):
    dossier, _request = owing(province)
    link = pay_url(dossier)
    detail = text(citizen.get(reverse("portal:my-dossier", args=[dossier.key])))
    assert 'id="payments"' in detail and link in detail and "1.250.000&nbsp;đ" in detail
    assert link in text(citizen.get(reverse("portal:my-dossiers")))
    submitted = text(citizen.get(reverse("portal:apply-submitted", args=[dossier.uid])))
    assert link in submitted and "1.250.000&nbsp;đ" in submitted


def test_nothing_to_pay_shows_no_pay_step(citizen, province):
    dossier = scenes.registered_online(province)
    dossier.fees.all().delete()
    page = text(citizen.get(pay_url(dossier)))
    assert 'data-status="' not in page and "hx-trigger" not in page
    detail = text(citizen.get(reverse("portal:my-dossier", args=[dossier.key])))
    assert pay_url(dossier) not in detail
    submitted = text(citizen.get(reverse("portal:apply-submitted", args=[dossier.uid])))
    assert pay_url(dossier) not in submitted
