"""E-receipts for fees and charges (biên lai thu phí, lệ phí điện tử; Decree 123/2020/NĐ-CP
Art. 30-35, reference/wave2.md §3): their books, their numbers and their PDFs.

`receipt_issue` gives a paid request its receipt, once:

1. Numbering (a short transaction, the request and the book rows locked): the agency's book for
   the year of issue (Vietnam time) gives the next number (Art. 32(2)(c): 7 digits, from 1 on
   1 January to 31 December). The receipt row is created then, so a number is never given twice
   nor skipped.
2. The PDF, outside any lock (rendering takes a third of a second; the organisation's signature
   asks a time-stamping authority): the template `payments/receipt.html` in Vietnamese whatever
   the language of the caller, signed with the collecting agency's organisation credential
   when it has one. Without one, or when signing fails, the receipt is unsigned and says so.
3. Storing it (a short transaction): the file, its SHA-256, whether it is signed, and one event
   "payment.receipt_issued" in the dossier's audit chain.

A process killed between 1 and 3 leaves a numbered receipt without a file; `receipt_issue`
called again (the worker's sweep, `receipts_incomplete`) finishes it under the same number.

Payments sits beside documents in the layers (pyproject's import contract) and may not import
it, so the caller gives the PDF machinery as a `Press`: dossiers.payment_receipts gives
documents.pdf.render_pdf and the organisation's signature of dossiers.results.

The year of a book: Art. 32(2)(b) puts the last two digits of the year in the receipt's symbol
(ký hiệu), e.g. "BL-25E". A year with no book of its own continues the agency's latest book:
same form number (ký hiệu mẫu), and the same symbol with the last occurrence of the old year's
two digits replaced by the new year's ("BL-25E" → "BL-26E"; a symbol without them is kept as
it is). The book's year is the year the receipts are issued in, as the decree counts it.
"""

import hashlib
import logging
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency
from motcua.core.errors import DomainError
from motcua.core.text import money

from .constants import Method, PaymentStatus
from .models import PaymentRequest, Receipt, ReceiptBook
from .services import record
from .words import amount_in_words

log = logging.getLogger(__name__)

TEMPLATE = "payments/receipt.html"
LANGUAGE = "vi"  # a receipt is a Vietnamese accounting document
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# Where the organisation's signature is drawn (PDF points from the bottom left of the A5 page,
# 419.5 x 595.3): under the collector, in the band the template keeps free below the content.
SEAL_BOX = (190.0, 36.0, 405.0, 116.0)
FIELD_NAME = "MotCuaReceiptSignature"


class Sign(Protocol):
    """Signs a receipt's PDF with the agency's organisation credential: the signed PDF, or
    None when signing failed (the caller logs why)."""

    def __call__(
        self, pdf: bytes, *, number: str, box: tuple[float, float, float, float]
    ) -> bytes | None: ...


@dataclass(frozen=True)
class Press:
    """The PDF machinery, given by the caller (see the module doc)."""

    render: Callable[[str, dict[str, Any]], bytes]  # template name, context → PDF
    signer: Callable[[Agency], Sign | None]  # the agency's organisation signature, if any


# --- books and numbers ------------------------------------------------------------------------


def local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(VIETNAM)


def series_for_year(series: str, from_year: int, to_year: int) -> str:
    """The symbol `series` of `from_year`'s book for `to_year` (see the module doc)."""
    old, new = f"{from_year % 100:02d}", f"{to_year % 100:02d}"
    at = series.rfind(old)
    return series if at < 0 else series[:at] + new + series[at + 2 :]


def book_for(agency: Agency, year: int) -> ReceiptBook:
    """The agency's book for `year`, continued from its latest earlier one when it has none;
    DomainError "no_receipt_book" when the agency has no book at all."""
    books = ReceiptBook.objects.filter(agency=agency)
    book = books.filter(year=year).order_by("-id").first()
    if book is not None:
        return book
    earlier = books.filter(year__lt=year).order_by("-year", "-id").first()
    if earlier is None:
        raise DomainError(
            _(
                "%(agency)s has no e-receipt book: an administrator must enter its form number "
                "and symbol (Decree 123/2020, Art. 32) before receipts can be issued."
            )
            % {"agency": agency.name},
            code="no_receipt_book",
        )
    try:
        with transaction.atomic():
            book, _created = ReceiptBook.objects.get_or_create(
                agency=agency,
                form_symbol=earlier.form_symbol,
                series=series_for_year(earlier.series, earlier.year, year),
                year=year,
            )
    except IntegrityError:  # another process opened it just now
        book = books.filter(year=year).order_by("-id").first() or book_for(agency, year)
    return book


def _number(request: PaymentRequest, at: datetime) -> Receipt:
    """Step 1: the receipt row with the next number of the book (see the module doc)."""
    with transaction.atomic():
        locked = PaymentRequest.objects.select_for_update().get(pk=request.pk)
        existing = Receipt.objects.filter(request=locked).select_related("book").first()
        if existing is not None:
            return existing
        if locked.status != PaymentStatus.PAID:
            raise DomainError(
                _("Only a paid request gets a receipt (this one is “%(status)s”).")
                % {"status": locked.get_status_display()},
                code="not_paid",
            )
        year = local(at).year
        book = ReceiptBook.objects.select_for_update().get(pk=book_for(locked.agency, year).pk)
        book.last_number += 1
        book.save(update_fields=["last_number"])
        return Receipt.objects.create(
            request=locked,
            book=book,
            number=book.last_number,
            issued_at=at,
            token=secrets.token_urlsafe(24),
        )


# --- issuing ----------------------------------------------------------------------------------


def receipt_issue(
    *,
    request: PaymentRequest,
    at: datetime,
    collector_name: str,
    press: Press,
    fee_lines: list[tuple[str, int]] | None = None,
) -> Receipt:
    """The receipt of the paid `request`, issued at `at` (the one it has, if it has one; see
    the module doc). `fee_lines` (what was paid for, and how much) default to the request's
    description and amount. DomainError "no_receipt_book" or "not_paid" changes nothing."""
    receipt = _number(request, at)
    if receipt.file:
        return receipt
    request = receipt.request
    lines = fee_lines or [(request.description, request.amount)]
    sign = press.signer(request.agency)
    pdf, signed = _print(press, receipt, lines, collector_name, sign)
    return _store(receipt, pdf, signed)


def _print(
    press: Press,
    receipt: Receipt,
    lines: list[tuple[str, int]],
    collector_name: str,
    sign: Sign | None,
) -> tuple[bytes, bool]:
    """Step 2: the PDF, signed when the agency can sign it, else marked unsigned."""
    if sign is not None:
        pdf = _render(press, receipt, lines, collector_name, signed=True)
        signed = sign(pdf, number=_number_label(receipt), box=SEAL_BOX)
        if signed is not None:
            return signed, True
        log.warning("receipt %s issued unsigned: signing failed", receipt.pk)
    return _render(press, receipt, lines, collector_name, signed=False), False


def _store(receipt: Receipt, pdf: bytes, signed: bool) -> Receipt:
    """Step 3: the file, its hash and the audit event, unless another process finished the
    receipt meanwhile (then its file stays and ours goes)."""
    name = f"bien-lai-{receipt.book.year}-{receipt.number:07d}-{uuid.uuid4().hex[:12]}.pdf"
    stored = None
    try:
        with transaction.atomic():
            row = (
                Receipt.objects.select_for_update()
                .select_related("book", "request")
                .get(pk=receipt.pk)
            )
            if row.file:
                return row
            row.file.save(name, ContentFile(pdf), save=False)
            stored = row.file.name
            row.sha256 = hashlib.sha256(pdf).hexdigest()
            row.signed = signed
            row.save(update_fields=["file", "sha256", "signed"])
            record(
                row.request,
                "receipt_issued",
                book=str(row.book),
                form_symbol=row.book.form_symbol,
                series=row.book.series,
                number=row.number_text,
                signed=signed,
                sha256=row.sha256,
                issued_at=row.issued_at.isoformat(),
            )
    except BaseException:
        if stored:
            row.file.storage.delete(stored)
        raise
    return row


# --- the document -----------------------------------------------------------------------------


def _moment(moment: datetime | None) -> str:
    return local(moment).strftime("%H:%M:%S %d/%m/%Y") if moment else ""


def _number_label(receipt: Receipt) -> str:
    return f"{receipt.book.series} {receipt.number_text}"


def _method(request: PaymentRequest) -> str:
    label = str(Method(request.method).label) if request.method in Method.values else ""
    return f"{label} ({request.gateway.upper()})" if request.gateway else label


def receipt_context(
    receipt: Receipt, lines: list[tuple[str, int]], collector_name: str, *, signed: bool
) -> dict[str, Any]:
    """What the receipt's template shows (call inside the receipt's language)."""
    request = receipt.request
    agency = request.agency
    issued = local(receipt.issued_at)
    total = sum(amount for _name, amount in lines)
    return {
        "agency": {"name": agency.name, "parent": agency.parent.name if agency.parent else ""},
        "form_symbol": receipt.book.form_symbol,
        "series": receipt.book.series,
        "number": receipt.number_text,
        "payer_name": request.payer_name,
        "payer_id_number": request.payer_id_number,
        "dossier_code": request.dossier_code,
        "reference": request.reference,
        "legal_basis": request.legal_basis,
        "lines": [
            {"no": i, "name": name, "amount": money(amount)}
            for i, (name, amount) in enumerate(lines, start=1)
        ],
        "total": money(total),
        "total_words": amount_in_words(total),
        "method": _method(request),
        "transaction_ref": request.transaction_ref,
        "paid_at": _moment(request.paid_at),
        "issued_at": _moment(receipt.issued_at),
        "dated": _("Issued on %(day)02d/%(month)02d/%(year)d")
        % {"day": issued.day, "month": issued.month, "year": issued.year},
        "collector_name": collector_name,
        "signed": signed,
    }


def _render(
    press: Press,
    receipt: Receipt,
    lines: list[tuple[str, int]],
    collector_name: str,
    *,
    signed: bool,
) -> bytes:
    with translation.override(LANGUAGE):
        context = receipt_context(receipt, lines, collector_name, signed=signed)
        return press.render(TEMPLATE, context)


# --- reads ------------------------------------------------------------------------------------

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


def receipt_by_token(token: str) -> Receipt | None:
    """The issued receipt with this public token (its file stored); None for anything else."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    return (
        Receipt.objects.select_related("book", "request", "request__agency")
        .filter(token=token)
        .exclude(file="")
        .first()
    )


def receipts_incomplete() -> list[int]:
    """The ids of paid requests without a finished receipt (none, or one whose PDF was never
    stored): what the worker's sweep issues again."""
    return list(
        PaymentRequest.objects.filter(status=PaymentStatus.PAID)
        .filter(Q(receipt__isnull=True) | Q(receipt__file=""))
        .order_by("paid_at", "id")
        .values_list("id", flat=True)
    )
