"""The bundled e-form of birth registration (1.001193): it follows the official declaration,
loads once (an administrator's edits are kept), and takes a real answer."""

import pytest
from django.core.management import call_command

from motcua.catalogue.constants import PublicationStatus
from motcua.eforms.answers import applicant_fields, prefill, validate_answers
from motcua.eforms.definition import parse_definition
from motcua.eforms.models import EForm
from motcua.eforms.selectors import eform_for
from motcua.eforms.services import eform_load_bundled, eform_save

pytestmark = pytest.mark.django_db

# The items of “Tờ khai đăng ký khai sinh” (Circular 04/2020/TT-BTP) the form asks for.
OFFICIAL = {
    "applicant_name": "Họ, chữ đệm, tên người yêu cầu",
    "applicant_address": "Nơi cư trú",
    "applicant_id_number": "Giấy tờ tùy thân",
    "relationship": "Quan hệ với người được khai sinh",
    "child_name": "Họ, chữ đệm, tên",
    "child_birth_date": "Ngày, tháng, năm sinh",
    "child_sex": "Giới tính",
    "child_ethnicity": "Dân tộc",
    "child_nationality": "Quốc tịch",
    "child_birth_place": "Nơi sinh",
    "child_hometown": "Quê quán",
    "mother_name": "Họ, chữ đệm, tên người mẹ",
    "mother_birth_year": "Năm sinh",
    "mother_ethnicity": "Dân tộc",
    "mother_nationality": "Quốc tịch",
    "mother_residence": "Nơi cư trú",
    "father_name": "Họ, chữ đệm, tên người cha",
    "father_birth_year": "Năm sinh",
    "father_ethnicity": "Dân tộc",
    "father_nationality": "Quốc tịch",
    "father_residence": "Nơi cư trú",
}


def test_it_asks_every_item_of_the_official_declaration(birth_definition):
    form = parse_definition(birth_definition)
    for key, words in OFFICIAL.items():
        assert words in form.field(key).label.vi, key


def answers(**changes) -> dict:
    return {
        "applicant_name": "Nguyễn Thị Lan",
        "applicant_address": "Thôn 1, phường Hạ Long, tỉnh Quảng Ninh",
        "applicant_id_number": "022190001234",
        "relationship": "me",
        "applicant_phone": "0912 345 678",
        "child_name": "Trần Minh An",
        "child_birth_date": "02/01/2026",  # before every date the suite runs at (make test-dates)
        "child_sex": "nam",
        "child_ethnicity": "Kinh",
        "child_nationality": "Việt Nam",
        "child_birth_place": "Bệnh viện Sản Nhi Quảng Ninh",
        "child_hometown": "Quảng Ninh",
        "mother_name": "Nguyễn Thị Lan",
        "mother_birth_year": "1990",
        "mother_ethnicity": "Kinh",
        "mother_nationality": "Việt Nam",
        "mother_residence": "Thôn 1, phường Hạ Long, tỉnh Quảng Ninh",
        "father_declared": True,
        "father_name": "Trần Văn Bình",
        "father_birth_year": "1988",
        "father_ethnicity": "Kinh",
        "father_nationality": "Việt Nam",
        "father_residence": "Thôn 1, phường Hạ Long, tỉnh Quảng Ninh",
    } | changes


def test_a_real_declaration_passes_and_feeds_the_applicant(birth_definition):
    clean, errors = validate_answers(birth_definition, answers())
    assert errors == {}
    assert clean["child_birth_date"] == "2026-01-02"
    assert clean["mother_birth_year"] == 1990
    assert clean["copies_requested"] is False
    assert applicant_fields(clean) == {
        "name": "Nguyễn Thị Lan",
        "id_number": "022190001234",
        "phone": "0912345678",
        "email": "",
        "address": "Thôn 1, phường Hạ Long, tỉnh Quảng Ninh",
    }


def test_the_father_is_asked_only_when_declared(birth_definition):
    without = answers(father_declared=False, father_name="", father_birth_year="x")
    clean, errors = validate_answers(birth_definition, without)
    assert errors == {}
    assert not any(key.startswith("father_") and key != "father_declared" for key in clean)
    _clean, errors = validate_answers(birth_definition, answers(father_name=""))
    assert set(errors) == {"father_name"}


def test_conditional_items(birth_definition):
    _clean, errors = validate_answers(birth_definition, answers(relationship="khac"))
    assert set(errors) == {"relationship_other"}
    _clean, errors = validate_answers(birth_definition, answers(copies_requested=True))
    assert set(errors) == {"copies"}
    clean, errors = validate_answers(
        birth_definition, answers(copies_requested=True, copies="2", child_birth_date="2099-1-1")
    )
    assert clean["copies"] == 2
    assert set(errors) == {"child_birth_date"}  # not a real date, and never in the future


def test_it_starts_from_the_profile_and_vietnamese_nationality(birth_definition, citizen):
    start = prefill(birth_definition, citizen)
    assert start["applicant_name"] == "Nguyễn Thị Lan"
    assert start["applicant_id_number"] == "022190001234"
    assert start["child_nationality"] == "Việt Nam"
    assert start["father_declared"] is True


def test_it_loads_once_and_keeps_an_administrators_edits(procedure, capsys):
    call_command("load_eforms")
    assert "1.001193" in capsys.readouterr().out
    eform = EForm.objects.get(procedure=procedure)
    assert (eform.status, eform.version) == (PublicationStatus.PUBLISHED, 1)
    assert "04/2020/TT-BTP" in eform.source
    assert eform_for(procedure).custom is True
    edited = {"fields": [{"key": "a", "type": "text", "label": "A"}]}
    eform_save(procedure=procedure, definition=edited, status="published", actor=None)
    assert eform_load_bundled() == []
    assert EForm.objects.get().definition == edited
    call_command("load_eforms", "--replace")
    assert EForm.objects.get().definition != edited


def test_nothing_is_loaded_without_the_procedure(db):
    assert eform_load_bundled() == []
    assert not EForm.objects.exists()


def test_the_demo_loads_it(settings):
    settings.DEBUG = True
    call_command("load_demo")
    eform = EForm.objects.get(procedure__national_code="1.001193")
    assert eform.status == PublicationStatus.PUBLISHED
    call_command("load_demo")  # idempotent
    assert EForm.objects.get().version == eform.version
