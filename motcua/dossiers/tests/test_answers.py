"""A dossier's e-form answers: read in the form they were given in (or raw when it changed),
corrected at intake by the reception officer only, checked against the form's rules, in one
transaction with its event in the dossier's chain; bad input and the wrong user change nothing.
The receipt (Mẫu 01) prints them and stays on one page."""

import copy

import pytest
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.catalogue.constants import PublicationStatus
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.documents.tests.pdf_tools import pdf_pages, pdf_text, save_png
from motcua.dossiers.answers import (
    answers_correctable,
    answers_in_brief,
    dossier_answer_correct,
    dossier_answers,
    dossier_form,
    editable_answers,
)
from motcua.dossiers.constants import Act, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActInput, ComponentReceived, dossier_act
from motcua.dossiers.slips import render_slip
from motcua.eforms.models import EForm
from motcua.eforms.services import eform_save

from .answer_scenes import BIRTH, BIRTH_ANSWERS, FAMILY, online_with_answers

pytestmark = pytest.mark.django_db

RECEPTION = Role.RECEPTION_OFFICER


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def snapshot(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    events = AuditEvent.objects.filter(chain=audit.chain_of(fresh)).count()
    return fresh.form_data, fresh.version, fresh.applicant_phone, events


def correct(province, dossier, path, value, who=RECEPTION, **extra):
    return dossier_answer_correct(
        dossier=dossier, path=path, value=value, actor=province.users[who], **extra
    )


# --- reading ----------------------------------------------------------------------------------


def test_answers_in_the_form_they_were_given_in(province):
    dossier = online_with_answers(province)
    rows = dossier_answers(dossier)
    assert [(row.key, row.value) for row in rows][:4] == [
        ("applicant_name", "Nguyễn Văn An"),
        ("note", "Dòng một\nDòng hai"),
        ("area", "12,5"),
        ("birth_date", "09/07/1990"),
    ]
    parents = rows[-1]
    assert parents.is_group and [row.label for row in parents.rows] == [
        "Người thứ 1",
        "Người thứ 2",
    ]
    assert not dossier_form(dossier).changed


def test_a_changed_form_shows_the_answers_it_lost_raw(province):
    dossier = online_with_answers(province)
    smaller = copy.deepcopy(FAMILY)
    smaller["fields"] = [f for f in smaller["fields"] if f["key"] not in ("area", "parents")]
    eform_save(
        procedure=province.procedure,
        definition=smaller,
        status=PublicationStatus.PUBLISHED,
        actor=province.users[Role.PROVINCE_ADMIN],
    )
    form = dossier_form(dossier)
    assert form.changed and (form.version, form.current_version) == (1, 2)
    rows = {row.key: row for row in dossier_answers(dossier)}
    assert (rows["area"].label, rows["area"].value, rows["area"].known) == ("area", "12.5", False)
    assert rows["parents"].is_group and not rows["parents"].known
    assert rows["sex"].value == "Nam"


def test_without_the_e_form_every_answer_is_raw(province):
    dossier = online_with_answers(province)
    EForm.objects.all().delete()
    rows = dossier_answers(dossier)
    assert rows and not any(row.known for row in rows)
    assert dossier_form(dossier).spec is None
    assert editable_answers(dossier) == {}


def test_the_default_form_of_version_0(province):
    dossier = online_with_answers(province)
    dossier.form_version = 0
    dossier.form_data = {"applicant_name": "An", "request": "Cấp lại"}
    labels = [row.label for row in dossier_answers(dossier)]
    assert labels == ["Họ, chữ đệm và tên", "Nội dung đề nghị"]


def test_a_counter_dossier_has_no_answers(province):
    dossier = online_with_answers(province)
    dossier.form_data = None
    assert dossier_answers(dossier) == []
    assert not answers_correctable(dossier=dossier, user=province.users[RECEPTION])


# --- correcting at intake ---------------------------------------------------------------------


def test_the_reception_officer_corrects_an_answer(province):
    dossier = online_with_answers(province)
    before = Dossier.objects.get(pk=dossier.pk).version
    updated = correct(province, dossier, "birth_date", "10/07/1990", expected_version=before)
    assert updated.form_data["birth_date"] == "1990-07-10"
    assert updated.version == before + 1
    event = AuditEvent.objects.filter(chain=audit.chain_of(updated)).last()
    assert event.action == "dossier.answer_corrected"
    assert event.actor == province.users[RECEPTION]
    assert event.data["field"] == "birth_date" and event.data["label"] == "Ngày sinh"
    assert (event.data["old"], event.data["new"]) == ("1990-07-09", "1990-07-10")
    assert (event.data["old_text"], event.data["new_text"]) == ("09/07/1990", "10/07/1990")
    assert audit.first_broken_link(audit.chain_of(updated)) is None
    assert {row.key: row.value for row in dossier_answers(updated)}["birth_date"] == "10/07/1990"


def test_a_row_of_a_group_and_the_applicant_follow(province):
    dossier = online_with_answers(province)
    updated = correct(province, dossier, "parents.1.parent_name", "Lê Thị Hoa")
    assert updated.form_data["parents"][1] == {"parent_name": "Lê Thị Hoa"}
    assert updated.form_data["parents"][0]["parent_name"] == "Nguyễn Văn Cha"
    updated = correct(province, updated, "applicant_phone", "0987 654 321")
    assert updated.form_data["applicant_phone"] == "0987654321"
    assert Dossier.objects.get(pk=dossier.pk).applicant_phone == "0987654321"


@pytest.mark.parametrize(
    ("path", "value", "changes"),
    [
        ("sex", "nu", {"sex": "nu"}),
        ("channels", ["SMS"], {"channels": ["SMS"]}),
        ("married", "true", {"married": True}),
        ("area", "13,5", {"area": "13.5"}),
        ("note", "", {"note": None}),  # an optional answer cleared
    ],
)
def test_each_kind_of_input(province, path, value, changes):
    dossier = online_with_answers(province)
    updated = correct(province, dossier, path, value)
    for key, expected in changes.items():
        assert updated.form_data.get(key) == expected


def test_an_answer_the_change_hides_is_removed_and_recorded(province):
    dossier = online_with_answers(province)
    updated = correct(province, dossier, "reason", "new")
    assert "lost_on" not in updated.form_data
    event = AuditEvent.objects.filter(chain=audit.chain_of(updated)).last()
    assert event.data["removed"] == {"lost_on": "2026-01-15"}


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("birth_date", "31/02/1990", "nhập “Ngày sinh” là một ngày có thật"),
        ("birth_date", "01/01/2030", "“Ngày sinh” không được là ngày trong tương lai."),
        ("applicant_name", "  ", "Hãy nhập “Họ và tên”."),
        ("applicant_phone", "12345", "nhập số điện thoại Việt Nam"),
        ("applicant_id_number", "0221", "phải gồm đúng 12 chữ số"),
        ("sex", "khac", "chọn một trong các lựa chọn"),
        ("area", "abc", "“Diện tích (m²)”"),
        ("sex", "nam", "Nội dung mới giống nội dung hiện tại"),
        ("lost_on", "", "Hãy nhập “Ngày bị mất”."),
        ("nothing", "x", "tờ khai không có mục này"),
        ("parents.5.parent_name", "x", "tờ khai không có mục này"),
        ("parents.0.parent_name", "", "Người thứ 1: Họ, chữ đệm, tên"),
    ],
)
def test_bad_input_changes_nothing(province, path, value, message):
    dossier = online_with_answers(province)
    before = snapshot(dossier)
    with pytest.raises(ValidationFailed) as refused:
        correct(province, dossier, path, value)
    assert message in " ".join([refused.value.message, *refused.value.errors])
    assert snapshot(dossier) == before


def test_a_change_that_leaves_a_required_answer_missing_is_refused(province):
    dossier = online_with_answers(province, BIRTH, BIRTH_ANSWERS | {"copies_requested": False})
    dossier.form_data.pop("copies")
    dossier.save()
    before = snapshot(dossier)
    with pytest.raises(ValidationFailed) as refused:
        correct(province, dossier, "copies_requested", "true")
    assert refused.value.errors == ["Hãy nhập “Số bản sao”."]
    assert snapshot(dossier) == before


@pytest.mark.parametrize("who", [Role.SPECIALIST, Role.LEADER, "outsider", "citizen"])
def test_anyone_but_the_reception_officer_is_refused(province, who):
    dossier = online_with_answers(province)
    before = snapshot(dossier)
    assert not answers_correctable(dossier=dossier, user=province.users[who])
    with pytest.raises(DomainError) as refused:
        correct(province, dossier, "sex", "nu", who=who)
    assert refused.value.code == "act_not_permitted"
    assert "Chỉ cán bộ tiếp nhận của Cơ quan xa-a" in refused.value.message
    assert snapshot(dossier) == before


def test_after_acceptance_the_answers_are_locked(province, process):
    dossier = online_with_answers(province)
    assert answers_correctable(dossier=dossier, user=province.users[RECEPTION])
    dossier = dossier_act(dossier=dossier, act=Act.ACCEPT, actor=province.users[RECEPTION])
    before = snapshot(dossier)
    assert not answers_correctable(dossier=dossier, user=province.users[RECEPTION])
    with pytest.raises(DomainError) as refused:
        correct(province, dossier, "sex", "nu")
    assert refused.value.code == "answers_locked"
    assert snapshot(dossier) == before


def test_while_the_desk_waits_for_papers_it_may_still_correct(province):
    dossier = online_with_answers(province)
    dossier = dossier_act(
        dossier=dossier,
        act=Act.REQUEST_SUPPLEMENT,
        actor=province.users[RECEPTION],
        data=ActInput(missing=["Giấy chứng sinh"]),
    )
    assert dossier.status == DossierStatus.INTAKE_SUPPLEMENT_REQUESTED
    assert correct(province, dossier, "sex", "nu").form_data["sex"] == "nu"


def test_a_stale_page_is_refused(province):
    dossier = online_with_answers(province)
    seen = Dossier.objects.get(pk=dossier.pk).version
    correct(province, dossier, "sex", "nu", expected_version=seen)
    before = snapshot(dossier)
    with pytest.raises(DomainError) as refused:
        correct(province, dossier, "note", "Khác", expected_version=seen)
    assert refused.value.code == "stale_version"
    assert snapshot(dossier) == before


# --- the receipt (Mẫu 01) ---------------------------------------------------------------------

BIRTH_PAPERS = [
    "Tờ khai đăng ký khai sinh theo mẫu",
    "Giấy chứng sinh; nếu không có thì văn bản của người làm chứng hoặc giấy cam đoan về việc sinh",
    "Giấy tờ tùy thân của người đi đăng ký",
]


def accepted_birth(province, papers: list[str], **applicant) -> Dossier:
    dossier = online_with_answers(
        province,
        BIRTH,
        BIRTH_ANSWERS,
        components=[ComponentReceived(name=name, originals=1) for name in papers],
    )
    if applicant:
        Dossier.objects.filter(pk=dossier.pk).update(**applicant)
        dossier.refresh_from_db()
    return dossier_act(dossier=dossier, act=Act.ACCEPT, actor=province.users[RECEPTION])


def test_the_receipt_prints_the_declaration_on_one_page(province, process):
    dossier = accepted_birth(province, BIRTH_PAPERS)
    pdf = render_slip("receipt", dossier)
    save_png(pdf, "mau-01-receipt-birth")  # looked at: one page, signatures at the bottom
    assert pdf_pages(pdf) == 1
    page = " ".join(pdf_text(pdf).split())
    for expected in [
        "Nội dung tờ khai điện tử:",
        "Họ, chữ đệm, tên người được khai sinh: Trần Minh Khôi",
        "Ngày, tháng, năm sinh: 02/03/2026",
        "Giới tính: Nam",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN",
    ]:
        assert expected in page, expected
    # the applicant's own details are printed once, in their place
    assert "Họ, chữ đệm, tên người yêu cầu" not in page


def test_a_long_receipt_still_fits_on_one_page(province, process):
    papers = BIRTH_PAPERS + [f"Giấy tờ chứng minh thứ {n} theo quy định" for n in range(1, 4)]
    dossier = accepted_birth(
        province,
        papers,
        representative_name="Lê Văn Hùng",
        representative_id_number="022085001122",
        authorisation="Giấy ủy quyền số 12/2026, chứng thực ngày 25/02/2026",
    )
    pdf = render_slip("receipt", dossier)
    save_png(pdf, "mau-01-receipt-long")
    assert pdf_pages(pdf) == 1
    page = " ".join(pdf_text(pdf).split())
    assert "Trần Minh Khôi" in page and "NGƯỜI TIẾP NHẬN" in page
    assert "(toàn bộ tờ khai có trong hồ sơ điện tử)" in page


def test_the_brief_leaves_out_what_does_not_fit(province):
    dossier = online_with_answers(province, BIRTH, BIRTH_ANSWERS)
    everything, cut = answers_in_brief(dossier, limit=10_000)
    assert not cut and "Số bản sao: 2" in everything
    assert not any(text.startswith("Họ, chữ đệm, tên người yêu cầu") for text in everything)
    some, cut = answers_in_brief(dossier, limit=200)
    assert cut and some == everything[: len(some)] and sum(len(t) + 2 for t in some) <= 200
    groups, _cut = answers_in_brief(online_with_answers(province), limit=10_000)
    assert groups[-1] == (
        "Cha, mẹ: Người thứ 1 (Họ, chữ đệm, tên: Nguyễn Văn Cha; Ngày sinh: 02/01/1960); "
        "Người thứ 2 (Họ, chữ đệm, tên: Lê Thị Mẹ)"
    )
