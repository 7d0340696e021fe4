"""The catalogue interchange document: every bad value is named, nothing is half-imported."""

import copy
import json
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from motcua.catalogue import selectors, services
from motcua.catalogue.models import Component, Fee, Field, LegalDocument, Procedure
from motcua.core.audit import verify_chain
from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db

BIRTH, MINIMAL = "1.001193", "2.000488"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def full_document() -> dict[str, Any]:
    """A document that uses every field: decimals, null amounts, empty texts, dates, NFD."""
    return {
        "format": "motcua.catalogue",
        "version": 1,
        "fields": [
            {"slug": "civil-status", "national_code": "H01", "name": nfd("Hộ tịch"), "name_en": ""},
            {"slug": "judicial", "national_code": "", "name": "Lý lịch tư pháp", "name_en": "JR"},
        ],
        "procedures": [
            {
                "national_code": BIRTH,
                "local_code": "1.001193.000.00.00.H49",
                "name": nfd("Đăng ký khai sinh"),
                "field": "civil-status",
                "level": "commune",
                "agency_kind": "commune_pc",
                "implementing_agency": "UBND cấp xã",
                "online_type": "full",
                "procedure_type": 2,
                "applicants": ["Công dân Việt Nam", nfd("Người nước ngoài")],
                "legal_bases": [
                    {"number": "60/2014/QH13", "title": "Luật Hộ tịch", "issued_on": "2014-11-20"},
                    {"number": "123/2015/NĐ-CP", "title": "Nghị định", "issued_on": None},
                ],
                "channels": [
                    {
                        "channel": "direct",
                        "time_value": "0.5",
                        "time_unit": "working_day",
                        "time_note": "Trong ngày;\nsau 15 giờ thì trả trong ngày làm việc sau",
                        "fees": [
                            {"kind": "fee", "amount": 8000, "description": "Lệ phí"},
                            {"kind": "charge", "amount": None, "description": "Phí (theo HĐND)"},
                        ],
                    },
                    {
                        "channel": "online",
                        "time_value": "12.25",
                        "time_unit": "working_hour",
                        "time_note": "",
                        "fees": [{"kind": "fee", "amount": 0, "description": ""}],
                    },
                    {
                        "channel": "post",
                        "time_value": "",
                        "time_unit": "day",
                        "time_note": "",
                        "fees": [],
                    },
                ],
                "components": [
                    {
                        "name": "Tờ khai đăng ký khai sinh",
                        "case": "",
                        "originals": 1,
                        "copies": 0,
                        "form": {"name": "Tờ khai", "file": "forms/to-khai.docx"},
                    },
                    {
                        "name": "Giấy chứng sinh",
                        "case": "Trường hợp sinh tại cơ sở y tế",
                        "originals": 0,
                        "copies": 2,
                        "form": None,
                    },
                    {
                        "name": "Giấy tờ tùy thân",
                        "case": "",
                        "originals": None,
                        "copies": None,
                        "form": None,
                    },
                ],
                "conditions": "Dòng một\nDòng hai",
                "results": ["Giấy khai sinh", "Bản sao"],
                "steps": ["Nộp hồ sơ", "Kiểm tra", "Trả kết quả"],
                "source": "https://dichvucong.gov.vn/",
                "source_note": "=không phải công thức",
                "status": "published",
                "valid_from": "2025-07-01",
                "valid_to": "2030-12-31",
            },
            {
                "national_code": MINIMAL,
                "local_code": "",
                "name": "Cấp Phiếu lý lịch tư pháp",
                "field": "judicial",
                "level": "province",
                "agency_kind": "department",
                "implementing_agency": "",
                "online_type": "",
                "procedure_type": None,
                "applicants": [],
                "legal_bases": [],
                "channels": [],
                "components": [],
                "conditions": "",
                "results": [],
                "steps": [],
                "source": "",
                "source_note": "",
                "status": "draft",
                "valid_from": None,
                "valid_to": None,
            },
        ],
    }


def wipe_catalogue() -> None:
    Procedure.objects.all().delete()
    Field.objects.all().delete()
    LegalDocument.objects.all().delete()


def catalogue_state() -> str:
    return json.dumps(selectors.catalogue_export(), sort_keys=True)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_json_round_trip_is_lossless_and_normalised():
    report = services.catalogue_import(document=full_document(), actor=None)
    assert (report.procedures_created, report.fields_created) == (2, 2)
    exported = selectors.catalogue_export()
    birth = exported["procedures"][0]
    assert birth["name"] == "Đăng ký khai sinh" == unicodedata.normalize("NFC", birth["name"])
    assert exported["fields"][0]["name"] == unicodedata.normalize("NFC", "Hộ tịch")
    assert [c["time_value"] for c in birth["channels"]] == ["0.5", "12.25", ""]
    assert birth["channels"][0]["fees"][1]["amount"] is None
    assert birth["channels"][1]["fees"][0]["amount"] == 0
    assert {b["number"]: b["issued_on"] for b in birth["legal_bases"]} == {
        "60/2014/QH13": "2014-11-20",
        "123/2015/NĐ-CP": None,
    }
    assert birth["conditions"] == "Dòng một\nDòng hai"
    counts = [(c["originals"], c["copies"]) for c in birth["components"]]
    assert counts == [(1, 0), (0, 2), (None, None)]  # "not stated" stays apart from zero
    text = json.dumps(exported, ensure_ascii=False)
    wipe_catalogue()
    services.catalogue_import(document=json.loads(text), actor=None)
    assert selectors.catalogue_export() == exported


def test_reimport_updates_and_replaces_children():
    services.catalogue_import(document=full_document(), actor=None)
    document = full_document()
    document["procedures"][0]["components"] = document["procedures"][0]["components"][:1]
    report = services.catalogue_import(document=document, actor=None)
    assert (report.procedures_created, report.procedures_updated) == (0, 2)
    assert Component.objects.filter(procedure__national_code=BIRTH).count() == 1


def test_import_is_audited_and_the_chain_holds():
    services.catalogue_import(document=full_document(), actor=None)
    event = AuditEvent.objects.get(action="catalogue.imported")
    assert event.data["procedures_created"] == 2
    assert verify_chain() == []


def set_at(path: str, value: Any) -> Callable[[dict], None]:
    """A mutation that sets document[path...] (dotted, numeric parts are list indexes)."""

    def mutate(document: dict) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = document
        for part in parents:
            target = target[part]
        target[last] = value

    return mutate


P0 = "procedures.0"
BAD_VALUES = [
    (set_at(f"{P0}.national_code", "1.1"), "must look like 1.001193"),
    (set_at(f"{P0}.name", "  "), "the name is required"),
    (set_at(f"{P0}.field", "no-such-field"), "“no-such-field” is not in the catalogue"),
    (set_at(f"{P0}.level", "district"), "“district” is not one of: province, commune"),
    (set_at(f"{P0}.agency_kind", "ministry"), "“ministry” is not one of"),
    (set_at(f"{P0}.online_type", "sometimes"), "“sometimes” is not one of"),
    (set_at(f"{P0}.procedure_type", 4), "the procedure type must be 1, 2 or 3"),
    (set_at(f"{P0}.applicants", 5), "expected a list of texts"),
    (set_at(f"{P0}.name", {"vi": "x"}), "expected text"),
    (set_at(f"{P0}.valid_from", "2025-02-30"), "“2025-02-30” is not a date"),
    (set_at(f"{P0}.valid_to", "2020-01-01"), "“valid to” is before “valid from”"),
    (set_at(f"{P0}.status", "live"), "“live” is not one of: draft, published"),
    (set_at(f"{P0}.legal_bases.0.number", ""), "a legal basis needs its number"),
    (set_at(f"{P0}.legal_bases.1.issued_on", "20/11/2014"), "“20/11/2014” is not a date"),
    (set_at(f"{P0}.channels", "direct"), "expected a list of objects"),
    (set_at(f"{P0}.channels.0.channel", "fax"), "“fax” is not one of"),
    (set_at(f"{P0}.channels.1.channel", "direct"), "a channel is listed twice"),
    (set_at(f"{P0}.channels.0.time_value", "abc"), "“abc” is not a number"),
    (set_at(f"{P0}.channels.0.time_value", "-1"), "“-1” is not a valid processing time"),
    (set_at(f"{P0}.channels.0.time_value", "NaN"), "“NaN” is not a valid processing time"),
    (set_at(f"{P0}.channels.0.time_unit", "week"), "“week” is not one of"),
    (set_at(f"{P0}.channels.0.fees.0.kind", "tax"), "“tax” is not one of: fee, charge"),
    (set_at(f"{P0}.channels.0.fees.0.amount", "-5"), "“-5” is not a whole number"),
    (set_at(f"{P0}.channels.0.fees.0.amount", 1.5), "“1.5” is not a whole number"),
    (set_at(f"{P0}.components.0.name", ""), "a dossier component needs its name"),
    (set_at(f"{P0}.components.0.originals", "two"), "“two” is not a whole number"),
    (set_at(f"{P0}.components.0.form", "x.pdf"), "the form of a component must be an object"),
    (set_at("fields.0.slug", "bad key!"), "may hold only letters, digits and -"),
    (set_at("fields.1.name", ""), "Field 2: the name is required"),
    (set_at("fields.1.slug", "civil-status"), "“civil-status” appears more than once"),
    (set_at("procedures.1.national_code", BIRTH), f"“{BIRTH}” appears more than once"),
    (set_at("format", "motcua.agencies"), "This is not a MotCua catalogue file"),
    (set_at("version", 2), "Unsupported catalogue file version: 2."),
    (set_at("procedures", {}), "must contain the lists “fields” and “procedures”"),
]


@pytest.mark.parametrize(("mutate", "message"), BAD_VALUES)
def test_bad_value_is_named_and_nothing_is_written(mutate, message):
    services.catalogue_import(document=full_document(), actor=None)
    before, events = catalogue_state(), AuditEvent.objects.count()
    document = full_document()
    document["procedures"][0]["name"] = "Changed name"
    mutate(document)
    with pytest.raises(ValidationFailed) as failure:
        services.catalogue_import(document=document, actor=None)
    assert any(message in error for error in failure.value.errors), failure.value.errors
    assert catalogue_state() == before
    assert AuditEvent.objects.count() == events


def test_errors_name_the_row_and_code():
    document = full_document()
    document["procedures"][1]["level"] = "district"
    with pytest.raises(ValidationFailed) as failure:
        services.catalogue_import(document=document, actor=None)
    assert failure.value.errors == [
        f"Procedure 2 ({MINIMAL}): “district” is not one of: province, commune"
    ]


def test_a_bad_row_in_the_middle_imports_nothing():
    document = full_document()
    middle = copy.deepcopy(document["procedures"][1])
    middle.update(national_code="2.000999", valid_from="not a date")
    document["procedures"].insert(1, middle)
    with pytest.raises(ValidationFailed):
        services.catalogue_import(document=document, actor=None)
    assert not Procedure.objects.exists()
    assert not Field.objects.exists()
    assert not Fee.objects.exists()


def test_messages_are_vietnamese_by_default():
    document = full_document()
    document["procedures"][0]["level"] = "district"
    with translation.override("vi"), pytest.raises(ValidationFailed) as failure:
        services.catalogue_import(document=document, actor=None)
    assert "không" in failure.value.errors[0]
    assert "Thủ tục" in failure.value.errors[0]
