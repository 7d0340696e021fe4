"""The catalogue as an XLSX workbook: lossless round trip, located errors, nothing half-done."""

import io
import json
import zipfile
from collections.abc import Callable

import pytest
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from motcua.catalogue import selectors, services, xlsx
from motcua.catalogue.models import Field, Procedure
from motcua.catalogue.tests.test_interchange import BIRTH, full_document, wipe_catalogue
from motcua.core.audit import verify_chain
from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def exported() -> dict:
    services.catalogue_import(document=full_document(), actor=None)
    return selectors.catalogue_export()


def test_json_to_db_to_xlsx_to_db_to_json_is_lossless(exported):
    workbook = xlsx.document_to_xlsx(exported)
    wipe_catalogue()
    report = services.catalogue_import(document=xlsx.xlsx_to_document(workbook), actor=None)
    assert report.procedures_created == 2
    assert selectors.catalogue_export() == exported
    assert verify_chain() == []


def test_demo_catalogue_round_trips(demo_catalogue):
    before = selectors.catalogue_export()
    document = xlsx.xlsx_to_document(xlsx.document_to_xlsx(before))
    wipe_catalogue()
    services.catalogue_import(document=document, actor=None)
    assert selectors.catalogue_export() == before


def test_workbook_layout(exported):
    workbook = load_workbook(io.BytesIO(xlsx.document_to_xlsx(exported)))
    assert workbook.sheetnames == ["about", *xlsx.SHEETS]
    procedures = workbook["procedures"]
    assert procedures.freeze_panes == "A2"
    assert procedures["A1"].value == "national_code"
    assert procedures["A1"].comment is not None
    header = [c.value for c in procedures[1]]
    steps = procedures.cell(row=2, column=header.index("steps") + 1)
    assert steps.value == "Nộp hồ sơ\nKiểm tra\nTrả kết quả"
    source_note = procedures.cell(row=2, column=header.index("source_note") + 1)
    assert source_note.data_type == "s"  # text starting with "=" is not a formula
    assert [r[0] for r in workbook["fees"].iter_rows(min_row=2, values_only=True)] == [BIRTH] * 3


def edited(exported: dict, edit: Callable[[Worksheet], None], sheet: str) -> bytes:
    workbook = load_workbook(io.BytesIO(xlsx.document_to_xlsx(exported)))
    edit(workbook[sheet])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def put(cell: str, value: object) -> Callable[[Worksheet], None]:
    def edit(sheet: Worksheet) -> None:
        sheet[cell] = value

    return edit


def append(*values: object) -> Callable[[Worksheet], None]:
    return lambda sheet: sheet.append(list(values))


BAD_CELLS = [
    ("channels", put("C2", "abc"), "Sheet “channels”, row 2: time_value: “abc” is not a number"),
    ("fees", put("D3", "nhiều"), "Sheet “fees”, row 3: amount: “nhiều” is not a whole number"),
    ("fees", put("C2", "tax"), "Sheet “fees”, row 2: kind: “tax” is not one of: fee, charge"),
    ("procedures", put("Q2", "2025-13-01"), "Sheet “procedures”, row 2: valid_from: “2025-13-01”"),
    ("legal_bases", put("D2", "hôm qua"), "Sheet “legal_bases”, row 2: issued_on: “hôm qua”"),
    ("components", put("D2", 1.5), "Sheet “components”, row 2: originals: “1.5”"),
    ("procedures", put("E3", "district"), "Sheet “procedures”, row 3: level: “district”"),
    ("procedures", put("D3", "nowhere"), "Sheet “procedures”, row 3: the field “nowhere”"),
    ("procedures", put("A3", "2.1"), "Sheet “procedures”, row 3: the national code “2.1”"),
    ("fields", put("B2", None), None),  # an empty optional cell is fine
    ("fields", put("C3", None), "Sheet “fields”, row 3: the name is required"),
    (
        "channels",
        append("9.999999", "direct"),
        "Sheet “channels”, row 5: the procedure “9.999999” is not on the sheet “procedures”",
    ),
    (
        "fees",
        append("2.000488", "direct", "fee", 5),
        "Sheet “fees”, row 5: the channel “direct” of “2.000488” is not on the sheet “channels”",
    ),
    ("channels", append("2.000488", "direct", "1", "week"), "row 5: time_unit: “week”"),
    ("procedures", lambda s: s.delete_cols(3), "Sheet “procedures”, row 1: the column “name”"),
    (
        "procedures",
        put("B1", "local code"),
        "Sheet “procedures”, row 1: the column “local_code” is missing",
    ),
]


@pytest.mark.parametrize(("sheet", "edit", "message"), BAD_CELLS)
def test_bad_cells_are_located_and_nothing_is_imported(exported, sheet, edit, message):
    data = edited(exported, edit, sheet)
    before, events = json.dumps(selectors.catalogue_export()), AuditEvent.objects.count()
    if message is None:
        services.catalogue_import(document=xlsx.xlsx_to_document(data), actor=None)
        return
    with pytest.raises(ValidationFailed) as failure:
        services.catalogue_import(document=xlsx.xlsx_to_document(data), actor=None)
    assert any(message in error for error in failure.value.errors), failure.value.errors
    assert json.dumps(selectors.catalogue_export()) == before
    assert AuditEvent.objects.count() == events


def test_every_bad_row_is_reported_at_once(exported):
    def two_errors(sheet: Worksheet) -> None:
        sheet["C2"], sheet["C4"] = "x", "y"

    data = edited(exported, two_errors, "channels")
    with pytest.raises(ValidationFailed) as failure:
        xlsx.xlsx_to_document(data)
    assert [e.split(":")[0] for e in failure.value.errors] == [
        "Sheet “channels”, row 2",
        "Sheet “channels”, row 4",
    ]


def test_missing_sheet(exported):
    workbook = load_workbook(io.BytesIO(xlsx.document_to_xlsx(exported)))
    del workbook["fees"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ValidationFailed) as failure:
        xlsx.xlsx_to_document(buffer.getvalue())
    assert failure.value.errors == ["Sheet “fees”: the sheet is missing"]


def test_wrong_format_marker_in_about_sheet(exported):
    data = edited(exported, put("B1", "motcua.agencies"), "about")
    with pytest.raises(ValidationFailed) as failure:
        services.catalogue_import(document=xlsx.xlsx_to_document(data), actor=None)
    assert "This is not a MotCua catalogue file" in failure.value.errors[0]


def test_blank_rows_and_numbers_typed_as_numbers_are_accepted(exported):
    def edit(sheet: Worksheet) -> None:
        sheet["C2"] = 0.5  # a real number, not text
        sheet.append([])
        sheet.append([None, None])

    data = edited(exported, edit, "channels")
    document = xlsx.xlsx_to_document(data)
    assert document["procedures"][0]["channels"][0]["time_value"] == "0.5"


def write_zip(name: str, body: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, body)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"", b"garbage \x00\xff bytes", b"PK\x03\x04 broken zip", write_zip("a.txt", b"hello")],
)
def test_not_a_workbook(data):
    with pytest.raises(ValidationFailed) as failure:
        xlsx.xlsx_to_document(data)
    assert failure.value.message == "This file is not an XLSX workbook."


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b'{"format": "motcua.catalogue"}', dict),
        ('\ufeff{"a": "Hộ tịch"}'.encode(), dict),
    ],
)
def test_document_from_bytes_reads_json(data, kind):
    assert isinstance(xlsx.document_from_bytes(data), kind)


@pytest.mark.parametrize("data", [b"{not json", b"[1, 2]", "Hộ tịch".encode("utf-16"), b""])
def test_document_from_bytes_rejects_other_files(data):
    with pytest.raises(ValidationFailed):
        xlsx.document_from_bytes(data)


def test_document_from_bytes_reads_xlsx(exported):
    document = xlsx.document_from_bytes(xlsx.document_to_xlsx(exported))
    assert [p["national_code"] for p in document["procedures"]] == [
        p["national_code"] for p in exported["procedures"]
    ]
    assert Procedure.objects.count() == 2 and Field.objects.count() == 2
