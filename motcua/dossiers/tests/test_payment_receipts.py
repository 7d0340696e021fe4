"""Delivering e-receipts (dossiers.payment_receipts): the real PDF read back with pdftotext and
drawn with pdftoppm, the organisation's signature verified, the applicant's e-warehouse and
notices, and calling it twice."""

import subprocess
from datetime import datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.documents.signing.verification import verify_pdf
from motcua.dossiers import payment_receipts
from motcua.dossiers.constants import DossierStatus, FilePurpose
from motcua.dossiers.models import DossierFee, DossierFile
from motcua.dossiers.warehouse_models import DocumentKind, WarehouseDocument
from motcua.notifications.models import Message
from motcua.payments.constants import Method, Purpose
from motcua.payments.models import Receipt, ReceiptBook
from motcua.payments.receipts import VIETNAM
from motcua.payments.services import request_create, request_mark_paid

from .conftest import Province, dossier_in_status
from .results_scenes import organisation_credential

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 2, 9, 30, tzinfo=VIETNAM)
PAID_AT = datetime(2026, 3, 2, 9, 15, 42, tzinfo=VIETNAM)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.example.vn"
    settings.MOTCUA_NOTIFY_DEFAULT_CHANNELS = ("email", "sms", "inbox")


@pytest.fixture(autouse=True)
def english():
    """The officer's page is in English: the receipt is still Vietnamese."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(AT, tick=False):
        yield


@pytest.fixture
def book(province: Province) -> ReceiptBook:
    return ReceiptBook.objects.create(
        agency=province.commune, form_symbol="01BLP0-001", series="BL-26E", year=2026
    )


def paid(province: Province):
    """A dossier whose two fees (1.250.000 đ) were paid through the gateway."""
    dossier = dossier_in_status(province, DossierStatus.IN_PROCESSING)
    dossier.applicant_id_number = "022090001234"
    dossier.applicant_email = "an.nguyen@example.vn"
    dossier.applicant_phone = "0912345678"
    dossier.save()
    request = request_create(
        dossier_pk=dossier.pk,
        dossier_code=dossier.display_key,
        agency=province.commune,
        purpose=Purpose.SUBMISSION,
        amount=1_250_000,
        description="Lệ phí cấp giấy chứng nhận; Phí thẩm định",
        payer_name=dossier.applicant_name,
        payer_id_number=dossier.applicant_id_number,
    )
    for description, amount in (
        ("Lệ phí cấp giấy chứng nhận", 1_000_000),
        ("Phí thẩm định", 250_000),
    ):
        DossierFee.objects.create(
            dossier=dossier,
            description=description,
            amount=amount,
            purpose=Purpose.SUBMISSION,
            payment_request=request,
        )
    request_mark_paid(
        request=request,
        method=Method.GATEWAY,
        gateway="vnpay",
        transaction_ref="14234567",
        paid_at=PAID_AT,
    )
    return dossier, request


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(result.stdout.split())


def stored(receipt) -> bytes:
    with default_storage.open(receipt.file.name, "rb") as handle:
        return bytes(handle.read())


def in_vietnamese(text: str) -> str:
    with translation.override("vi"):
        return _(text)


def test_the_receipt_shows_every_field(province, book, tmp_path):
    dossier, request = paid(province)

    receipt = payment_receipts.receipt_deliver(request_id=request.pk)

    assert receipt is not None and receipt.signed is False
    text = pdf_text(stored(receipt), tmp_path)
    expected = [
        in_vietnamese("RECEIPT OF FEES AND CHARGES"),
        in_vietnamese("(Display copy of the electronic receipt)"),
        in_vietnamese("Form number:") + " 01BLP0-001",
        in_vietnamese("Symbol:") + " BL-26E",
        in_vietnamese("Number:") + " 0000001",
        in_vietnamese("Collecting agency:") + " Cơ quan xa-a",
        in_vietnamese("Payer:") + " Nguyễn Văn An",
        in_vietnamese("ID number:") + " 022090001234",
        in_vietnamese("Dossier code:") + f" {dossier.code}",
        "Lệ phí cấp giấy chứng nhận 1.000.000",
        "Phí thẩm định 250.000",
        "1.250.000 đ",
        in_vietnamese("Amount in words:") + " Một triệu hai trăm năm mươi nghìn đồng",
        in_vietnamese("Paid by:"),
        "(VNPAY)",
        in_vietnamese("Transaction number:") + " 14234567",
        in_vietnamese("Payment reference:") + f" {request.reference}",
        in_vietnamese("Paid at:") + " 09:15:42 02/03/2026",
        in_vietnamese("Issued at:") + " 09:30:00 02/03/2026",
        in_vietnamese("Collector"),
        in_vietnamese("This receipt is not digitally signed"),
    ]
    missing = [item for item in expected if item not in text]
    assert not missing, text


def test_the_page_is_drawn(province, book, tmp_path):
    """Page 1 as PNG (tmp_path/receipt-1.png), to look at the layout; one A5 page."""
    _dossier, request = paid(province)
    receipt = payment_receipts.receipt_deliver(request_id=request.pk)
    assert receipt is not None
    path = tmp_path / "receipt.pdf"
    path.write_bytes(stored(receipt))
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    assert "Pages:           1" in info.stdout
    assert "419.528 x 595.276 pts" in info.stdout  # A5
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "110",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(tmp_path / "receipt"),
        ],
        check=True,
    )
    png = next(tmp_path.glob("receipt-1.png"))
    assert png.stat().st_size > 10_000


def test_signed_with_the_organisation_credential_and_it_verifies(
    province, book, trust_store, tmp_path
):
    organisation_credential(trust_store, province.commune)
    _dossier, request = paid(province)

    receipt = payment_receipts.receipt_deliver(request_id=request.pk)

    assert receipt is not None and receipt.signed is True
    data = stored(receipt)
    report = verify_pdf(data)
    assert report.valid, report.problem
    assert len(report.signatures) == 1
    text = pdf_text(data, tmp_path)
    assert in_vietnamese("This receipt is not digitally signed") not in text
    document = WarehouseDocument.objects.get(kind=DocumentKind.RECEIPT)
    assert document.signed is True


def test_delivered_twice_one_receipt_one_document_one_notice_each(province, book):
    dossier, request = paid(province)

    first = payment_receipts.receipt_deliver(request_id=request.pk)
    again = payment_receipts.receipt_deliver(request_id=request.pk)

    assert first is not None and again is not None and again.pk == first.pk
    assert Receipt.objects.count() == 1
    file = DossierFile.objects.get(dossier=dossier, purpose=FilePurpose.RECEIPT)
    assert file.file.name == first.file.name and file.sha256 == first.sha256
    document = WarehouseDocument.objects.get()
    assert (document.owner, document.kind, document.source_file) == (
        province.users["citizen"],
        DocumentKind.RECEIPT,
        file,
    )
    assert document.number_notation == "BL-26E 0000001"
    assert document.issuer == "Cơ quan xa-a"
    messages = Message.objects.filter(idempotency_key__startswith=f"receipt-{first.pk}-")
    assert sorted(messages.values_list("channel", flat=True)) == ["email", "inbox", "sms"]
    inbox = messages.get(channel="inbox")
    assert inbox.data["link"] == f"/bien-lai/{first.token}/"
    email = messages.get(channel="email")
    assert f"https://dichvucong.example.vn/bien-lai/{first.token}/" in email.body
    assert "0000001" in email.subject
    assert [a["name"] for a in email.attachments] == ["bien-lai-BL-26E-0000001.pdf"]
    assert payment_receipts.receipts_missing() == []


def test_an_unpaid_request_gets_nothing(province, book):
    dossier = dossier_in_status(province, DossierStatus.IN_PROCESSING)
    request = request_create(
        dossier_pk=dossier.pk, dossier_code=dossier.display_key, agency=province.commune,
        purpose=Purpose.SUBMISSION, amount=1000, description="Phí", payer_name="An",
    )  # fmt: skip
    assert payment_receipts.receipt_deliver(request_id=request.pk) is None
    assert not Receipt.objects.exists() and not Message.objects.exists()


def test_without_a_book_the_sweep_keeps_it(province):
    _dossier, request = paid(province)
    with pytest.raises(Exception) as error:
        payment_receipts.receipt_deliver(request_id=request.pk)
    assert getattr(error.value, "code", "") == "no_receipt_book"
    assert payment_receipts.receipts_missing() == [request.pk]
    assert not Message.objects.filter(idempotency_key__startswith="receipt-").exists()


def test_the_notice_is_registered_with_a_sample():
    from motcua.notifications.notice_templates import get_event, render_notice

    event = get_event(payment_receipts.NOTICE)
    context = event.sample_context()
    for channel in event.channels:
        rendered = render_notice(event=event.event, channel=channel, language="vi", context=context)
        assert "0000001" in rendered.body
