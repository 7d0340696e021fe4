"""Reading bank statement files: CSV and XLSX, Vietnamese headings, amounts and dates, and the
files that must be refused whole."""

import hashlib
import io
import unicodedata
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import Workbook

from motcua.core.errors import ValidationFailed
from motcua.payments.statements import VN_TZ, parse_amount, parse_date, parse_statement


@pytest.fixture(autouse=True)
def english(english_pages):
    """The messages are matched in English (the installation's language is Vietnamese)."""


COLUMNS = {
    "date": "Ngày giao dịch",
    "amount": "Số tiền ghi có",
    "description": "Nội dung",
    "reference": "Số bút toán",
}
HEADINGS = ["STT", "Ngày giao dịch", "Số bút toán", "Số tiền ghi nợ", "Số tiền ghi có", "Nội dung"]
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
TITLE = ["SAO KÊ TÀI KHOẢN", "", "", "", "", ""]


def csv_bytes(rows: list[list[Any]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    def cell(value: Any) -> str:
        text = str(value)
        return f'"{text}"' if delimiter in text or '"' in text else text

    text = "\r\n".join(delimiter.join(cell(value) for value in row) for row in rows)
    return windows_1258(text) if encoding == "cp1258" else text.encode(encoding)


def windows_1258(text: str) -> bytes:
    """Text as Windows writes it in code page 1258: tone marks as combining characters after
    the letter (Ả → A + U+0309), the other letters precomposed."""
    out = b""
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(mark for mark in decomposed if mark in TONE_MARKS)
        letter = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out += (letter + tones).encode("cp1258")
    return out


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def parse(content: bytes, *, name: str = "sao-ke.csv", **changes: Any) -> list:
    values: dict[str, Any] = {
        "columns": COLUMNS,
        "header_row": 2,
        "date_format": "%d/%m/%Y",
    } | changes
    return parse_statement(content=content, file_name=name, **values)


STATEMENT = [
    TITLE,
    HEADINGS,
    ["1", "11/03/2026", "FT26070001", "", "1.250.000", "MC7K2QX9PA nộp phí Nguyễn Ảnh"],
    ["2", "11/03/2026 14:05:00", "FT26070002", "50.000", "", "Phi SMS"],
    ["3", "12/03/2026", "", "", "200.000", "000.00.01.H49-260311-0001"],
    ["", "Tổng cộng", "", "50.000", "1.450.000", ""],
]


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda rows: csv_bytes(rows), "sao-ke.csv"),
        (lambda rows: csv_bytes(rows, delimiter=";"), "sao-ke.csv"),
        (lambda rows: b"\xef\xbb\xbf" + csv_bytes(rows), "sao-ke.csv"),
        (lambda rows: csv_bytes(rows, encoding="cp1258"), "sao-ke.csv"),
        (lambda rows: xlsx_bytes(rows), "sao-ke.xlsx"),
    ],
    ids=["csv-comma", "csv-semicolon", "csv-bom", "csv-cp1258", "xlsx"],
)
def test_a_statement_gives_its_lines_in_every_format(make, name):
    lines = parse(make(STATEMENT), name=name)

    assert [(line.row, line.amount, line.bank_ref) for line in lines] == [
        (3, 1_250_000, "FT26070001"),
        (4, 0, "FT26070002"),  # a debit: no credit on the line
        (5, 200_000, ""),
    ]
    assert lines[0].booked_at == datetime(2026, 3, 11, tzinfo=VN_TZ)
    assert lines[1].booked_at == datetime(2026, 3, 11, 14, 5, tzinfo=VN_TZ)
    assert lines[0].entry_key == "FT26070001"
    assert lines[0].description == unicodedata.normalize("NFC", "MC7K2QX9PA nộp phí Nguyễn Ảnh")
    assert lines[2].description == "000.00.01.H49-260311-0001"
    digest = hashlib.sha256(
        b"2026-03-12T00:00:00+07:00|200000|000.00.01.h49-260311-0001"
    ).hexdigest()
    assert lines[2].entry_key == f"sha256:{digest}"


def test_headings_match_without_case_diacritics_or_nfd():
    rows = [["NGAY GIAO DICH", "so tien ghi co", "Nội dung".upper(), "Số bút toán"]]
    rows.append(["11/03/2026", "1000", "x", "A1"])
    nfd = {key: unicodedata.normalize("NFD", value) for key, value in COLUMNS.items()}

    lines = parse(csv_bytes(rows), header_row=1, columns=nfd)

    assert [(line.amount, line.bank_ref) for line in lines] == [(1000, "A1")]


#: Excel date-time cells have no time zone.
EXCEL_MOMENT = datetime(2026, 3, 11, 10, 15)  # noqa: DTZ001


def test_xlsx_cells_keep_their_types():
    rows = [
        HEADINGS,
        [1, date(2026, 3, 11), 123456789012, None, 1_250_000, "Nộp phí"],
        [2, EXCEL_MOMENT, "FT2", None, 300000.0, "Lệ phí"],
    ]

    lines = parse(xlsx_bytes(rows), name="a.xlsx", header_row=1)

    assert [(line.booked_at, line.amount, line.bank_ref) for line in lines] == [
        (datetime(2026, 3, 11, tzinfo=VN_TZ), 1_250_000, "123456789012"),
        (datetime(2026, 3, 11, 10, 15, tzinfo=VN_TZ), 300_000, "FT2"),
    ]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.250.000", 1_250_000),
        ("1,250,000", 1_250_000),
        ("1250000", 1_250_000),
        ("1.250.000,00", 1_250_000),
        ("1,250,000.00", 1_250_000),
        ("1250000.00", 1_250_000),
        ("1250000,0", 1_250_000),
        ("1 250 000 VND", 1_250_000),
        ("1.250.000 đ", 1_250_000),
        ("+50.000", 50_000),
        ("-50.000", -50_000),
        ("(50.000)", -50_000),
        ("500", 500),
        ("0", 0),
        (1250000, 1_250_000),
        (1250000.0, 1_250_000),
    ],
)
def test_amounts_in_vietnamese_and_english_forms(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    "text", ["abc", "1.250.000,50", "12,5", "1.25.000", "1.250,000.5", "", 12.5, True]
)
def test_unreadable_amounts_are_refused(text):
    from motcua.payments.statements import _RowError

    with pytest.raises(_RowError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("11/03/2026", "%d/%m/%Y", datetime(2026, 3, 11, tzinfo=VN_TZ)),
        ("2026-03-11", "%Y-%m-%d", datetime(2026, 3, 11, tzinfo=VN_TZ)),
        ("11/03/2026 08:30", "%d/%m/%Y", datetime(2026, 3, 11, 8, 30, tzinfo=VN_TZ)),
        ("11-03-2026 08:30:15", "%d-%m-%Y", datetime(2026, 3, 11, 8, 30, 15, tzinfo=VN_TZ)),
        (date(2026, 3, 11), "%d/%m/%Y", datetime(2026, 3, 11, tzinfo=VN_TZ)),
    ],
)
def test_dates(value, fmt, expected):
    assert parse_date(value, fmt) == expected
    assert parse_date(value, fmt).utcoffset() is not None


def test_identical_lines_without_a_bank_number_are_two_transfers():
    rows = [HEADINGS, *[["1", "11/03/2026", "", "", "100.000", "nop phi"]] * 2]

    first, second = parse(csv_bytes(rows), header_row=1)

    assert first.entry_key != second.entry_key
    again = parse(csv_bytes(rows[:2]), header_row=1)
    assert again[0].entry_key == first.entry_key  # the same line in another export


def test_a_line_key_ignores_spacing_case_and_diacritics():
    one = [HEADINGS, ["1", "11/03/2026", "", "", "100.000", "Nộp  phí MC7K2QX9PA"]]
    two = [HEADINGS, ["9", "11/03/2026", "", "", "100000", "NOP PHI mc7k2qx9pa"]]

    assert (
        parse(csv_bytes(one), header_row=1)[0].entry_key
        == parse(xlsx_bytes(two), header_row=1, name="b.xlsx")[0].entry_key
    )


def test_without_a_reference_column_lines_are_keyed_by_digest():
    columns = {key: value for key, value in COLUMNS.items() if key != "reference"}
    rows = [HEADINGS, ["1", "11/03/2026", "FT1", "", "100.000", "x"]]

    (line,) = parse(csv_bytes(rows), header_row=1, columns=columns)

    assert line.bank_ref == "" and line.entry_key.startswith("sha256:")


def refused(content: bytes, **changes: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        parse(content, **changes)
    return caught.value


def test_bad_rows_are_all_named_and_nothing_is_returned():
    rows = [
        *STATEMENT[:3],
        ["2", "31/02/2026", "FT9", "", "100", "x"],
        ["3", "12/03/2026", "FT10", "", "mười nghìn", "y"],
        ["4", "", "FT11", "", "100", "z"],
    ]

    error = refused(csv_bytes(rows))

    assert "nothing was imported" in error.message
    assert [problem.split(":")[0] for problem in error.errors] == ["Row 4", "Row 5", "Row 6"]
    assert "31/02/2026" in error.errors[0]
    assert "mười nghìn" in error.errors[1]


@pytest.mark.parametrize(
    ("content", "changes", "words"),
    [
        (b"PK\x03\x04 not really a zip", {"name": "x.xlsx"}, "not a readable XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", {"name": "x.xls"}, ".xls"),
        (b"\x00\x01\x02binary\x00", {}, "neither an XLSX"),
        (csv_bytes(STATEMENT), {"header_row": 1}, "no column headed"),
        (csv_bytes(STATEMENT), {"header_row": 9}, "no row 9"),
        (csv_bytes(STATEMENT), {"columns": {"date": "Ngày giao dịch"}}, "amount, description"),
        (
            csv_bytes(STATEMENT),
            {"columns": COLUMNS | {"reference": "Mã giao dịch"}},
            "“Mã giao dịch”",
        ),
        (b"", {}, "no row 2"),
    ],
    ids=["bad-zip", "old-xls", "binary", "wrong-header-row", "short", "mapping", "column", "empty"],
)
def test_files_that_cannot_be_read_are_refused(content, changes, words):
    assert words in refused(content, **changes).message


def test_debit_and_blank_lines_are_kept_or_skipped():
    rows = [HEADINGS, ["", "", "", "", "", ""], ["1", "11/03/2026", "D1", "10.000", "", "phi"]]

    (line,) = parse(csv_bytes(rows), header_row=1)

    assert line.amount == 0 and line.row == 3
