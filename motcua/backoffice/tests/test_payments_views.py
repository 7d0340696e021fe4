"""The back office's payment pages: the payments panel of the dossier page (a payment at the
counter, a cancellation, a refund), the payments list, the statement import and the
reconciliation queue; for the right officer, another agency's officer, a citizen, and bad input
that changes nothing."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from motcua.accounts.constants import Role
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.payments import payment_record_at_counter
from motcua.dossiers.tests.conftest import Province, build_province, dossier_in_status
from motcua.payments.banks import bank_by_bin
from motcua.payments.constants import EntryStatus, Method, PaymentStatus, Purpose
from motcua.payments.models import (
    BankEntry,
    CollectionAccount,
    PaymentRequest,
    StatementImport,
)
from motcua.payments.services import request_create

pytestmark = pytest.mark.django_db

COLUMNS = {
    "date": "Ngày GD",
    "amount": "Ghi có",
    "description": "Nội dung",
    "reference": "Số bút toán",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def province(db) -> Province:
    return build_province()


@pytest.fixture
def account(province) -> CollectionAccount:
    return CollectionAccount.objects.create(
        agency=province.commune,
        bank=bank_by_bin("970436"),
        account_number="0011001234567",
        account_name="UBND XA A",
        statement_columns=COLUMNS,
    )


def owe(province, amount: int = 30000, *, dossier=None, agency=None) -> PaymentRequest:
    dossier = dossier or dossier_in_status(province, DossierStatus.IN_PROCESSING)
    return request_create(
        dossier_pk=dossier.pk,
        dossier_code=dossier.code,
        agency=agency or province.commune,
        purpose=Purpose.SUBMISSION,
        amount=amount,
        description="Lệ phí đăng ký",
        payer_name=dossier.applicant_name,
    )


def login(client, province, who: str):
    client.force_login(province.users[who])
    return client


def dossier_of(payment: PaymentRequest) -> Dossier:
    return Dossier.objects.get(pk=payment.dossier_pk)


def act_url(name: str, payment: PaymentRequest) -> str:
    return reverse(f"backoffice:payment-{name}", args=[payment.dossier_code, payment.pk])


def state(payment: PaymentRequest) -> tuple[Any, ...]:
    payment.refresh_from_db()
    return payment.status, payment.method, payment.transaction_ref, payment.refund_ref


def csv_file(rows: list[list[Any]]) -> bytes:
    headings = ["Ngày GD", "Số bút toán", "Ghi có", "Nội dung"]
    return "\n".join(",".join(str(cell) for cell in row) for row in [headings, *rows]).encode()


# --- the dossier page -------------------------------------------------------------------------


def test_the_dossier_page_shows_the_requests_and_the_counter_form(client, province):
    payment = owe(province)
    page = login(client, province, Role.RECEPTION_OFFICER).get(
        reverse("backoffice:dossier", args=[payment.dossier_code])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert payment.reference in text and "30,000" in text
    assert act_url("record", payment) in text
    assert act_url("cancel", payment) in text
    assert act_url("refund", payment) not in text  # not paid, not refused


def test_a_specialist_sees_the_requests_but_no_counter_form(client, province):
    payment = owe(province)
    page = login(client, province, Role.SPECIALIST).get(
        reverse("backoffice:dossier", args=[payment.dossier_code])
    )
    assert payment.reference in page.content.decode()
    assert act_url("record", payment) not in page.content.decode()


def test_the_reception_officer_records_a_cash_payment(client, province):
    payment = owe(province)
    response = login(client, province, Role.RECEPTION_OFFICER).post(
        act_url("record", payment),
        {"method": "cash", "amount": "30000", "receipt_ref": "BL-0042"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#payments-title")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert (payment.method, payment.transaction_ref) == (Method.CASH, "BL-0042")
    assert payment.recorded_by == province.users[Role.RECEPTION_OFFICER]
    page = client.get(response["Location"])
    assert "recorded as paid" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"method": "cash", "amount": "30.000đ", "receipt_ref": "BL-1"}, 400, "whole number"),
        ({"method": "cash", "amount": "", "receipt_ref": "BL-1"}, 400, "amount received"),
        ({"method": "cheque", "amount": "30000", "receipt_ref": "BL-1"}, 400, "valid choice"),
        ({"method": "card", "amount": "30000", "receipt_ref": ""}, 400, "card slip"),
        ({"method": "cash", "amount": "20000", "receipt_ref": "BL-1"}, 409, "20,000"),
    ],
)
def test_bad_counter_input_changes_nothing(client, province, data, status, message):
    payment = owe(province)
    before = state(payment)
    response = login(client, province, Role.RECEPTION_OFFICER).post(
        act_url("record", payment), data
    )
    assert response.status_code == status
    assert message in response.content.decode()
    assert state(payment) == before


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("citizen", 404)])
def test_someone_else_cannot_record(client, province, who, status):
    payment = owe(province)
    before = state(payment)
    response = login(client, province, who).post(
        act_url("record", payment), {"method": "cash", "amount": "30000", "receipt_ref": "X"}
    )
    assert response.status_code == status
    assert state(payment) == before


def test_a_specialist_cannot_record_at_the_counter(client, province):
    payment = owe(province)
    before = state(payment)
    response = login(client, province, Role.SPECIALIST).post(
        act_url("record", payment), {"method": "cash", "amount": "30000", "receipt_ref": "X"}
    )
    assert response.status_code == 403
    assert state(payment) == before


def test_anonymous_is_sent_to_log_in(client, province):
    payment = owe(province)
    response = client.post(act_url("record", payment), {"method": "cash", "amount": "30000"})
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_cancel_needs_a_reason_and_the_confirmation(client, province):
    payment = owe(province)
    before = state(payment)
    login(client, province, Role.RECEPTION_OFFICER)
    url = act_url("cancel", payment)
    empty = client.post(url, {"reason": "  ", "confirm": "on"})
    unconfirmed = client.post(url, {"reason": "Thu nhầm"})
    assert (empty.status_code, unconfirmed.status_code) == (400, 400)
    assert "reason for cancelling" in empty.content.decode()
    assert "Tick the box" in unconfirmed.content.decode()
    assert state(payment) == before
    done = client.post(url, {"reason": "Thu nhầm", "confirm": "on"})
    assert done.status_code == 302
    assert state(payment)[0] == PaymentStatus.CANCELLED


def _paid_refusable(province) -> PaymentRequest:
    province.procedure.fee_refundable = True
    province.procedure.save(update_fields=["fee_refundable"])
    dossier = dossier_in_status(province, DossierStatus.IN_PROCESSING)
    payment = owe(province, dossier=dossier)
    payment_record_at_counter(
        request=payment,
        actor=province.users[Role.RECEPTION_OFFICER],
        method=Method.CASH,
        amount=30000,
        receipt_ref="BL-7",
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.NOT_ACCEPTED)
    return payment


def test_a_refund_recorded_by_the_officer(client, province):
    payment = _paid_refusable(province)
    login(client, province, Role.RECEPTION_OFFICER)
    page = client.get(reverse("backoffice:dossier", args=[payment.dossier_code]))
    assert act_url("refund", payment) in page.content.decode()
    before = state(payment)
    missing = client.post(act_url("refund", payment), {"refund_ref": "", "confirm": "on"})
    assert missing.status_code == 400 and "reference of the refund" in missing.content.decode()
    unconfirmed = client.post(act_url("refund", payment), {"refund_ref": "UNC-1"})
    assert unconfirmed.status_code == 400
    assert state(payment) == before
    done = client.post(act_url("refund", payment), {"refund_ref": "UNC-1", "confirm": "on"})
    assert done.status_code == 302
    assert state(payment)[0] == PaymentStatus.REFUNDED
    assert state(payment)[3] == "UNC-1"


def test_no_refund_where_the_procedure_gives_none(client, province):
    payment = _paid_refusable(province)
    province.procedure.fee_refundable = False
    province.procedure.save(update_fields=["fee_refundable"])
    before = state(payment)
    login(client, province, Role.RECEPTION_OFFICER)
    page = client.get(reverse("backoffice:dossier", args=[payment.dossier_code]))
    assert act_url("refund", payment) not in page.content.decode()
    response = client.post(act_url("refund", payment), {"refund_ref": "UNC-1", "confirm": "on"})
    assert response.status_code == 409
    assert state(payment) == before


# --- the payments list ------------------------------------------------------------------------


def test_the_list_shows_the_officers_agencies_only_with_filters_and_totals(client, province):
    paid = owe(province, 30000)
    waiting = owe(province, 50000)
    other = owe(province, 70000, agency=province.other_commune)
    payment_record_at_counter(
        request=paid,
        actor=province.users[Role.RECEPTION_OFFICER],
        method=Method.CARD,
        amount=30000,
        receipt_ref="POS-1",
    )
    login(client, province, Role.RECEPTION_OFFICER)
    page = client.get(reverse("backoffice:payments")).content.decode()
    assert paid.reference in page and waiting.reference in page
    assert other.reference not in page
    assert "80,000 đ in all: 30,000 đ paid, 50,000 đ still to pay" in page
    filtered = client.get(reverse("backoffice:payments"), {"status": "paid"}).content.decode()
    assert paid.reference in filtered and waiting.reference not in filtered
    assert "1 request of 30,000 đ" in filtered
    by_method = client.get(reverse("backoffice:payments"), {"method": "cash"}).content.decode()
    assert paid.reference not in by_method
    searched = client.get(reverse("backoffice:payments"), {"q": waiting.reference.lower()})
    assert waiting.reference in searched.content.decode()
    assert paid.reference not in searched.content.decode()


def test_the_list_refuses_bad_filters_and_other_agencies(client, province):
    owe(province)
    login(client, province, Role.RECEPTION_OFFICER)
    bad_date = client.get(reverse("backoffice:payments"), {"date_from": "31/02/2026"})
    assert bad_date.status_code == 400
    other = client.get(reverse("backoffice:payments"), {"agency": province.other_commune.slug})
    assert other.status_code == 400 and "one of your agencies" in other.content.decode()


@pytest.mark.parametrize("who", ["citizen", Role.SPECIALIST, Role.CLERK])
def test_the_payment_pages_are_not_for_others(client, province, who):
    login(client, province, who)
    for name in ("payments", "payment-statement", "payment-queue", "payment-report"):
        assert client.get(reverse(f"backoffice:{name}")).status_code == 403


def test_a_leader_sees_the_list(client, province):
    payment = owe(province)
    page = login(client, province, Role.LEADER).get(reverse("backoffice:payments"))
    assert page.status_code == 200 and payment.reference in page.content.decode()


# --- statements and the reconciliation queue --------------------------------------------------


def test_a_statement_is_imported_once(client, province, account):
    payment = owe(province)
    content = csv_file(
        [
            ["11/03/2026", "FT001", "30000", f"{payment.reference} nop le phi"],
            ["11/03/2026", "FT002", "45000", "chuyen tien khong ro"],
        ]
    )
    login(client, province, Role.RECEPTION_OFFICER)
    url = reverse("backoffice:payment-statement")
    upload = _upload("sao-ke.csv", content)
    response = client.post(url, {"account": account.pk, "file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2 lines read" in page
    assert "1 credit paid its request" in page
    assert "1 credit waits for reconciliation" in page
    assert state(payment)[0] == PaymentStatus.PAID
    again = client.post(url, {"account": account.pk, "file": _upload("lan-2.csv", content)})
    assert again.status_code == 409
    assert "already imported" in again.content.decode()
    assert StatementImport.objects.count() == 1


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sao-ke.txt", b"a,b", "CSV or an XLSX"),
        ("sao-ke.csv", b"Foo,Bar\n1,2\n", "Ng"),  # the headings the account names are missing
    ],
)
def test_a_bad_statement_changes_nothing(client, province, account, name, content, message):
    login(client, province, Role.RECEPTION_OFFICER)
    response = client.post(
        reverse("backoffice:payment-statement"),
        {"account": account.pk, "file": _upload(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StatementImport.objects.exists() and not BankEntry.objects.exists()


def test_another_agencys_officer_cannot_import_into_the_account(client, province, account):
    login(client, province, "outsider")
    response = client.post(
        reverse("backoffice:payment-statement"),
        {"account": account.pk, "file": _upload("s.csv", csv_file([]))},
    )
    assert response.status_code == 400
    assert not StatementImport.objects.exists()


def _queued(province, account, amount: int = 30000) -> BankEntry:
    return BankEntry.objects.create(
        account=account,
        agency=province.commune,
        source="statement",
        entry_key=f"FT{BankEntry.objects.count() + 9}",
        booked_at=timezone.now(),
        amount=amount,
        description="chuyen tien MCXXXXXXXX",
        status=EntryStatus.QUEUED,
        reason="The description names no payment reference or dossier code.",
    )


def test_an_officer_finds_and_assigns_a_queued_credit(client, province, account):
    payment = owe(province)
    entry = _queued(province, account)
    login(client, province, Role.RECEPTION_OFFICER)
    queue = client.get(reverse("backoffice:payment-queue")).content.decode()
    assert "names no payment reference" in queue
    found = client.get(
        reverse("backoffice:payment-queue"), {"entry": entry.pk, "q": payment.dossier_code}
    ).content.decode()
    assert reverse("backoffice:payment-entry-resolve", args=[entry.pk]) in found
    response = client.post(
        reverse("backoffice:payment-entry-resolve", args=[entry.pk]),
        {"request": payment.pk, "note": "Người nộp ghi sai mã"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RESOLVED and entry.request == payment
    assert state(payment)[0] == PaymentStatus.PAID


def test_a_credit_of_another_amount_is_refused_with_the_reason(client, province, account):
    payment = owe(province, 30000)
    entry = _queued(province, account, amount=25000)
    before = state(payment)
    login(client, province, Role.RECEPTION_OFFICER)
    response = client.post(
        reverse("backoffice:payment-entry-resolve", args=[entry.pk]), {"request": payment.pk}
    )
    assert response.status_code == 409
    assert "cannot pay it" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.QUEUED and state(payment) == before


def test_another_agencys_officer_does_not_see_the_queue_entry(client, province, account):
    payment = owe(province)
    entry = _queued(province, account)
    login(client, province, "outsider")
    assert entry.entry_key not in client.get(reverse("backoffice:payment-queue")).content.decode()
    resolve = client.post(
        reverse("backoffice:payment-entry-resolve", args=[entry.pk]), {"request": payment.pk}
    )
    dismiss = client.post(
        reverse("backoffice:payment-entry-dismiss", args=[entry.pk]),
        {"note": "x", "confirm": "on"},
    )
    assert (resolve.status_code, dismiss.status_code) == (404, 404)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.QUEUED


def test_a_credit_is_set_aside_with_a_note_and_confirmation(client, province, account):
    entry = _queued(province, account)
    login(client, province, Role.RECEPTION_OFFICER)
    url = reverse("backoffice:payment-entry-dismiss", args=[entry.pk])
    assert client.post(url, {"note": "", "confirm": "on"}).status_code == 400
    assert client.post(url, {"note": "Không phải phí"}).status_code == 400
    entry.refresh_from_db()
    assert entry.status == EntryStatus.QUEUED
    assert client.post(url, {"note": "Không phải phí", "confirm": "on"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.note) == (EntryStatus.DISMISSED, "Không phải phí")


def test_a_bad_request_number_is_refused(client, province, account):
    entry = _queued(province, account)
    other = owe(province, agency=province.other_commune)
    login(client, province, Role.RECEPTION_OFFICER)
    url = reverse("backoffice:payment-entry-resolve", args=[entry.pk])
    assert client.post(url, {"request": "abc"}).status_code == 400
    assert client.post(url, {"request": other.pk}).status_code == 400
    entry.refresh_from_db()
    assert entry.status == EntryStatus.QUEUED


# --- the admin --------------------------------------------------------------------------------


def test_the_admin_keeps_the_statement_columns_of_an_account(admin_client, province):
    url = reverse("admin:payments_collectionaccount_add")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "agency": province.commune.pk,
            "bank": bank_by_bin("970436").pk,
            "account_number": "0011009999999",
            "account_name": "UBND XA A",
            "active": "on",
            "statement_header_row": "3",
            "statement_date_format": "%d/%m/%Y",
            "column_date": "Ngày giao dịch",
            "column_amount": "Số tiền ghi có",
            "column_description": "Nội dung",
            "column_reference": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = CollectionAccount.objects.get(account_number="0011009999999")
    assert account.statement_columns == {
        "date": "Ngày giao dịch",
        "amount": "Số tiền ghi có",
        "description": "Nội dung",
    }
    for model in ("paymentrequest", "bankentry", "statementimport", "receipt", "receiptbook"):
        assert admin_client.get(reverse(f"admin:payments_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:payments_paymentrequest_add")).status_code == 403
