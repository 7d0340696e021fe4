"""The daily collection report (báo cáo thu trong ngày) as an XLSX workbook: for each agency,
one sheet with what was collected on one day, each paid request with its time, dossier, payer,
purpose, way, transaction number, receipt number and amount, the totals per way of payment and
overall, and below, the refunds made that day.

A request counts on the day it was paid (a request paid and later refunded still counts on
that day; its refund counts on the day of the refund). Days are days in Vietnam. The sheet is
written in the report language (Vietnamese), like the other reports (reporting.report)."""

import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from motcua.accounts.models import Agency
from motcua.deadlines.calendar import VN_TZ, local
from motcua.payments.constants import Method, PaymentStatus
from motcua.payments.models import PaymentRequest, Receipt

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_LANGUAGE = "vi"
MONEY_FORMAT = "#,##0"
TIME_FORMAT = "hh:mm"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = (6, 8, 28, 26, 34, 22, 22, 18, 14)  # No., time, code, payer, for, way, txn, receipt, đ


@dataclass(frozen=True)
class Line:
    at: datetime  # local time
    dossier_code: str
    payer: str
    purpose: str
    method: str
    reference: str  # the transaction number, or the refund's reference
    receipt: str
    amount: int


@dataclass
class AgencyDay:
    agency: Agency
    day: date
    paid: list[Line] = field(default_factory=list)
    refunds: list[Line] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.paid)

    @property
    def refunded(self) -> int:
        return sum(line.amount for line in self.refunds)

    def per_method(self) -> list[tuple[str, int, int]]:
        """(way of payment, count, amount) in the order of Method."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for line in self.paid:
            counts[line.method][0] += 1
            counts[line.method][1] += line.amount
        labels = [str(label) for label in Method.labels]
        return [(label, counts[label][0], counts[label][1]) for label in labels if label in counts]


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=VN_TZ)
    return start, start + timedelta(days=1)


def _receipt_text(request: PaymentRequest) -> str:
    try:
        receipt: Receipt = request.receipt  # type: ignore[attr-defined]
    except Receipt.DoesNotExist:
        return ""
    return f"{receipt.book.series} {receipt.number_text}"


def _line(request: PaymentRequest, at: datetime | None, reference: str) -> Line:
    assert at is not None
    return Line(
        at=local(at).replace(tzinfo=None),
        dossier_code=request.dossier_code,
        payer=request.payer_name,
        purpose=request.description or request.get_purpose_display(),
        method=request.get_method_display() if request.method else "",
        reference=reference,
        receipt=_receipt_text(request),
        amount=request.amount,
    )


def _requests() -> QuerySet[PaymentRequest]:
    return PaymentRequest.objects.select_related("receipt__book")


def collection_day(*, agency: Agency, day: date) -> AgencyDay:
    """What `agency` collected and refunded on `day`."""
    start, end = _bounds(day)
    paid = _requests().filter(
        agency=agency,
        status__in=[PaymentStatus.PAID, PaymentStatus.REFUNDED],
        paid_at__gte=start,
        paid_at__lt=end,
    )
    refunds = _requests().filter(
        agency=agency,
        status=PaymentStatus.REFUNDED,
        refunded_at__gte=start,
        refunded_at__lt=end,
    )
    return AgencyDay(
        agency=agency,
        day=day,
        paid=[_line(r, r.paid_at, r.transaction_ref) for r in paid.order_by("paid_at", "id")],
        refunds=[
            _line(r, r.refunded_at, r.refund_ref) for r in refunds.order_by("refunded_at", "id")
        ],
    )


def report_filename(day: date) -> str:
    return f"bao-cao-thu-{day.isoformat()}.xlsx"


def collection_xlsx(
    *, agencies: Iterable[Agency], day: date, language: str = REPORT_LANGUAGE
) -> bytes:
    """The workbook: one sheet per agency (in the given order)."""
    with translation.override(language):
        workbook = Workbook(write_only=True)
        used: set[str] = set()
        for agency in agencies:
            report = collection_day(agency=agency, day=day)
            sheet = workbook.create_sheet(_sheet_title(agency, used))
            _sheet_setup(sheet)
            for row in _sheet_rows(sheet, report):
                sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _sheet_title(agency: Agency, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = "".join(" " if c in "[]:*?/\\" else c for c in agency.name)[:28].strip() or "-"
    title, number = base, 2
    while title.lower() in used:
        title, number = f"{base[:26]} ({number})", number + 1
    used.add(title.lower())
    return title


def _sheet_setup(sheet: Worksheet) -> None:
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "&P / &N"


def _headings() -> list[str]:
    return [
        _("No."),
        _("Time"),
        _("Dossier code"),
        _("Payer"),
        _("What for"),
        _("Paid by"),
        _("Transaction number"),
        _("Receipt number"),
        _("Amount (đồng)"),
    ]


def _sheet_rows(sheet: Worksheet, report: AgencyDay) -> Iterator[list[Any]]:
    def cell(value: Any, **style: Any) -> WriteOnlyCell:
        item = WriteOnlyCell(sheet, value=_clean(value))
        if isinstance(item.value, str):
            item.data_type = "s"  # never a formula
        for name, setting in style.items():
            setattr(item, name, setting)
        return item

    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top = Alignment(vertical="top", wrap_text=True)
    width = len(WIDTHS)
    last = get_column_letter(width)

    yield [cell(report.agency.name.upper(), font=bold)]
    yield [cell(_("DAILY COLLECTION REPORT"), font=Font(bold=True, size=14), alignment=center)]
    sheet.merged_cells.add(f"A2:{last}2")
    yield [
        cell(
            _("Fees and charges collected on %(day)s") % {"day": report.day.strftime("%d/%m/%Y")},
            font=Font(italic=True),
            alignment=center,
        )
    ]
    sheet.merged_cells.add(f"A3:{last}3")
    yield []

    def table(lines: list[Line], headings: list[str]) -> Iterator[list[Any]]:
        yield [cell(h, font=bold, alignment=center, border=BORDER) for h in headings]
        for number, line in enumerate(lines, start=1):
            yield [
                cell(number, alignment=top, border=BORDER),
                cell(line.at, number_format=TIME_FORMAT, alignment=top, border=BORDER),
                cell(line.dossier_code, alignment=top, border=BORDER),
                cell(line.payer, alignment=top, border=BORDER),
                cell(line.purpose, alignment=top, border=BORDER),
                cell(line.method, alignment=top, border=BORDER),
                cell(line.reference or None, alignment=top, border=BORDER, number_format="@"),
                cell(line.receipt or None, alignment=top, border=BORDER, number_format="@"),
                cell(line.amount, number_format=MONEY_FORMAT, alignment=top, border=BORDER),
            ]

    def total(label: str, amount: int, *, strong: bool = False) -> list[Any]:
        font = bold if strong else Font()
        return [
            cell(label, font=font),
            *[None] * (width - 2),
            cell(amount, number_format=MONEY_FORMAT, font=font),
        ]

    yield [cell(_("I. Payments received"), font=bold)]
    yield from table(report.paid, _headings())
    if not report.paid:
        yield [cell(_("Nothing was collected on this day."), font=Font(italic=True))]
    for label, count, amount in report.per_method():
        yield total(_("Total %(way)s (%(count)s)") % {"way": label, "count": count}, amount)
    yield total(_("TOTAL COLLECTED"), report.total, strong=True)
    yield []

    refund_headings = _headings()
    refund_headings[6] = _("Refund reference")
    yield [cell(_("II. Refunds made"), font=bold)]
    yield from table(report.refunds, refund_headings)
    if not report.refunds:
        yield [cell(_("No refund was made on this day."), font=Font(italic=True))]
    yield total(_("TOTAL REFUNDED"), report.refunded, strong=True)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    return value
