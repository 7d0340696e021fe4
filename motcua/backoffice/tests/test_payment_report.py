"""The daily collection report, read back from the XLSX: the day's paid requests of one agency
(not the day before or after, not another agency's), the totals per way of payment and overall,
the refunds of the day apart; and the page that gives it."""

import io
from datetime import date, datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from motcua.accounts.constants import Role
from motcua.deadlines.calendar import VN_TZ
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.payments import payment_settle
from motcua.dossiers.tests.conftest import Province, build_province, dossier_in_status
from motcua.payments.constants import Method, PaymentStatus, Purpose
from motcua.payments.models import PaymentRequest, Receipt, ReceiptBook
from motcua.payments.services import request_create, request_refund

from ..payment_report import collection_xlsx

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def province(db) -> Province:
    return build_province()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=VN_TZ)


def paid(province, amount: int, method: str, when: datetime, ref: str, agency=None):
    dossier = dossier_in_status(province, DossierStatus.IN_PROCESSING)
    request = request_create(
        dossier_pk=dossier.pk,
        dossier_code=dossier.display_key,
        agency=agency or province.commune,
        purpose=Purpose.SUBMISSION,
        amount=amount,
        description="Lệ phí cấp giấy chứng nhận",
        payer_name=f"Người nộp {ref}",
    )
    payment_settle(
        request=request,
        method=method,
        amount=amount,
        transaction_ref=ref,
        paid_at=when,
        gateway="counter" if method in (Method.CASH, Method.CARD) else "vnpay",
    )
    request.refresh_from_db()
    return request


def with_receipt(request: PaymentRequest, number: int) -> Receipt:
    book, _ = ReceiptBook.objects.get_or_create(
        agency=request.agency, form_symbol="01BLP0-001", series="AB-26E", year=2026
    )
    return Receipt.objects.create(
        request=request,
        book=book,
        number=number,
        issued_at=at(10, 12),
        file=ContentFile(b"%PDF-1.7 test receipt", name="r.pdf"),
        sha256="0" * 64,
        token=f"{number:032d}",
    )


@pytest.fixture
def day_of_payments(province):
    cash = paid(province, 30000, Method.CASH, at(10, 8, 5), "BL-1")
    card = paid(province, 50000, Method.CARD, at(10, 10, 30), "POS-9")
    online = paid(province, 120000, Method.GATEWAY, at(10, 23, 59), "14123456")
    with_receipt(cash, 12)
    before = paid(province, 7000, Method.CASH, at(9, 23, 59), "BL-0")
    after = paid(province, 8000, Method.CASH, at(11, 0, 0), "BL-2")
    elsewhere = paid(province, 9000, Method.CASH, at(10, 9), "BL-X", province.other_commune)
    # Paid the day before, refunded on the day: a refund of the day, not a payment.
    refunded = paid(province, 40000, Method.TRANSFER, at(9, 14), "FT77")
    request_refund(
        request=refunded,
        actor=province.users[Role.RECEPTION_OFFICER],
        refund_ref="UNC-5",
        refunded_at=at(10, 15),
        through="officer",
    )
    return {
        "in": [cash, card, online],
        "out": [before, after, elsewhere],
        "refunded": refunded,
    }


def read(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def row_of(rows: list[list], text: str) -> list:
    return next(row for row in rows if text in [str(cell) for cell in row])


def test_the_day_lists_the_payments_the_totals_and_the_refunds(province, day_of_payments):
    with translation.override("en"):
        rows = read(collection_xlsx(agencies=[province.commune], day=DAY, language="en"))
    codes = [row[2] for row in rows]
    for request in day_of_payments["in"]:
        line = row_of(rows, request.transaction_ref)
        assert line[2] == request.dossier_code
        assert line[3] == request.payer_name
        assert line[8] == request.amount
    for request in day_of_payments["out"]:
        assert request.transaction_ref not in [str(cell) for row in rows for cell in row]
    cash = row_of(rows, "BL-1")
    assert cash[1] == at(10, 8, 5).replace(tzinfo=None)
    assert cash[5] == "Cash at the counter"
    assert cash[7] == "AB-26E 0000012"
    assert row_of(rows, "Total Cash at the counter (1)")[8] == 30000
    assert row_of(rows, "Total Card at the counter (1)")[8] == 50000
    assert row_of(rows, "Total Online payment gateway (1)")[8] == 120000
    assert row_of(rows, "TOTAL COLLECTED")[8] == 200000
    refund = row_of(rows, "UNC-5")
    assert refund[2] == day_of_payments["refunded"].dossier_code
    assert refund[8] == 40000
    assert rows.index(refund) > rows.index(row_of(rows, "TOTAL COLLECTED"))
    assert row_of(rows, "TOTAL REFUNDED")[8] == 40000
    assert codes.count(day_of_payments["refunded"].dossier_code) == 1  # not among the payments
    assert day_of_payments["refunded"].status == PaymentStatus.REFUNDED


def test_a_quiet_day_says_so(province):
    with translation.override("en"):
        rows = read(collection_xlsx(agencies=[province.commune], day=DAY, language="en"))
    assert row_of(rows, "Nothing was collected on this day.")
    assert row_of(rows, "TOTAL COLLECTED")[8] == 0


def test_the_page_gives_the_xlsx_of_the_officers_agency(client, province, day_of_payments):
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    url = reverse("backoffice:payment-report")
    form = client.get(url)
    assert form.status_code == 200 and 'type="date"' in form.content.decode()
    response = client.get(url, {"agency": province.commune.slug, "day": "2026-03-10"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "bao-cao-thu-2026-03-10.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [province.commune.name]
    cells = [str(c) for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "BL-1" in cells and "BL-X" not in cells


def test_the_page_refuses_another_agency_and_a_bad_day(client, province):
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    url = reverse("backoffice:payment-report")
    other = client.get(url, {"agency": province.other_commune.slug, "day": "2026-03-10"})
    bad_day = client.get(url, {"day": "2026-02-31"})
    assert (other.status_code, bad_day.status_code) == (400, 400)
    assert other["Content-Type"].startswith("text/html")


def test_the_receipt_opens_for_the_officer_only(client, province, day_of_payments):
    cash = day_of_payments["in"][0]
    url = reverse("backoffice:payment-receipt", args=[cash.dossier_code, cash.pk])
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(province.users["outsider"])
    assert client.get(url).status_code == 404
    card = day_of_payments["in"][1]  # no receipt yet
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    no_receipt = reverse("backoffice:payment-receipt", args=[card.dossier_code, card.pk])
    assert client.get(no_receipt).status_code == 404
