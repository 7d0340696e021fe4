"""The catalogue interchange document spelt as an XLSX workbook, and reading uploaded files.

One sheet per list of the JSON document (docs/catalogue-format.md). Row 1 holds stable column
keys (a Vietnamese label is attached as a cell comment); data starts on row 2. Child sheets
(legal bases, channels, fees, components) point to their procedure by national code, fees also
by channel; rows keep their order. Lists inside a procedure cell (applicants, results, steps)
are written one item per line.
"""

import contextlib
import datetime
import io
import json
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from motcua.accounts.constants import AgencyKind
from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc
from motcua.core.validity import parse_optional_date
from motcua.deadlines.constants import DayCount, ResumeMode

from . import interchange
from .constants import Channel, FeeKind, OnlineType, ProcedureLevel, PublicationStatus, TimeUnit

MAX_UNCOMPRESSED = 200 * 1024 * 1024
ABOUT = "about"


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    kind: str = "text"  # text | lines | date | decimal | integer | choice
    width: int = 20
    choices: Any = None


CODE = Column("national_code", gettext_lazy("National code"), width=12)
SHEETS: dict[str, list[Column]] = {
    "fields": [
        Column("slug", gettext_lazy("Key"), width=24),
        Column("national_code", gettext_lazy("National code"), width=14),
        Column("name", gettext_lazy("Name"), width=40),
        Column("name_en", gettext_lazy("Name in English"), width=30),
    ],
    "procedures": [
        CODE,
        Column("local_code", gettext_lazy("Local code"), width=26),
        Column("name", gettext_lazy("Name"), width=50),
        Column("field", gettext_lazy("Field"), width=20),
        Column("level", gettext_lazy("Implementing level"), "choice", 12, ProcedureLevel),
        Column("agency_kind", gettext_lazy("Implementing agency kind"), "choice", 16, AgencyKind),
        Column("implementing_agency", gettext_lazy("Implementing agency"), width=30),
        Column("online_type", gettext_lazy("Online service type"), "choice", 12, OnlineType),
        Column("procedure_type", gettext_lazy("Procedure type"), "integer", 10),
        Column("applicants", gettext_lazy("Applicants (one per line)"), "lines", 30),
        Column("conditions", gettext_lazy("Conditions"), width=40),
        Column("results", gettext_lazy("Results (one per line)"), "lines", 30),
        Column("steps", gettext_lazy("Steps (one per line)"), "lines", 50),
        Column("source", gettext_lazy("Source"), width=30),
        Column("source_note", gettext_lazy("Source note"), width=30),
        Column("status", gettext_lazy("Status"), "choice", 12, PublicationStatus),
        Column("valid_from", gettext_lazy("Valid from"), "date", 12),
        Column("valid_to", gettext_lazy("Valid to"), "date", 12),
        Column("day_count", gettext_lazy("Counting of working days"), "choice", 14, DayCount),
        Column("resume_mode", gettext_lazy("After a pause"), "choice", 12, ResumeMode),
    ],
    "legal_bases": [
        CODE,
        Column("number", gettext_lazy("Number"), width=22),
        Column("title", gettext_lazy("Title"), width=60),
        Column("issued_on", gettext_lazy("Issued on"), "date", 12),
    ],
    "channels": [
        CODE,
        Column("channel", gettext_lazy("Channel"), "choice", 10, Channel),
        Column("time_value", gettext_lazy("Processing time"), "decimal", 10),
        Column("time_unit", gettext_lazy("Time unit"), "choice", 14, TimeUnit),
        Column("time_note", gettext_lazy("Time note"), width=50),
    ],
    "fees": [
        CODE,
        Column("channel", gettext_lazy("Channel"), "choice", 10, Channel),
        Column("kind", gettext_lazy("Kind"), "choice", 10, FeeKind),
        Column("amount", gettext_lazy("Amount (VND)"), "integer", 14),
        Column("description", gettext_lazy("Description"), width=60),
    ],
    "components": [
        CODE,
        Column("name", gettext_lazy("Name"), width=60),
        Column("case", gettext_lazy("Case"), width=30),
        Column("originals", gettext_lazy("Originals"), "integer", 10),
        Column("copies", gettext_lazy("Copies"), "integer", 10),
        Column("form_name", gettext_lazy("Form name"), width=40),
        Column("form_file", gettext_lazy("Form file"), width=30),
    ],
}


# Writing ------------------------------------------------------------------------------------


def document_to_xlsx(document: dict[str, Any]) -> bytes:
    """The document (as catalogue_export() returns it) as XLSX bytes."""
    workbook = Workbook()
    about = workbook.active
    about.title = ABOUT
    about.append(["format", document.get("format", interchange.FORMAT)])
    about.append(["version", document.get("version", interchange.VERSION)])
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 24
    rows = _sheet_rows(document)
    for name, columns in SHEETS.items():
        _write_sheet(workbook.create_sheet(name), columns, rows[name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_rows(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SHEETS}
    rows["fields"] = list(document.get("fields", []))
    for procedure in document.get("procedures", []):
        code = {"national_code": procedure.get("national_code")}
        rows["procedures"].append(procedure)
        rows["legal_bases"] += [{**code, **doc} for doc in procedure.get("legal_bases") or []]
        for channel in procedure.get("channels") or []:
            rows["channels"].append({**code, **channel})
            key = {**code, "channel": channel.get("channel")}
            rows["fees"] += [{**key, **fee} for fee in channel.get("fees") or []]
        for component in procedure.get("components") or []:
            form = component.get("form") or {}
            rows["components"].append(
                {**code, **component, "form_name": form.get("name"), "form_file": form.get("file")}
            )
    return rows


def _write_sheet(sheet: Worksheet, columns: list[Column], rows: list[dict[str, Any]]) -> None:
    sheet.append([column.key for column in columns])
    for cell, column in zip(sheet[1], columns, strict=True):
        cell.font = Font(bold=True)
        cell.comment = Comment(str(column.label), "MotCua")
        sheet.column_dimensions[cell.column_letter].width = column.width
    for row in rows:
        sheet.append([_cell_value(column, row.get(column.key)) for column in columns])
    wrap = Alignment(wrap_text=True, vertical="top")
    for cells in sheet.iter_rows(min_row=2):
        for cell, column in zip(cells, columns, strict=True):
            _style_cell(cell, column, wrap)
    sheet.freeze_panes = "A2"


def _cell_value(column: Column, value: Any) -> Any:
    if value in (None, ""):
        return None
    if column.kind == "lines":
        return "\n".join(str(item) for item in value)
    if column.kind == "date":
        return datetime.date.fromisoformat(str(value))
    if column.kind == "decimal":
        return Decimal(str(value))
    if column.kind == "integer":
        return int(value)
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _style_cell(cell: Any, column: Column, wrap: Alignment) -> None:
    if column.kind == "date":
        cell.number_format = "yyyy-mm-dd"
    elif column.kind in ("text", "lines", "choice"):
        cell.number_format = "@"
        if cell.value is not None:
            cell.data_type = "s"  # never a formula, even when the text starts with "="
    cell.alignment = wrap


# Reading ------------------------------------------------------------------------------------


class SheetErrors:
    """Problems located by sheet and row, the way a spreadsheet user finds them."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, sheet: str, row: int | None, message: str) -> None:
        where = (
            _("Sheet “%(sheet)s”, row %(row)s") % {"sheet": sheet, "row": row}
            if row is not None
            else _("Sheet “%(sheet)s”") % {"sheet": sheet}
        )
        self.messages.append(f"{where}: {message}")


def xlsx_to_document(data: bytes) -> dict[str, Any]:
    """Read a workbook into an interchange document; ValidationFailed lists every bad row."""
    workbook = _open_workbook(data)
    errors = SheetErrors()
    try:
        meta = _read_about(workbook, errors)
        tables = {name: _read_sheet(workbook, name, errors) for name in SHEETS}
    finally:
        workbook.close()
    if errors.messages:
        _fail(errors)
    builder = _DocumentBuilder(errors)
    document = builder.build(meta, tables)
    if errors.messages:
        _fail(errors)
    return document


def _fail(errors: SheetErrors) -> None:
    raise ValidationFailed(
        _("The workbook has errors; nothing was imported."), errors=errors.messages
    )


def _open_workbook(data: bytes) -> Any:
    not_xlsx = ValidationFailed(_("This file is not an XLSX workbook."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                raise ValidationFailed(_("The workbook is too large once unpacked."))
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ValidationFailed:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a broken file
        raise not_xlsx from exc


def _read_about(workbook: Any, errors: SheetErrors) -> dict[str, Any]:
    if ABOUT not in workbook.sheetnames:
        errors.add(ABOUT, None, _("the sheet is missing"))
        return {}
    meta: dict[str, Any] = {}
    for row in workbook[ABOUT].iter_rows(min_col=1, max_col=2, values_only=True):
        if row and row[0] is not None:
            meta[str(row[0]).strip().lower()] = row[1] if len(row) > 1 else None
    with contextlib.suppress(ValueError):
        meta["version"] = int(str(meta.get("version")).removesuffix(".0"))
    return meta


def _read_sheet(workbook: Any, name: str, errors: SheetErrors) -> list[tuple[int, dict]]:
    """The data rows of one sheet as (row number, {key: JSON value}), blank rows skipped."""
    if name not in workbook.sheetnames:
        errors.add(name, None, _("the sheet is missing"))
        return []
    rows = workbook[name].iter_rows(values_only=True)
    header = [str(v).strip().lower() if v is not None else "" for v in next(rows, ())]
    columns = SHEETS[name]
    missing = [c.key for c in columns if c.key not in header]
    for key in missing:
        errors.add(name, 1, _("the column “%(column)s” is missing") % {"column": key})
    if missing:
        return []
    positions = {c.key: header.index(c.key) for c in columns}
    table = []
    for number, values in enumerate(rows, start=2):
        if any(v not in (None, "") for v in values):
            cells = {c.key: _at(values, positions[c.key]) for c in columns}
            table.append((number, _convert_row(name, number, columns, cells, errors)))
    return table


def _at(values: tuple[Any, ...], index: int) -> Any:
    value = values[index] if index < len(values) else None
    return value.strip() if isinstance(value, str) else value


def _convert_row(
    sheet: str, number: int, columns: list[Column], cells: dict[str, Any], errors: SheetErrors
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in columns:
        try:
            row[column.key] = _convert(column, cells[column.key])
        except ValueError as exc:
            errors.add(sheet, number, f"{column.key}: {exc}")
            row[column.key] = None
    return row


def _convert(column: Column, value: Any) -> Any:
    """One cell in the JSON spelling of the document; ValueError says what is wrong."""
    if column.kind == "lines":
        return [line.strip() for line in _as_text(value).splitlines() if line.strip()]
    if column.kind == "date":
        day = parse_optional_date(value)
        return day.isoformat() if day else None
    if column.kind == "decimal":
        number = interchange._decimal(value)
        return format(number, "f") if number is not None else ""
    if column.kind == "integer":
        return interchange._amount(value)
    text = _as_text(value)
    if column.kind == "choice" and text and text not in column.choices.values:
        allowed = ", ".join(column.choices.values)
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s") % {"value": text, "allowed": allowed}
        )
    return text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date().isoformat() if value.time() == datetime.time() else value
    return nfc(str(value)).strip()


class _DocumentBuilder:
    """Puts the child rows under their procedures, reporting rows that point nowhere."""

    def __init__(self, errors: SheetErrors) -> None:
        self.errors = errors
        self.procedures: dict[str, dict[str, Any]] = {}

    def build(self, meta: dict[str, Any], tables: dict[str, list]) -> dict[str, Any]:
        fields = [row for _number, row in tables["fields"]]
        procedures = []
        for _number, row in tables["procedures"]:
            entry = {**row, "legal_bases": [], "channels": [], "components": []}
            procedures.append(entry)
            self.procedures.setdefault(row["national_code"], entry)
        for name in ("legal_bases", "channels", "fees", "components"):
            for number, row in tables[name]:
                self._attach(name, number, row)
        self._check_rows(tables, fields)
        return {
            "format": meta.get("format"),
            "version": meta.get("version"),
            "fields": fields,
            "procedures": procedures,
        }

    def _attach(self, sheet: str, number: int, row: dict[str, Any]) -> None:
        code = row.pop("national_code")
        procedure = self.procedures.get(code)
        if procedure is None:
            message = _("the procedure “%(code)s” is not on the sheet “procedures”")
            self.errors.add(sheet, number, message % {"code": code})
        elif sheet == "fees":
            self._attach_fee(procedure, number, row)
        elif sheet == "components":
            form_name, form_file = row.pop("form_name"), row.pop("form_file")
            form = {"name": form_name, "file": form_file} if form_name else None
            procedure["components"].append({**row, "form": form})
        else:
            row = {**row, "fees": []} if sheet == "channels" else row
            procedure[sheet].append(row)

    def _attach_fee(self, procedure: dict[str, Any], number: int, row: dict[str, Any]) -> None:
        channel = row.pop("channel")
        for entry in procedure["channels"]:
            if entry["channel"] == channel:
                entry["fees"].append(row)
                return
        message = _("the channel “%(channel)s” of “%(code)s” is not on the sheet “channels”")
        self.errors.add(
            "fees", number, message % {"channel": channel, "code": procedure["national_code"]}
        )

    def _check_rows(self, tables: dict[str, list], fields: list[dict[str, Any]]) -> None:
        """Apply the document rules row by row, so each problem names its sheet row."""
        slugs = {str(f.get("slug")) for f in fields}
        for number, row in tables["fields"]:
            self._check("fields", number, partial(interchange.clean_field, row))
        for number, row in tables["procedures"]:
            entry = self.procedures.get(row["national_code"]) or row
            check = partial(interchange.clean_procedure, entry, field_slugs=slugs)
            self._check("procedures", number, check)

    def _check(self, sheet: str, number: int, clean: Any) -> None:
        try:
            clean()
        except ValueError as exc:
            self.errors.add(sheet, number, str(exc))


# Uploaded files -----------------------------------------------------------------------------


def document_from_bytes(data: bytes) -> dict[str, Any]:
    """A catalogue file as a document, told apart by content: XLSX (a ZIP) or JSON."""
    if data[:4] == b"PK\x03\x04":
        return xlsx_to_document(data)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(_("The file is neither a JSON nor an XLSX catalogue.")) from exc
    if not isinstance(document, dict):
        raise ValidationFailed(_("The file is neither a JSON nor an XLSX catalogue."))
    return document
