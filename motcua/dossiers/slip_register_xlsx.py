"""The tracking register (dossiers.register) as an XLSX workbook: one sheet laid out like the
printed register (docs/slips.md). Kept apart from `register` for length; `register` re-exports
`register_xlsx`."""

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from motcua.accounts.models import Agency, User

from . import register as register_module
from .register import (
    COLUMNS,
    DATE_FORMAT,
    DATES_LABEL,
    SLIP_LANGUAGE,
    TITLE,
    Register,
    _masthead,
    _register,
    _total,
)

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
        limit=register_module.MAX_XLSX_ROWS,
        too_long=_(
            "The register of this period holds more than %(max)d dossiers, too many for one "
            "spreadsheet; choose a shorter period."
        )
        % {"max": register_module.MAX_XLSX_ROWS},
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
    period = " – ".join(part for part in (register.period, register.books) if part)
    yield [cell(period, font=Font(italic=True), alignment=center)]
    form = f"({register.form_set.reference('register')})"
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
