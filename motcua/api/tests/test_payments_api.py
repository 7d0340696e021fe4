"""Payments in the API: a dossier's payment requests (who may see them, the VietQR payload while
payable, the e-receipt once paid, the same list in the dossier detail) and the bank notification
webhook (a good notification pays, the same one again is a duplicate, a forged one is refused
and changes nothing), with the schema describing both."""

import hashlib
import hmac
import json

import pytest
import time_machine
from rest_framework.test import APIClient

from motcua.accounts.constants import Role
from motcua.dossiers.tests.conftest import receive, vn
from motcua.payments.banks import bank_by_bin
from motcua.payments.constants import EntryStatus, Method, PaymentStatus, Purpose
from motcua.payments.models import BankEntry, CollectionAccount, PaymentRequest, ReceiptBook

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers"
WEBHOOK = "/api/v1/payments/bank-notifications"
PROBLEM = "application/problem+json"
SECRET = "bank-webhook-test-secret"
VCB = "970436"
AT = vn(2026, 3, 2, 9, 0)


@pytest.fixture(autouse=True)
def setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_BANK_WEBHOOK_SECRET = SECRET
    with time_machine.travel(AT, tick=False):
        yield


@pytest.fixture
def account(province) -> CollectionAccount:
    return CollectionAccount.objects.create(
        agency=province.commune,
        bank=bank_by_bin(VCB),
        account_number="0011001234567",
        account_name="UBND XA A",
    )


@pytest.fixture
def dossier(province, account):
    """Received at the counter: the procedure's fee was billed at registration."""
    received = receive(province)
    ReceiptBook.objects.create(
        agency=province.commune, form_symbol="01BLP0-001", series="BL-26E", year=2026
    )
    return received


def the_request(dossier) -> PaymentRequest:
    return PaymentRequest.objects.get(dossier_pk=dossier.pk)


def notification(request: PaymentRequest, transaction_id: str = "FT26061234") -> bytes:
    return json.dumps(
        {
            "account_number": "0011001234567",
            "bank_bin": VCB,
            "transaction_id": transaction_id,
            "amount": request.amount,
            "description": f"{request.reference} nop le phi",
            "booked_at": "2026-03-02T09:15:00+07:00",
        }
    ).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notify(body: bytes, signature: str | None):
    headers = {} if signature is None else {"X-MotCua-Signature": signature}
    return APIClient().post(WEBHOOK, body, content_type="application/json", headers=headers)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    return problem


# --- the list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["citizen", Role.RECEPTION_OFFICER, Role.SPECIALIST])
def test_the_applicant_and_the_agencys_officers_see_the_requests(api, dossier, who):
    request = the_request(dossier)
    response = api(who).get(f"{URL}/{dossier.code}/payments")
    assert response.status_code == 200, response.content
    [item] = response.json()
    assert item == {
        "id": request.pk,
        "reference": request.reference,
        "purpose": Purpose.SUBMISSION,
        "description": request.description,
        "amount": request.amount,
        "status": PaymentStatus.PENDING,
        "method": "",
        "paid_at": None,
        "expires_at": None,
        "vietqr": item["vietqr"],
        "receipt_url": None,
    }
    payload = item["vietqr"]
    assert payload.startswith("000201") and "0011001234567" in payload
    assert request.reference in payload and f"54{len(str(request.amount)):02d}" in payload
    # the same list in the dossier detail, by the code and by the reference
    for key in (dossier.code, str(dossier.uid)):
        assert api(who).get(f"{URL}/{key}").json()["payments"] == [item]


def test_without_a_collection_account_there_is_no_vietqr(api, province):
    dossier = receive(province)  # the commune has no collection account
    [item] = api("citizen").get(f"{URL}/{dossier.code}/payments").json()
    assert item["status"] == PaymentStatus.PENDING and item["vietqr"] is None


@pytest.mark.parametrize("who", ["citizen_b", "outsider", "tax_specialist"])
def test_anyone_else_gets_404(api, dossier, who):
    assert_problem(api(who).get(f"{URL}/{dossier.code}/payments"), 404)


@pytest.mark.parametrize("authorization", [None, "Token 0123456789abcdef"])
def test_without_credentials_401(dossier, authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    response = client.get(f"{URL}/{dossier.code}/payments")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("key", ["000.00.01.H49-260101-9999", "a\x00b", "khong-co"])
def test_an_unknown_dossier_is_404(api, dossier, key):
    assert_problem(api(Role.PROVINCE_ADMIN).get(f"{URL}/{key}/payments"), 404)


# --- the webhook ------------------------------------------------------------------------------


def test_a_notification_pays_and_the_list_shows_the_receipt(
    api, dossier, django_capture_on_commit_callbacks
):
    request = the_request(dossier)
    body = notification(request)
    with django_capture_on_commit_callbacks(execute=True):
        response = notify(body, sign(body))
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "matched"}
    request.refresh_from_db()
    assert (request.status, request.method) == (PaymentStatus.PAID, Method.TRANSFER)
    [item] = api("citizen").get(f"{URL}/{dossier.code}/payments").json()
    assert item["status"] == PaymentStatus.PAID and item["vietqr"] is None
    assert item["paid_at"] == "2026-03-02T09:15:00+07:00"
    token = request.receipt.token
    assert item["receipt_url"] == f"http://testserver/bien-lai/{token}/"
    receipt = APIClient().get(item["receipt_url"])
    assert receipt.status_code == 200
    content = b"".join(receipt.streaming_content) if receipt.streaming else receipt.content  # type: ignore[attr-defined]
    assert content.startswith(b"%PDF-")


def test_the_same_notification_twice_is_a_duplicate(dossier):
    request = the_request(dossier)
    body = notification(request)
    assert notify(body, sign(body)).json() == {"status": "matched"}
    with time_machine.travel(vn(2026, 3, 2, 9, 5), tick=False):
        again = notify(body, sign(body))
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    assert BankEntry.objects.count() == 1
    request.refresh_from_db()
    assert request.status == PaymentStatus.PAID


def test_a_credit_that_names_no_request_waits_in_the_queue(dossier):
    body = json.loads(notification(the_request(dossier)))
    body["description"] = "chuyen tien"
    raw = json.dumps(body).encode()
    assert notify(raw, sign(raw)).json() == {"status": "queued"}
    assert BankEntry.objects.get().status == EntryStatus.QUEUED
    assert the_request(dossier).status == PaymentStatus.PENDING


@pytest.mark.parametrize(
    "signature", [None, "", "00" * 32, sign(b"something else"), sign(b"{}", "another secret")]
)
def test_a_forged_notification_is_400_and_changes_nothing(dossier, signature):
    request = the_request(dossier)
    body = notification(request)
    problem = assert_problem(notify(body, signature), 400)
    assert problem["code"] == "bad_signature"
    assert not BankEntry.objects.exists()
    assert the_request(dossier).status == PaymentStatus.PENDING


def test_without_a_secret_nothing_is_trusted(dossier, settings):
    settings.MOTCUA_BANK_WEBHOOK_SECRET = ""
    body = notification(the_request(dossier))
    assert assert_problem(notify(body, sign(body, "")), 400)["code"] == "bad_signature"
    assert not BankEntry.objects.exists()


def test_a_signed_but_malformed_body_is_400(dossier):
    body = b'{"amount": "much"}'
    assert_problem(notify(body, sign(body)), 400)
    assert not BankEntry.objects.exists()


def test_an_unknown_account_is_409(dossier):
    data = json.loads(notification(the_request(dossier)))
    data["account_number"] = "999"
    body = json.dumps(data).encode()
    assert assert_problem(notify(body, sign(body)), 409)["code"] == "unknown_account"


def test_the_schema_documents_both_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    listing = schema["paths"]["/api/v1/dossiers/{key}/payments"]["get"]
    assert set(listing["responses"]) == {"200", "401", "404"}
    webhook = schema["paths"]["/api/v1/payments/bank-notifications"]["post"]
    assert set(webhook["responses"]) == {"200", "400", "409"}
    assert webhook.get("security", [{}]) == [{}]  # no credentials: the signature authenticates
    headers = [p["name"] for p in webhook["parameters"] if p["in"] == "header"]
    assert headers == ["X-MotCua-Signature"]
    detail = schema["components"]["schemas"]["DossierDetail"]["properties"]
    assert "payments" in detail
