"""The statistics table as officials read it: its column headings (two rows, grouped as the
report's column set, domain-vn §1.2), the cell values of a row, and the XLSX workbook laid out
like an official report (masthead, title, agency, period, merged group headings, borders,
number formats, frozen headings). The screen (backoffice) and the workbook use the same
`COLUMNS` and `row_values`, so their numbers are the same."""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from motcua.catalogue.constants import Channel
from motcua.deadlines.calendar import local
from motcua.dossiers.constants import DossierStatus

from .statistics import StatRow, StatTable

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_LANGUAGE = "vi"
TITLE = gettext_lazy("REPORT ON RECEIVING AND RESOLVING ADMINISTRATIVE PROCEDURE DOSSIERS")
GROUP_LABELS = {
    "agency": gettext_lazy("Agency"),
    "field": gettext_lazy("Field"),
    "procedure": gettext_lazy("Procedure"),
}


@dataclass(frozen=True)
class Column:
    key: str  # a StatRow count or property; "on_time_rate" is a percentage
    label: Promise
    group: Promise | None = None  # the heading above it, if any

    @property
    def title(self) -> str:
        """The heading with its group's ("Resolved – Total"), for a cell shown on its own."""
        return f"{self.group} – {self.label}" if self.group else str(self.label)


@dataclass(frozen=True)
class Group:
    """Heading over `columns`; a group without a label is one column spanning both rows."""

    label: Promise | None
    columns: tuple[Column, ...]


def _single(key: str, label: Promise) -> Group:
    return Group(None, (Column(key, label),))


COLUMNS: tuple[Group, ...] = (
    _single("carried_over", gettext_lazy("Carried over from the previous period")),
    Group(
        gettext_lazy("Received in the period"),
        (
            Column("received", gettext_lazy("Total")),
            Column("received_online", Channel.ONLINE.label),
            Column("received_counter", Channel.DIRECT.label),
            Column("received_post", Channel.POST.label),
        ),
    ),
    Group(
        gettext_lazy("Resolved"),
        (
            Column("resolved", gettext_lazy("Total")),
            Column("resolved_early", gettext_lazy("Before the deadline")),
            Column("resolved_on_time", gettext_lazy("On the deadline")),
            Column("resolved_late", gettext_lazy("After the deadline")),
        ),
    ),
    Group(
        gettext_lazy("Being resolved at the period end"),
        (
            Column("in_progress", gettext_lazy("Total")),
            Column("in_progress_within", gettext_lazy("Within the deadline")),
            Column("in_progress_overdue", gettext_lazy("Past the deadline")),
        ),
    ),
    Group(
        gettext_lazy("Paused at the period end"),
        (
            Column("awaiting_supplement", gettext_lazy("Awaiting a supplement")),
            Column("awaiting_obligation", gettext_lazy("Awaiting financial obligations")),
            Column("stopped", DossierStatus.STOPPED.label),
        ),
    ),
    _single("withdrawn", gettext_lazy("Withdrawn by the applicant")),
    _single("refused", gettext_lazy("Refused at intake")),
    _single("acceptance_overdue", gettext_lazy("Online, waiting past the acceptance deadline")),
    _single("on_time_rate", gettext_lazy("Resolved on time (%)")),
)
FLAT_COLUMNS: tuple[Column, ...] = tuple(
    Column(c.key, c.label, group.label) for group in COLUMNS for c in group.columns
)


def row_values(row: StatRow) -> list[int | float | None]:
    """The row's cells in `FLAT_COLUMNS` order; the on-time rate as a percentage rounded to
    one decimal (None when nothing was resolved)."""
    values: list[int | float | None] = []
    for column in FLAT_COLUMNS:
        value = getattr(row, column.key)
        if column.key == "on_time_rate":
            value = None if value is None else round(value * 100, 1)
        values.append(value)
    return values


def report_filename(table: StatTable) -> str:
    """ "thong-ke-xa-a-20260201-20260331.xlsx"."""
    slug = table.agency.slug if table.agency else "tat-ca"
    return f"thong-ke-{slug}-{table.start:%Y%m%d}-{table.end:%Y%m%d}-{table.group_by}.xlsx"


def period_text(table: StatTable) -> str:
    return _("From %(start)s to %(end)s") % {
        "start": f"{table.start:%d/%m/%Y}",
        "end": f"{table.end:%d/%m/%Y}",
    }


# --- the workbook -------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADING_FILL = PatternFill("solid", fgColor="E7E6E6")
HEADER_ROWS = (7, 8)
FIRST_DATA_ROW = 9
LABEL_WIDTH = 44


def report_xlsx(table: StatTable, *, language: str = REPORT_LANGUAGE) -> bytes:
    """The table as a one-sheet workbook: A4 landscape, one page wide, headings frozen and
    repeated on every printed page; counts as whole numbers, the rate with one decimal."""
    with translation.override(language):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Statistics")[:31])
        _sheet_setup(sheet)
        for values in _sheet_rows(sheet, table):
            sheet.append(values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _sheet_setup(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = LABEL_WIDTH
    for index in range(3, 3 + len(FLAT_COLUMNS)):
        sheet.column_dimensions[get_column_letter(index)].width = 11
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROWS[0]}:{HEADER_ROWS[1]}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "&P / &N"


def _sheet_rows(sheet: Worksheet, table: StatTable) -> Iterator[list[Any]]:
    width = 2 + len(FLAT_COLUMNS)
    last = get_column_letter(width)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(vertical="center", wrap_text=True)
    bold = Font(bold=True)

    def cell(value: Any, **style: Any) -> WriteOnlyCell:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
        item = WriteOnlyCell(sheet, value=value)
        if isinstance(item.value, str):
            item.data_type = "s"  # never a formula
        for name, setting in style.items():
            setattr(item, name, setting)
        return item

    def merge(ref: str) -> None:
        sheet.merged_cells.add(ref)

    # 1-2: the agency (left) and the national motto (right)
    agency = table.agency
    upper = (agency.parent.name if agency and agency.parent else "").upper()
    name = (agency.name if agency else _("All agencies")).upper()
    motto = (_("SOCIALIST REPUBLIC OF VIET NAM"), _("Independence - Freedom - Happiness"))
    split = get_column_letter(width - 7)
    for number, (agency_line, motto_line) in enumerate(
        zip((upper or name, name if upper else ""), motto, strict=True), start=1
    ):
        yield [
            cell(agency_line or None, font=bold, alignment=center),
            *[None] * (width - 9),
            cell(motto_line, font=bold, alignment=center),
        ]
        merge(f"A{number}:{get_column_letter(width - 8)}{number}")
        merge(f"{split}{number}:{last}{number}")
    yield []
    # 4-5: title, period and what the rows are
    yield [cell(str(TITLE), font=Font(bold=True, size=14), alignment=center)]
    issued = local(timezone.now())
    subtitle = _("%(period)s – by %(group)s – compiled %(day)s") % {
        "period": period_text(table),
        "group": str(GROUP_LABELS[table.group_by]).lower(),
        "day": f"{issued:%d/%m/%Y %H:%M}",
    }
    yield [cell(subtitle, font=Font(italic=True), alignment=center)]
    merge(f"A4:{last}4")
    merge(f"A5:{last}5")
    yield []
    # 7-8: the headings
    first, second = HEADER_ROWS
    heading = {"font": bold, "alignment": center, "border": BORDER, "fill": HEADING_FILL}
    upper_cells = [cell(_("No."), **heading), cell(str(GROUP_LABELS[table.group_by]), **heading)]
    lower_cells = [cell(None, **heading), cell(None, **heading)]
    merge(f"A{first}:A{second}")
    merge(f"B{first}:B{second}")
    index = 3
    for group in COLUMNS:
        start = get_column_letter(index)
        if group.label is None:
            upper_cells.append(cell(str(group.columns[0].label), **heading))
            lower_cells.append(cell(None, **heading))
            merge(f"{start}{first}:{start}{second}")
            index += 1
            continue
        for position, column in enumerate(group.columns):
            upper_cells.append(cell(str(group.label) if position == 0 else None, **heading))
            lower_cells.append(cell(str(column.label), **heading))
        index += len(group.columns)
        merge(f"{start}{first}:{get_column_letter(index - 1)}{first}")
    yield upper_cells
    yield lower_cells
    # 9-: the rows, then the total
    for number, row in enumerate(table.rows, start=1):
        yield _data_row(cell, number, row, left, center, total=False)
    yield _data_row(cell, None, table.total, left, center, total=True)


def _data_row(
    cell: Any, number: int | None, row: StatRow, left: Alignment, center: Alignment, *, total: bool
) -> list[Any]:
    font = Font(bold=total)
    label = _("Grand total") if total else row.label
    values = [
        cell(number, alignment=center, border=BORDER, font=font),
        cell(label, alignment=left, border=BORDER, font=font),
    ]
    for column, value in zip(FLAT_COLUMNS, row_values(row), strict=True):
        fmt = "0.0" if column.key == "on_time_rate" else "#,##0"
        values.append(cell(value, number_format=fmt, border=BORDER, font=font))
    return values
