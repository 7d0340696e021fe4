"""Forms by effective date (docs/slips.md): the set of forms picked by the dossier's date, and
every field the domain review asked for present on each slip of a 2026 dossier."""

from datetime import date, datetime
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from motcua.accounts.constants import AgencyKind, Level, Role
from motcua.accounts.models import Agency
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import LegalDocument
from motcua.documents.tests.pdf_tools import pdf_text, save_png
from motcua.dossiers import slips
from motcua.dossiers.constants import Act, ReturnMethod
from motcua.dossiers.form_sets import (
    CIRCULAR_01_2018,
    CIRCULAR_03_2025,
    FORM_SETS,
    form_set_for,
    form_set_on,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActInput, dossier_act, dossier_register
from motcua.dossiers.slip_parts import place_name
from motcua.dossiers.slip_register import register_entry

from .conftest import receive, vn

OLD, NEW = CIRCULAR_01_2018, CIRCULAR_03_2025
TT01 = "Circular 01/2018/TT-VPCP, in force 06/01/2019 (domain-vn §1.1, S1)"
TT03 = "Circular 03/2025/TT-VPCP, forms from 15/09/2025 (thuviennhadat.vn, docs/slips.md)"
NONE_OLDER = "no older set kept: the first set (docs/slips.md)"

# day, the set in force, the source
FORM_SET_TABLE = [
    (date(2018, 6, 1), OLD, NONE_OLDER),
    (date(2019, 1, 5), OLD, NONE_OLDER),
    (date(2019, 1, 6), OLD, TT01),
    (date(2025, 6, 30), OLD, TT01),
    (date(2025, 7, 1), OLD, TT01 + "; Decree 118/2025 in force, its circular not yet"),
    (date(2025, 9, 14), OLD, TT01),
    (date(2025, 9, 15), NEW, TT03),
    (date(2026, 3, 11), NEW, TT03),
    (date(2027, 12, 31), NEW, TT03),
]


@pytest.mark.parametrize(("day", "expected", "source"), FORM_SET_TABLE)
def test_the_set_in_force_on_a_day(day, expected, source):
    assert form_set_on(day) is expected, source


# submitted, accepted (Vietnam time), the set, why
DOSSIER_TABLE = [
    (vn(2019, 1, 4, 9, 0), vn(2019, 1, 7, 8, 0), OLD, "accepted on 07/01/2019: " + TT01),
    (vn(2025, 9, 12, 16, 0), vn(2025, 9, 15, 8, 0), NEW, "the acceptance day wins: " + TT03),
    (vn(2025, 9, 14, 16, 0), None, OLD, "not accepted: the submission day, " + TT01),
    (vn(2025, 9, 15, 0, 10), None, NEW, "00:10 in Vietnam is still 14/09 in UTC: " + TT03),
    (vn(2026, 12, 31, 23, 50), vn(2027, 1, 4, 8, 0), NEW, TT03),
]


@pytest.mark.parametrize(("submitted", "accepted", "expected", "why"), DOSSIER_TABLE)
def test_the_set_of_a_dossier_by_its_date(submitted, accepted, expected, why):
    dossier = Dossier(submitted_at=submitted, accepted_at=accepted)
    assert form_set_for(dossier) is expected, why


def test_every_set_prints_each_slip_we_render():
    for form_set in FORM_SETS:
        assert set(slips.SLIP_KINDS) | {"register"} <= set(form_set.forms), form_set.key
        numbers = [form.number for form in form_set.forms.values()]
        assert len(numbers) == len(set(numbers)), form_set.key
    assert [s.effective_from for s in FORM_SETS] == sorted(s.effective_from for s in FORM_SETS)
    assert NEW.reference("control") == (
        "Mẫu số 06 Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP ngày 15/9/2025"
    )
    assert OLD.reference("control") == (
        "Mẫu số 05 ban hành kèm theo Thông tư số 01/2018/TT-VPCP ngày 23/11/2018"
    )


def test_the_place_name_comes_from_the_province(province):
    assert place_name(province.commune) == ""  # no province above it: a dotted space
    top = Agency.objects.create(
        slug="qn",
        name="Ủy ban nhân dân tỉnh Quảng Ninh",
        kind=AgencyKind.PROVINCE_PC,
        level=Level.PROVINCE,
    )
    province.commune.parent = top
    province.commune.save()
    assert place_name(province.commune) == "Quảng Ninh"
    top.name = "Ủy ban nhân dân thành phố Hà Nội"
    top.save()
    province.commune.refresh_from_db()
    assert place_name(province.commune) == "Hà Nội"


def act(province, dossier, what, who, at, **data):
    return dossier_act(
        dossier=dossier, act=what, actor=province.users[who], data=ActInput(**data), at=at
    )


@pytest.fixture
def in_quang_ninh(province):
    top = Agency.objects.create(
        slug="qn",
        name="Ủy ban nhân dân tỉnh Quảng Ninh",
        kind=AgencyKind.PROVINCE_PC,
        level=Level.PROVINCE,
    )
    province.commune.parent = top
    province.commune.save()
    law = LegalDocument.objects.create(number="31/2024/QH15", title="Luật Đất đai")
    province.procedure.legal_bases.add(law)
    return province


@pytest.fixture
def lived(in_quang_ninh, process):
    """A 2026 dossier at the commune: received Mon 2 Mar, a supplement asked for on Tue 3 Mar
    to be answered by Fri 13 Mar and received Thu 5 Mar, an apology on Wed 11 Mar, processed
    and returned; the applicant asked for the result by post."""
    province = in_quang_ninh
    receive(province, at=vn(2026, 1, 5, 8, 0), name="Người Đầu Năm")  # entry 1 of the book
    dossier = receive(province, at=vn(2026, 3, 2, 8, 0), name="Trần Thị Ngọc Ánh")
    Dossier.objects.filter(pk=dossier.pk).update(
        result_delivery=ReturnMethod.POST,
        result_delivery_address="Số 5 đường Lê Lợi, phường Hồng Gai",
    )
    steps: list[tuple[str, str, datetime, dict[str, Any]]] = [
        (Act.FORWARD, Role.RECEPTION_OFFICER, vn(2026, 3, 2, 9, 0), {}),
        (
            Act.REQUEST_SUPPLEMENT,
            Role.SPECIALIST,
            vn(2026, 3, 3, 9, 0),
            {
                "comment": "Thiếu sơ đồ",
                "missing": ["Sơ đồ thửa đất"],
                "answer_by": date(2026, 3, 13),
            },
        ),
        (Act.RECEIVE_SUPPLEMENT, "citizen", vn(2026, 3, 5, 9, 0), {}),
        (
            Act.APOLOGISE,
            Role.LEADER,
            vn(2026, 3, 11, 9, 0),
            {"comment": "Chờ ý kiến cơ quan thuế", "new_appointment": date(2026, 3, 16)},
        ),
        (Act.TRANSFER, Role.SPECIALIST, vn(2026, 3, 11, 10, 0), {}),
        (Act.RECEIVE_BACK, "tax_specialist", vn(2026, 3, 12, 9, 0), {}),
        (Act.FORWARD, Role.DEPARTMENT_HEAD, vn(2026, 3, 12, 14, 0), {}),
        (Act.FORWARD, Role.LEADER, vn(2026, 3, 13, 9, 0), {}),
        (Act.FINISH, Role.CLERK, vn(2026, 3, 13, 15, 0), {"result_number": "125/GCN"}),
        (
            Act.RETURN_RESULT,
            Role.RECEPTION_OFFICER,
            vn(2026, 3, 16, 10, 0),
            {"return_method": "counter", "recipient_name": "Trần Thị Ngọc Ánh"},
        ),
    ]
    for what, who, at, data in steps:
        dossier = act(province, dossier, what, who, at, **data)
    return dossier


@pytest.fixture
def refused(in_quang_ninh):
    province = in_quang_ninh
    dossier = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(name="Hoàng Thị Yến"),
        actor=province.users["citizen"],
        at=vn(2026, 3, 9, 20, 0),
    )
    return act(
        province,
        dossier,
        Act.REFUSE,
        Role.RECEPTION_OFFICER,
        vn(2026, 3, 10, 8, 0),
        comment="Thủ tục không thuộc thẩm quyền của xã",
    )


def html(kind: str, dossier: Dossier, language: str) -> str:
    with translation.override(language):
        return " ".join(
            render_to_string(slips.TEMPLATES[kind], slips.BUILDERS[kind](dossier)).split()
        )


# The fields the domain review found missing (issue 15), by slip: the English label (msgid) and
# the value in the Vietnamese slip.
FIELDS = {
    "receipt": [
        ("place in the date line", "", "Quảng Ninh, ngày 02 tháng 03 năm 2026"),
        ("return channel", "By post to:", "Số 5 đường Lê Lợi, phường Hồng Gai"),
        ("certified copies apart from photocopies", "Certified copies", "Bản sao chứng thực"),
        ("number of sets", "2. Number of dossiers: 01 (set)", "01"),
        ("register book and entry", "book no.: 2026, entry no.: 2", "2026"),
        ("legal basis", "", "Mẫu số 01 Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
    ],
    "supplement": [
        ("place in the date line", "", "Quảng Ninh, ngày 03 tháng 03 năm 2026"),
        ("answer-by date", "Time limit for supplementing and completing the dossier", "13/03/2026"),
        ("legal basis", "", "Mẫu số 02 Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
    ],
    "apology": [
        ("place in the date line", "", "Quảng Ninh, ngày 11 tháng 03 năm 2026"),
        ("number and notation", "No.: ……/……", "……/……"),
        ("head's signature with seal", "(Sign, write the full name and affix the seal)", ""),
        ("recipients", "Recipients:", "Cơ quan xa-a"),
        ("legal basis", "", "Mẫu số 04 Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
    ],
    "control": [
        ("place in the date line", "", "Quảng Ninh, ngày 02 tháng 03 năm 2026"),
        ("signature at each hand-over", "Handed over by (signature)", ""),
        ("the return row", "Returning the result to the applicant", "16/03/2026"),
        ("legal basis", "", "Mẫu số 06 Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
    ],
}


@pytest.mark.parametrize("kind", list(FIELDS))
def test_each_field_on_each_slip_of_a_2026_dossier(lived, kind):
    english, vietnamese = html(kind, lived, "en"), html(kind, lived, "vi")
    for field, label, value in FIELDS[kind]:
        assert label in english, field
        assert value in vietnamese, field
    if kind == "control":  # one signature pair per hand-over, and one for the return
        hand_overs = vietnamese.count('<td class="sign">')
        assert hand_overs == lived.step_records.count() + 1


def test_the_refusal_states_its_legal_basis(refused):
    english, vietnamese = html("refusal", refused, "en"), html("refusal", refused, "vi")
    assert "Legal basis:" in english
    assert "31/2024/QH15 Luật Đất đai" in vietnamese
    assert "Quảng Ninh, ngày 10 tháng 03 năm 2026" in vietnamese
    assert "Mẫu số 03 Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP" in vietnamese


def test_the_book_and_entry_are_the_ordinal_of_the_year(lived, in_quang_ninh):
    def numbers(dossier):
        entry = register_entry(dossier)
        assert entry is not None
        return entry.book, entry.entry

    assert numbers(lived) == ("2026", 2)  # after the dossier of 5 January
    later = receive(in_quang_ninh, at=vn(2026, 3, 16, 8, 0), name="Sau")
    assert numbers(later) == ("2026", 3)
    next_year = receive(in_quang_ninh, at=vn(2027, 1, 4, 8, 0), name="Năm Sau")
    assert numbers(next_year) == ("2027", 1)


def test_the_pdfs_of_a_2026_dossier(lived, refused):
    """The PDFs render (images kept under test-artifacts/pdf for a look)."""
    for kind in [*FIELDS, "refusal"]:
        dossier = refused if kind == "refusal" else lived
        pdf = slips.render_slip(kind, dossier)
        save_png(pdf, f"forms-2026-{kind}")
        assert "Quảng Ninh, ngày" in " ".join(pdf_text(pdf, layout=False).split())
