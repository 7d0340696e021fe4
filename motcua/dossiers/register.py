"""The dossier tracking register (Mẫu 06, Sổ theo dõi hồ sơ, Circular 01/2018/TT-VPCP) of one
agency for a period, as rows, as a PDF and as an XLSX workbook (docs/slips.md).

The register lists the dossiers the agency **received** (accepted, `accepted_at`, by date in
Vietnam time) in the period, both days included, oldest first, among those the user may see
(`selectors.dossier_list_visible`). One row per dossier: code, procedure, number of sets,
applicant, address and phone, the lead agency, the dates (received, appointment, handed over
for processing, result ready, result returned), early / on time / late, a blank column for the
recipient's signature and notes. Nothing is written.

Like the slips, the PDF and the workbook are Vietnamese administrative documents: they come out
in Vietnamese whatever the language of the page that asks for them.
"""

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, User
from motcua.catalogue.constants import Channel
from motcua.core.errors import ValidationFailed
from motcua.deadlines.calendar import VN_TZ, local
from motcua.documents.pdf import render_pdf

from .constants import PAUSED_STATUSES, DossierStatus
from .models import Dossier, StepRecord
from .selectors import dossier_list_visible
from .slips import JUDGEMENTS, SLIP_LANGUAGE, Moment

FORM_NUMBER = "06"
TEMPLATE = "slips/register.html"
MAX_DAYS = 366  # the longest period, both days counted: a leap year
MAX_PDF_ROWS = 3000  # about 200 A4 pages; longer registers are split by period
MAX_XLSX_ROWS = 50000
SETS = 1  # one dossier is one set (bộ) of papers, as on the receipt (Mẫu 01)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"

TITLE = gettext_lazy("DOSSIER TRACKING REGISTER")
NOTE_CHANNELS = {Channel.ONLINE, Channel.POST}  # the counter is the rule, the others are noted
NOTE_STATUSES = PAUSED_STATUSES | {DossierStatus.WITHDRAWN}


@dataclass(frozen=True)
class Column:
    key: str  # a RegisterRow attribute
    label: Any  # lazy
    width: float  # XLSX width (characters); the PDF's widths are in the template
    kind: str = "text"  # text | number | date


DATES_LABEL = gettext_lazy("Day, month, year")
COLUMNS: tuple[Column, ...] = (
    Column("number", gettext_lazy("No."), 5, "number"),
    Column("code", gettext_lazy("Dossier code"), 16),
    Column("procedure", gettext_lazy("Administrative procedure"), 30),
    Column("sets", gettext_lazy("Number of sets"), 8, "number"),
    Column("applicant", gettext_lazy("Individual or organisation"), 20),
    Column("contact", gettext_lazy("Address, phone number"), 24),
    Column("lead_agency", gettext_lazy("Lead processing agency"), 18),
    Column("received", gettext_lazy("Dossier received"), 11, "date"),
    Column("appointment", gettext_lazy("Appointment for the result"), 11, "date"),
    Column("transferred", gettext_lazy("Handed over for processing"), 11, "date"),
    Column("processed", gettext_lazy("Result received from the processing agency"), 11, "date"),
    Column("returned", gettext_lazy("Result returned to the applicant"), 11, "date"),
    Column("judgement", gettext_lazy("Early / on time / late"), 10),
    Column("signature", gettext_lazy("Signature of the recipient"), 12),
    Column("note", gettext_lazy("Notes"), 18),
)


@dataclass(frozen=True)
class RegisterRow:
    """One dossier in the register. Dates are days in Vietnam time; `judgement` and `note`
    are in the language active when the row was built."""

    number: int
    key: str  # the dossier's code (the back office addresses it by it)
    code: str
    procedure: str
    national_code: str
    sets: int
    applicant: str
    address: str
    phone: str
    lead_agency: str
    received: date
    appointment: date | None
    transferred: date | None
    processed: date | None
    returned: date | None
    judgement: str
    note: str
    signature: str = ""  # left blank: the recipient signs the printed register

    @property
    def contact(self) -> str:
        return "; ".join(part for part in (self.address, self.phone) if part)

    @property
    def code_parts(self) -> list[str]:
        """The code cut after each hyphen, where a narrow column may wrap it (a hyphen before
        a digit is not a line-break opportunity)."""
        return re.split(r"(?<=-)", self.code)


@dataclass(frozen=True)
class Register:
    """What the PDF and the workbook show: the agency, the period and the rows."""

    agency: Agency
    date_from: date
    date_to: date
    rows: list[RegisterRow]

    @property
    def period(self) -> str:
        return period_text(self.date_from, self.date_to)


# --- the rows -----------------------------------------------------------------------------------


def register_period_check(date_from: date, date_to: date) -> None:
    """ValidationFailed (translated) unless `date_from` <= `date_to` and the period, both days
    counted, is at most MAX_DAYS long."""
    if date_from > date_to:
        raise ValidationFailed(_("The start date must not be after the end date."))
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            ngettext(
                "The period must not be longer than %(days)d day.",
                "The period must not be longer than %(days)d days.",
                MAX_DAYS,
            )
            % {"days": MAX_DAYS}
        )


def register_agencies(*, user: User) -> QuerySet[Agency]:
    """The agencies whose register `user` may ask for: those where they hold a role."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return (
        Agency.objects.filter(memberships__user=user)
        .select_related("parent")
        .distinct()
        .order_by("name", "pk")
    )


def register_dossiers(
    *, user: User, agency: Agency, date_from: date, date_to: date
) -> QuerySet[Dossier]:
    """The dossiers of the register (see the module doc), oldest receipt first, each with
    `handed_over_at`: when it first left the one-stop desk for processing (the start of its
    first step held by another agency, or by another role than the reception officer)."""
    register_period_check(date_from, date_to)
    received = Q(receiving_agency=agency, accepted_at__isnull=False)
    # The first and last days a datetime can hold have no start / no next day in UTC.
    if date_from > date.min:
        received &= Q(accepted_at__gte=_start_of(date_from))
    if date_to < date.max:
        received &= Q(accepted_at__lt=_start_of(date_to + timedelta(days=1)))
    handed_over = (
        StepRecord.objects.filter(dossier=OuterRef("pk"))
        .exclude(agency=OuterRef("receiving_agency"), role=Role.RECEPTION_OFFICER)
        .order_by("started_at", "id")
        .values("started_at")[:1]
    )
    return (
        dossier_list_visible(user=user)
        .filter(received)
        .select_related("process__agency")
        .annotate(handed_over_at=Subquery(handed_over))
        .order_by("accepted_at", "code")
    )


def register_rows(
    *, user: User, agency: Agency, date_from: date, date_to: date, limit: int | None = None
) -> list[RegisterRow]:
    """The register's rows (at most `limit`), numbered from 1, in one query for the dossiers;
    ValidationFailed for a bad period."""
    dossiers = register_dossiers(user=user, agency=agency, date_from=date_from, date_to=date_to)
    if limit is not None:
        dossiers = dossiers[:limit]
    return list(_rows(dossiers))


def _rows(dossiers: Iterable[Dossier]) -> Iterator[RegisterRow]:
    for number, dossier in enumerate(dossiers, start=1):
        yield register_row(dossier, number)


def register_row(dossier: Dossier, number: int) -> RegisterRow:
    """The row of one dossier of `register_dossiers` (which annotates `handed_over_at`)."""
    assert dossier.accepted_at is not None
    lead = dossier.process.agency if dossier.process else dossier.receiving_agency
    return RegisterRow(
        number=number,
        key=dossier.key,
        code=dossier.code or "",
        procedure=dossier.procedure.name,
        national_code=dossier.procedure.national_code,
        sets=SETS,
        applicant=dossier.applicant_name,
        address=dossier.applicant_address,
        phone=dossier.applicant_phone,
        lead_agency=lead.name,
        received=local(dossier.accepted_at).date(),
        appointment=_day(dossier.appointment_at),
        transferred=_day(getattr(dossier, "handed_over_at", None)),
        processed=_day(dossier.finished_at),
        returned=_day(dossier.returned_at),
        judgement=str(JUDGEMENTS.get(dossier.judgement, "")),
        note=_note(dossier),
    )


def _note(dossier: Dossier) -> str:
    """What the dates do not tell: a channel other than the counter, a new appointment after
    an apology (Mẫu 04), a dossier paused or withdrawn."""
    notes = []
    if dossier.channel in NOTE_CHANNELS:
        notes.append(str(Channel(dossier.channel).label))
    if dossier.apology_due_at is not None:
        notes.append(_("New appointment after an apology (form 04)"))
    if dossier.status in NOTE_STATUSES:
        notes.append(str(DossierStatus(dossier.status).label))
    return "; ".join(notes)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ)


def _day(moment: datetime | None) -> date | None:
    return local(moment).date() if moment is not None else None


def period_text(date_from: date, date_to: date) -> str:
    """ "Từ ngày 01/03/2026 đến ngày 31/03/2026"."""
    return _("From %(start)s to %(end)s") % {
        "start": f"{date_from:%d/%m/%Y}",
        "end": f"{date_to:%d/%m/%Y}",
    }


def register_filename(agency: Agency, date_from: date, date_to: date, extension: str) -> str:
    """ "mau-06-xa-a-20260301-20260331.pdf"."""
    return f"mau-{FORM_NUMBER}-{agency.slug}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{extension}"


def _register(
    *,
    user: User,
    agency: Agency,
    date_from: date,
    date_to: date,
    language: str,
    limit: int,
    too_long: str,
) -> Register:
    """The register with its labels in `language`; ValidationFailed in the caller's language
    for a bad period, or `too_long` when it holds more than `limit` dossiers."""
    register_period_check(date_from, date_to)
    with translation.override(language):
        rows = register_rows(
            user=user, agency=agency, date_from=date_from, date_to=date_to, limit=limit + 1
        )
    if len(rows) > limit:
        raise ValidationFailed(too_long)
    return Register(agency=agency, date_from=date_from, date_to=date_to, rows=rows)


def _total(count: int) -> str:
    if not count:
        return _("No dossier was received in this period.")
    return ngettext("%(n)d dossier in total.", "%(n)d dossiers in total.", count) % {"n": count}


def _masthead(agency: Agency) -> dict[str, str]:
    return {"name": agency.name, "parent": agency.parent.name if agency.parent else ""}


# --- the PDF ------------------------------------------------------------------------------------


def register_pdf(
    *,
    user: User,
    agency: Agency,
    date_from: date,
    date_to: date,
    language: str = SLIP_LANGUAGE,
) -> bytes:
    """The register as an A4 landscape PDF (`templates/slips/register.html`); ValidationFailed
    for a bad period or more than MAX_PDF_ROWS dossiers."""
    register = _register(
        user=user,
        agency=agency,
        date_from=date_from,
        date_to=date_to,
        language=language,
        limit=MAX_PDF_ROWS,
        too_long=_(
            "The register of this period holds more than %(max)d dossiers, too many for one "
            "PDF; choose a shorter period or download the spreadsheet."
        )
        % {"max": MAX_PDF_ROWS},
    )
    with translation.override(language):
        context = {
            "kind": "register",
            "form_number": FORM_NUMBER,
            "title": str(TITLE),
            "agency": _masthead(agency),
            "issued": Moment.of(timezone.now()),
            "period": register.period,
            "label": {column.key: column.label for column in COLUMNS},
            "dates_label": DATES_LABEL,
            "rows": register.rows,
            "total": _total(len(register.rows)),
        }
        return render_pdf(TEMPLATE, context)


# --- the workbook -------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ROWS = (8, 9)  # two heading rows: "Day, month, year" spans the dates
FIRST_DATA_ROW = 10


def register_xlsx(
    *,
    user: User,
    agency: Agency,
    date_from: date,
    date_to: date,
    language: str = SLIP_LANGUAGE,
) -> bytes:
    """The register as an XLSX workbook, one sheet laid out like the printed register (A4
    landscape, one page wide, headings repeated on every page); dates are Excel dates.
    ValidationFailed for a bad period or more than MAX_XLSX_ROWS dossiers."""
    register = _register(
        user=user,
        agency=agency,
        date_from=date_from,
        date_to=date_to,
        language=language,
        limit=MAX_XLSX_ROWS,
        too_long=_(
            "The register of this period holds more than %(max)d dossiers, too many for one "
            "spreadsheet; choose a shorter period."
        )
        % {"max": MAX_XLSX_ROWS},
    )
    with translation.override(language):
        workbook = Workbook(write_only=True)  # streamed: a year of a busy centre fits
        sheet = workbook.create_sheet(_("Dossier tracking register")[:31])
        _sheet_setup(sheet)
        for row in _sheet_rows(sheet, register):
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _sheet_setup(sheet: Worksheet) -> None:
    """Widths, frozen headings and print setup: set before the first row is written."""
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"  # the headings, the number and the code
    sheet.print_title_rows = f"{HEADER_ROWS[0]}:{HEADER_ROWS[-1]}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "&P / &N"


def _sheet_rows(sheet: Worksheet, register: Register) -> Iterator[list[Any]]:
    """The sheet's rows in order (the merges are recorded on the way)."""
    width = len(COLUMNS)
    last = get_column_letter(width)
    left_end = get_column_letter(6)  # the agency's block over the first six columns
    right_start = get_column_letter(width - 5)  # the motto's block over the last six
    masthead = _masthead(register.agency)

    def cell(value: Any, **style: Any) -> WriteOnlyCell:
        item = WriteOnlyCell(sheet, value=_clean(value))
        if isinstance(item.value, str):
            item.data_type = "s"  # never a formula, even when the text starts with "="
        for name, setting in style.items():
            setattr(item, name, setting)
        return item

    def merge(ref: str) -> None:
        sheet.merged_cells.add(ref)

    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top = Alignment(vertical="top", wrap_text=True)
    top_center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    gap = [None] * (width - 12)

    # 1-2: the governing body and the agency (left), the national motto (right)
    upper = (masthead["parent"] or masthead["name"]).upper()
    second = masthead["name"].upper() if masthead["parent"] else ""
    motto = (_("SOCIALIST REPUBLIC OF VIET NAM"), _("Independence - Freedom - Happiness"))
    for number, (agency_line, motto_line) in enumerate(
        zip((upper, second), motto, strict=True), start=1
    ):
        bold = number == 2 or not masthead["parent"]
        yield [
            cell(agency_line, font=Font(bold=bold), alignment=center),
            *[None] * 5,
            *gap,
            cell(motto_line, font=Font(bold=True), alignment=center),
        ]
        merge(f"A{number}:{left_end}{number}")
        merge(f"{right_start}{number}:{last}{number}")
    yield []
    # 4-6: title, period, form
    yield [cell(str(TITLE), font=Font(bold=True, size=14), alignment=center)]
    yield [cell(register.period, font=Font(italic=True), alignment=center)]
    form = _("Form %(number)s, Circular 01/2018/TT-VPCP") % {"number": FORM_NUMBER}
    yield [cell(form, font=Font(italic=True, size=9), alignment=center)]
    for number in (4, 5, 6):
        merge(f"A{number}:{last}{number}")
    yield []
    # 8-9: the headings
    first, second_row = HEADER_ROWS
    dates = [index for index, column in enumerate(COLUMNS, start=1) if column.kind == "date"]
    heading = Font(bold=True)
    upper_cells, lower_cells = [], []
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        if index in dates:
            upper_value = str(DATES_LABEL) if index == dates[0] else None
            lower_value = str(column.label)
        else:
            upper_value, lower_value = str(column.label), None
            merge(f"{letter}{first}:{letter}{second_row}")
        upper_cells.append(cell(upper_value, font=heading, alignment=center, border=BORDER))
        lower_cells.append(cell(lower_value, font=heading, alignment=center, border=BORDER))
    merge(f"{get_column_letter(dates[0])}{first}:{get_column_letter(dates[-1])}{first}")
    yield upper_cells
    yield lower_cells
    # 10-: one row per dossier
    if not register.rows:
        merge(f"A{FIRST_DATA_ROW}:{last}{FIRST_DATA_ROW}")
        yield [
            cell(_total(0), font=Font(italic=True), alignment=center, border=BORDER),
            *[cell(None, border=BORDER) for _column in COLUMNS[1:]],
        ]
        return
    for row in register.rows:
        values = []
        for column in COLUMNS:
            value = getattr(row, column.key)
            if column.kind == "date":
                values.append(
                    cell(value, number_format=DATE_FORMAT, alignment=top_center, border=BORDER)
                )
            elif column.kind == "number":
                values.append(cell(value, alignment=top_center, border=BORDER))
            else:
                text = cell(value or None, alignment=top, border=BORDER, number_format="@")
                values.append(text)
        yield values
    yield []
    yield [cell(_total(len(register.rows)), font=Font(italic=True))]


def _clean(value: Any) -> Any:
    """Text without the control characters XLSX cannot hold, and never read as a formula."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    return value
