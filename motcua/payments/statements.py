"""Reading a bank statement file (sao kê tài khoản) into credit lines.

Vietnamese banks let an account holder export the account's statement as XLSX or CSV from
internet banking; there is no common layout, so each collection account says which headings
hold the date, the amount credited, the description (nội dung chuyển khoản) and the bank's
transaction number (CollectionAccount.statement_columns), on which row the headings are and how
dates are written. Reconciliation is not part of VietQR: a QR code only pre-fills a transfer,
and the statement (or the bank's notification) is what says the money arrived
(docs/reference wave2 §1.5, "Reconciliation").

Pure: bytes in, lines out; no database. A file that cannot be read in full is refused whole
(ValidationFailed naming each bad row), so an import never stops half-way.
"""

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from motcua.core.errors import ValidationFailed
from motcua.core.text import fold, nfc

#: Dates without a time on a statement are days in Vietnam.
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: The fields an account maps to headings; "reference" (the bank's transaction number) is
#: optional: without it a line is known by a digest of its date, amount and description.
REQUIRED_FIELDS = ("date", "amount", "description")
OPTIONAL_FIELDS = ("reference",)
MAX_LINES = 50_000
MAX_ERRORS = 20
#: Rows such as "Tổng cộng", "Cộng phát sinh", "Số dư cuối kỳ" under the lines: not transfers.
SUMMARY_PREFIXES = ("tong", "cong", "so du")
CSV_DELIMITERS = (",", ";", "\t")
CSV_ENCODINGS = ("utf-8-sig", "cp1258")
_CURRENCY = re.compile(r"(vnd|vnđ|đ|₫|\s|\u00a0)", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d{1,3}(,\d{3})+$")


@dataclass(frozen=True)
class StatementLine:
    row: int  # the row in the file, counting from 1 as a spreadsheet does
    booked_at: datetime  # aware
    amount: int  # đồng credited; 0 or less for a debit or an empty credit cell
    description: str
    bank_ref: str  # the bank's transaction number, "" when the statement has none
    entry_key: str  # bank_ref, else "sha256:<digest of date, amount, description>"


class _RowError(Exception):
    """One cell could not be read; becomes a line of the ValidationFailed."""


def parse_statement(
    *, content: bytes, file_name: str, columns: dict[str, str], header_row: int, date_format: str
) -> list[StatementLine]:
    """The lines of a statement file, in file order. Raises ValidationFailed when the file, the
    mapping or any row cannot be read."""
    wanted = _wanted_columns(columns)
    if header_row < 1:
        raise ValidationFailed(_("The heading row must be 1 or more."))
    rows = _xlsx_rows(content, file_name) if _is_xlsx(content) else None
    if rows is None:
        rows = _csv_rows(content, file_name, wanted, header_row)
    if len(rows) < header_row:
        raise ValidationFailed(
            _("The statement has no row %(row)s with the headings.") % {"row": header_row}
        )
    positions = _positions(rows[header_row - 1], wanted, header_row)
    return _lines(rows, header_row, positions, date_format or "%d/%m/%Y")


def _wanted_columns(columns: dict[str, str]) -> dict[str, str]:
    missing = [field for field in REQUIRED_FIELDS if not (columns.get(field) or "").strip()]
    if missing:
        raise ValidationFailed(
            _("The account's statement columns do not say which heading holds: %(fields)s.")
            % {"fields": ", ".join(missing)}
        )
    return {
        field: columns[field]
        for field in REQUIRED_FIELDS + OPTIONAL_FIELDS
        if (columns.get(field) or "").strip()
    }


def _is_xlsx(content: bytes) -> bool:
    if content.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls (OLE2)
        raise ValidationFailed(
            _("This is an old Excel file (.xls). Save it as .xlsx or .csv and import it again.")
        )
    return content.startswith(b"PK\x03\x04")


def _xlsx_rows(content: bytes, file_name: str) -> list[tuple[Any, ...]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ValidationFailed(
            _("“%(name)s” is not a readable XLSX file.") % {"name": file_name}
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(tuple(row))
            if len(rows) > MAX_LINES:
                raise _too_long()
        return rows
    finally:
        workbook.close()


def _decode(content: bytes, file_name: str) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return nfc(content.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(
        _("“%(name)s” is neither an XLSX file nor a readable CSV text file.") % {"name": file_name}
    )


def _csv_rows(
    content: bytes, file_name: str, wanted: dict[str, str], header_row: int
) -> list[tuple[Any, ...]]:
    """The rows with the delimiter (comma, semicolon or tab) under which the heading row holds
    every mapped heading; a comma when none does (the missing heading is then reported)."""
    text = _decode(content, file_name)
    if "\x00" in text:
        raise ValidationFailed(
            _("“%(name)s” is neither an XLSX file nor a readable CSV text file.")
            % {"name": file_name}
        )
    headings = {fold(nfc(heading)) for heading in wanted.values()}
    parsed: dict[str, list[tuple[Any, ...]]] = {}
    for delimiter in CSV_DELIMITERS:
        try:
            rows = [tuple(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
        except csv.Error as error:
            raise ValidationFailed(
                _("“%(name)s” is not a readable CSV file.") % {"name": file_name}
            ) from error
        if len(rows) > MAX_LINES:
            raise _too_long()
        parsed[delimiter] = rows
        if len(rows) >= header_row:
            found = {fold(nfc(str(cell or ""))) for cell in rows[header_row - 1]}
            if headings <= found:
                return rows
    return parsed[","]


def _too_long() -> ValidationFailed:
    return ValidationFailed(
        _("The statement has more than %(count)s rows; import it in smaller parts.")
        % {"count": MAX_LINES}
    )


def _positions(header: tuple[Any, ...], wanted: dict[str, str], row: int) -> dict[str, int]:
    folded = [fold(nfc(str(cell))) if cell is not None else "" for cell in header]
    positions: dict[str, int] = {}
    missing: list[str] = []
    for field, heading in wanted.items():
        key = fold(nfc(heading))
        if key in folded:
            positions[field] = folded.index(key)
        else:
            missing.append(heading)
    if missing:
        raise ValidationFailed(
            _("Row %(row)s of the statement has no column headed %(headings)s.")
            % {"row": row, "headings": ", ".join(f"“{heading}”" for heading in missing)}
        )
    return positions


def _lines(
    rows: list[tuple[Any, ...]], header_row: int, positions: dict[str, int], date_format: str
) -> list[StatementLine]:
    lines: list[StatementLine] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        cells = {
            field: row[index] if index < len(row) else None for field, index in positions.items()
        }
        if (_blank(cells["date"]) and _blank(cells["amount"])) or _summary(row, cells["date"]):
            continue
        try:
            line = _line(number, cells, date_format, seen)
        except _RowError as error:
            errors.append(_("Row %(row)s: %(problem)s") % {"row": number, "problem": error})
            if len(errors) >= MAX_ERRORS:
                break
            continue
        lines.append(line)
    if errors:
        raise ValidationFailed(
            _("The statement could not be read; nothing was imported."), errors=errors
        )
    return lines


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _summary(row: tuple[Any, ...], day: Any) -> bool:
    """A totals or balance row: no date, and its first filled cell (or its date cell) says
    "Tổng…", "Cộng…" or "Số dư…"."""
    if isinstance(day, date):
        return False
    first = day if not _blank(day) else next((cell for cell in row if not _blank(cell)), None)
    return isinstance(first, str) and fold(nfc(first)).startswith(SUMMARY_PREFIXES)


def _line(
    number: int, cells: dict[str, Any], date_format: str, seen: dict[str, int]
) -> StatementLine:
    booked_at = parse_date(cells["date"], date_format)
    amount = 0 if _blank(cells["amount"]) else parse_amount(cells["amount"])
    description = _text(cells["description"])
    bank_ref = _text(cells.get("reference"))[:100]
    if bank_ref:
        key = bank_ref
    else:
        # Two identical lines without a transaction number are two transfers (the same payer
        # paying twice the same day); the n-th one gets its own key, the same in every export.
        base = _digest(booked_at, amount, description, 1)
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else _digest(booked_at, amount, description, seen[base])
    return StatementLine(number, booked_at, amount, description, bank_ref, key)


def _digest(booked_at: datetime, amount: int, description: str, occurrence: int) -> str:
    parts = [booked_at.astimezone(VN_TZ).isoformat(), str(amount), fold(description)]
    if occurrence > 1:
        parts.append(str(occurrence))
    return "sha256:" + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a transaction number a spreadsheet took for a number
    return " ".join(nfc(str(value)).split())


def parse_date(value: Any, date_format: str) -> datetime:
    """An aware moment from a date cell or text in `date_format` (optionally followed by a
    time); a day without a time is its midnight in Vietnam."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=VN_TZ)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=VN_TZ)
    text = _text(value)
    if not text:
        raise _RowError(_("the date is empty."))
    for pattern in (date_format, f"{date_format} %H:%M:%S", f"{date_format} %H:%M"):
        try:
            moment = datetime.strptime(text, pattern)  # noqa: DTZ007 (made aware below)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)
    raise _RowError(
        _("“%(value)s” is not a date written as %(format)s.")
        % {"value": text[:40], "format": date_format}
    )


def parse_amount(value: Any) -> int:
    """Whole đồng from a number cell or Vietnamese or English text: "1.250.000",
    "1,250,000", "1250000", "1.250.000,00", "1,250,000.00", "-50.000", "(50.000)", "+1.000 VND"."""
    if isinstance(value, bool):
        raise _RowError(_("“%(value)s” is not an amount.") % {"value": value})
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise _RowError(_("%(value)s has a fraction of a đồng.") % {"value": value})
        return int(value)
    text = _CURRENCY.sub("", str(value))
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    digits = text.strip("()+-")
    whole = _whole_dong(digits)
    if whole is None:
        raise _RowError(_("“%(value)s” is not an amount.") % {"value": str(value)[:40]})
    return -whole if negative else whole


def _whole_dong(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if _GROUPED.match(text):  # 1.250.000 or 1,250,000 (đồng have no fraction to confuse it)
        return int(re.sub(r"[.,]", "", text))
    match = re.fullmatch(r"(.+?)([.,])(\d{1,2})", text)
    if match is None or match.group(3).strip("0"):
        return None  # not a number, or a fraction of a đồng
    integral, separator = match.group(1), match.group(2)
    if integral.isdigit():
        return int(integral)
    grouping = "," if separator == "." else "."
    if re.fullmatch(rf"\d{{1,3}}(\{grouping}\d{{3}})+", integral):
        return int(integral.replace(grouping, ""))
    return None
