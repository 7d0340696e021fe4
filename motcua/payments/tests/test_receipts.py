"""E-receipts (payments.receipts): books and numbers by year, issuing once, signed or marked
unsigned, finishing a receipt a killed process left without its file, the public token.

Payments may not import documents (the layers contract), so these tests give `receipt_issue` a
press that renders the template to HTML and a signer that stands in for the organisation's;
the real PDF and signature are tested with the orchestrator (dossiers/tests/
test_payment_receipts.py)."""

import hashlib
from datetime import datetime

import pytest
import time_machine
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.accounts.constants import AgencyKind, Level
from motcua.accounts.models import Agency
from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.payments import receipts
from motcua.payments.constants import Method, Purpose
from motcua.payments.models import Receipt, ReceiptBook
from motcua.payments.services import request_create, request_mark_paid

pytestmark = pytest.mark.django_db

VN = receipts.VIETNAM


def vn(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def agency() -> Agency:
    return Agency.objects.create(
        slug="xa-a", identifier="000.00.01.H49", name="UBND xã A", kind=AgencyKind.COMMUNE_PC,
        level=Level.COMMUNE,
    )  # fmt: skip


@pytest.fixture
def book(agency) -> ReceiptBook:
    return ReceiptBook.objects.create(
        agency=agency, form_symbol="01BLP0-001", series="BL-25E", year=2025
    )


class Press:
    """Renders the template to HTML (the real template, in the receipt's language) and signs
    by appending a mark, or fails to sign."""

    def __init__(self, *, can_sign: bool = False, signing_works: bool = True) -> None:
        self.can_sign, self.signing_works = can_sign, signing_works
        self.rendered: list[str] = []
        self.language: list[str] = []

    def render(self, template: str, context: dict) -> bytes:
        self.language.append(translation.get_language())
        html = render_to_string(template, context)
        self.rendered.append(html)
        return html.encode()

    def sign(self, pdf: bytes, *, number: str, box: tuple) -> bytes | None:
        return pdf + f"<!-- signed {number} -->".encode() if self.signing_works else None

    def signer(self, agency: Agency):
        return self.sign if self.can_sign else None

    def press(self) -> receipts.Press:
        return receipts.Press(render=self.render, signer=self.signer)


class Killed(Press):
    """The process dies while rendering."""

    def render(self, template: str, context: dict) -> bytes:
        raise OSError("killed")


def paid_request(agency: Agency, *, at: datetime, amount: int = 50000, n: int = 1):
    request = request_create(
        dossier_pk=100 + n,
        dossier_code=f"000.00.01.H49-251231-{n:04d}",
        agency=agency,
        purpose=Purpose.SUBMISSION,
        amount=amount,
        description="Lệ phí đăng ký",
        payer_name="Nguyễn Văn An",
        payer_id_number="022090001234",
    )
    request_mark_paid(
        request=request, method=Method.GATEWAY, gateway="vnpay", transaction_ref=f"T{n}", paid_at=at
    )
    return request


def issue(request, *, at: datetime, press: Press | None = None, **kwargs) -> Receipt:
    return receipts.receipt_issue(
        request=request,
        at=at,
        collector_name="UBND xã A",
        press=(press or Press()).press(),
        **kwargs,
    )


# --- numbers ----------------------------------------------------------------------------------


def test_numbers_run_through_the_year_and_restart_on_1_january(agency, book):
    numbers = []
    with time_machine.travel(vn(2025, 12, 31, 23, 58), tick=False) as clock:
        for n in range(1, 4):
            request = paid_request(agency, at=vn(2025, 12, 31, 23, 58), n=n)
            numbers.append(issue(request, at=vn(2025, 12, 31, 23, 58)))
        clock.move_to(vn(2026, 1, 1, 0, 1))
        request = paid_request(agency, at=vn(2026, 1, 1, 0, 1), n=4)
        new_year = issue(request, at=vn(2026, 1, 1, 0, 1))

    assert [(r.book_id, r.number_text) for r in numbers] == [
        (book.pk, "0000001"),
        (book.pk, "0000002"),
        (book.pk, "0000003"),
    ]
    assert new_year.number_text == "0000001"
    assert (new_year.book.form_symbol, new_year.book.series, new_year.book.year) == (
        "01BLP0-001",
        "BL-26E",
        2026,
    )
    book.refresh_from_db()
    assert book.last_number == 3 and new_year.book.last_number == 1


def test_the_year_is_vietnam_time(agency, book):
    """23:30 UTC on 31 Dec is 06:30 on 1 Jan in Vietnam: the new year's book."""
    at = datetime.fromisoformat("2025-12-31T23:30:00+00:00")
    with time_machine.travel(at, tick=False):
        receipt = issue(paid_request(agency, at=at), at=at)
    assert receipt.book.year == 2026


def test_two_requests_never_get_the_same_number(agency, book):
    at = vn(2025, 6, 1, 9)
    with time_machine.travel(at, tick=False):
        first = issue(paid_request(agency, at=at, n=1), at=at)
        second = issue(paid_request(agency, at=at, n=2), at=at)
    assert first.number != second.number
    with pytest.raises(IntegrityError):
        Receipt.objects.create(
            request=paid_request(agency, at=at, n=3), book=book, number=first.number,
            issued_at=at, token="x" * 32,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("series", "from_year", "to_year", "expected"),
    [
        ("BL-25E", 2025, 2026, "BL-26E"),
        ("AB25", 2025, 2026, "AB26"),
        ("25-25E", 2025, 2026, "25-26E"),  # the last occurrence is the year
        ("BL-99E", 2099, 2100, "BL-00E"),
        ("BLE", 2025, 2026, "BLE"),  # no year in it: kept
        ("BL-24E", 2024, 2026, "BL-26E"),  # a year without receipts in between
    ],
)
def test_a_new_years_series(series, from_year, to_year, expected):
    assert receipts.series_for_year(series, from_year, to_year) == expected


def test_without_any_book_the_administrator_is_told(agency):
    at = vn(2025, 6, 1, 9)
    request = paid_request(agency, at=at)
    with pytest.raises(DomainError) as error:
        issue(request, at=at)
    assert error.value.code == "no_receipt_book"
    assert "UBND xã A" in error.value.message
    assert not Receipt.objects.exists() and not ReceiptBook.objects.exists()


def test_an_unpaid_request_gets_no_receipt(agency, book):
    request = request_create(
        dossier_pk=1, dossier_code="X", agency=agency, purpose=Purpose.SUBMISSION, amount=1000,
        description="Phí", payer_name="An",
    )  # fmt: skip
    with pytest.raises(DomainError) as error:
        issue(request, at=vn(2025, 6, 1, 9))
    assert error.value.code == "not_paid"
    assert not Receipt.objects.exists()
    book.refresh_from_db()
    assert book.last_number == 0


# --- issuing ----------------------------------------------------------------------------------


def test_issuing_twice_gives_the_same_receipt_and_one_event(agency, book):
    at = vn(2025, 6, 1, 9)
    press = Press()
    with time_machine.travel(at, tick=False):
        request = paid_request(agency, at=at)
        first = issue(request, at=at, press=press)
        again = issue(request, at=vn(2025, 6, 2, 9), press=press)
    assert again.pk == first.pk and again.number == 1 and len(press.rendered) == 1
    book.refresh_from_db()
    assert book.last_number == 1
    events = AuditEvent.objects.filter(chain=f"dossiers.dossier:{request.dossier_pk}")
    issued = events.filter(action="payment.receipt_issued")
    assert issued.count() == 1
    data = issued.get().data
    assert (data["book"], data["number"], data["signed"]) == (str(book), "0000001", False)
    assert data["sha256"] == first.sha256


def test_the_receipt_is_stored_with_its_hash_and_a_token(agency, book):
    at = vn(2025, 6, 1, 9)
    with time_machine.travel(at, tick=False):
        receipt = issue(paid_request(agency, at=at), at=at)
    data = receipt.file.read()
    assert hashlib.sha256(data).hexdigest() == receipt.sha256
    assert str(receipt.file.name).startswith("receipts/2025/06/bien-lai-2025-0000001-")
    assert len(receipt.token) == 32
    assert receipts.receipt_by_token(receipt.token) == receipt
    assert receipts.receipt_by_token("x" * 32) is None
    assert receipts.receipt_by_token("../etc") is None


def test_rendered_in_vietnamese_whatever_the_language(agency, book):
    at = vn(2025, 6, 1, 9)
    press = Press()
    with time_machine.travel(at, tick=False), translation.override("en"):
        issue(paid_request(agency, at=at), at=at, press=press)
    assert press.language == ["vi"]


def test_unsigned_without_a_credential_and_says_so(agency, book):
    at = vn(2025, 6, 1, 9)
    press = Press(can_sign=False)
    with time_machine.travel(at, tick=False):
        receipt = issue(paid_request(agency, at=at), at=at, press=press)
    assert receipt.signed is False
    with translation.override("vi"):
        assert _("This receipt is not digitally signed") in receipt.file.read().decode()


def test_signed_with_the_agencys_credential(agency, book):
    at = vn(2025, 6, 1, 9)
    press = Press(can_sign=True)
    with time_machine.travel(at, tick=False):
        receipt = issue(paid_request(agency, at=at), at=at, press=press)
    text = receipt.file.read().decode()
    assert receipt.signed is True
    assert text.endswith("<!-- signed BL-25E 0000001 -->")
    with translation.override("vi"):
        assert _("This receipt is not digitally signed") not in text


def test_when_signing_fails_it_is_issued_unsigned_and_marked(agency, book):
    at = vn(2025, 6, 1, 9)
    press = Press(can_sign=True, signing_works=False)
    with time_machine.travel(at, tick=False):
        receipt = issue(paid_request(agency, at=at), at=at, press=press)
    assert receipt.signed is False and len(press.rendered) == 2
    with translation.override("vi"):
        assert _("This receipt is not digitally signed") in receipt.file.read().decode()


def test_fee_lines_and_total(agency, book):
    at = vn(2025, 6, 1, 9)
    press = Press()
    lines = [("Lệ phí cấp giấy chứng nhận", 1_000_000), ("Phí thẩm định", 250_000)]
    with time_machine.travel(at, tick=False):
        request = paid_request(agency, at=at, amount=1_250_000)
        issue(request, at=at, press=press, fee_lines=lines)
    html = press.rendered[0]
    for text in ("Lệ phí cấp giấy chứng nhận", "1.000.000", "Phí thẩm định", "250.000"):
        assert text in html
    assert "1.250.000 đ" in html
    assert "Một triệu hai trăm năm mươi nghìn đồng" in html


def test_a_receipt_left_without_its_file_is_finished_under_its_number(agency, book):
    """A process killed after numbering: the sweep lists the request and issuing again
    finishes the same receipt."""
    at = vn(2025, 6, 1, 9)
    with time_machine.travel(at, tick=False):
        request = paid_request(agency, at=at)
        with pytest.raises(OSError):
            issue(request, at=at, press=Killed())
        left = Receipt.objects.get(request=request)
        assert (left.number, left.file.name) == (1, "")
        assert receipts.receipts_incomplete() == [request.pk]
        assert receipts.receipt_by_token(left.token) is None

        finished = issue(request, at=at)
    assert finished.pk == left.pk and finished.number == 1 and finished.file
    assert receipts.receipts_incomplete() == []
    book.refresh_from_db()
    assert book.last_number == 1
