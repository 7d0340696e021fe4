"""The e-form answers on the officials' dossier page: every answer with its label, groups row
by row; the reception officer corrects one at intake through its small form (bad input shows
the reason and changes nothing; anyone else is refused and sees no form)."""

import pytest
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.core import audit
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import Act
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.answer_scenes import online_with_answers
from motcua.dossiers.tests.conftest import build_province, publish_process

pytestmark = pytest.mark.django_db

RECEPTION = Role.RECEPTION_OFFICER


@pytest.fixture
def province(db):
    province = build_province()
    publish_process(province)
    return province


def page(dossier: Dossier) -> str:
    return reverse("backoffice:dossier", args=[dossier.code or str(dossier.uid)])


def correct_url(dossier: Dossier) -> str:
    return reverse("backoffice:dossier-answer-correct", args=[dossier.code or str(dossier.uid)])


def state(dossier: Dossier) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        fresh.form_data,
        fresh.version,
        AuditEvent.objects.filter(chain=audit.chain_of(fresh)).count(),
    )


@pytest.mark.parametrize("who", [RECEPTION, Role.SPECIALIST, Role.PROVINCE_ADMIN])
def test_officials_see_every_answer(client, province, who):
    dossier = online_with_answers(province)
    client.force_login(province.users[who])
    html = client.get(page(dossier)).content.decode()
    assert "Nội dung tờ khai" in html
    for text in [
        "Diện tích (m²)",
        "12,5",
        "09/07/1990",
        "Giới tính",
        "Nam",
        "Bị mất",
        "15/01/2026",
        "SMS, Thư điện tử",
        "Đã kết hôn",
        "Không",
        "Cha, mẹ",
        "Người thứ 1",
        "Nguyễn Văn Cha",
        "02/01/1960",
        "Người thứ 2",
        "Lê Thị Mẹ",
        "Dòng một<br>Dòng hai",
    ]:
        assert text in html, text
    may_correct = who == RECEPTION
    assert ("Sửa nội dung này" in html) is may_correct
    assert (correct_url(dossier) in html) is may_correct


def test_in_english_the_labels_are_english(client, province):
    dossier = online_with_answers(province)
    client.force_login(province.users[RECEPTION])
    html = client.get("/en" + page(dossier)).content.decode()
    assert "Form answers" in html and "Full name" in html and "Male" in html and "No" in html


def test_an_official_of_another_agency_sees_nothing(client, province):
    dossier = online_with_answers(province)
    client.force_login(province.users["outsider"])
    assert client.get(page(dossier)).status_code == 404
    before = state(dossier)
    response = client.post(correct_url(dossier), {"path": "sex", "value": "nu"})
    assert response.status_code == 404
    assert state(dossier) == before


def test_the_reception_officer_corrects_an_answer(client, province):
    dossier = online_with_answers(province)
    client.force_login(province.users[RECEPTION])
    version = Dossier.objects.get(pk=dossier.pk).version
    response = client.post(
        correct_url(dossier), {"path": "birth_date", "value": "10/07/1990", "version": version}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#answers-title")
    assert Dossier.objects.get(pk=dossier.pk).form_data["birth_date"] == "1990-07-10"
    html = client.get(response["Location"]).content.decode()
    assert "Đã sửa nội dung tờ khai và ghi vào lịch sử hồ sơ." in html
    assert "10/07/1990" in html
    # the history tells what changed, before and after, and who
    assert "Sửa nội dung tờ khai" in html
    assert "Nội dung trước khi sửa: 09/07/1990" in html
    assert "Nội dung sau khi sửa: 10/07/1990" in html


def test_check_boxes_and_group_rows_through_the_form(client, province):
    dossier = online_with_answers(province)
    client.force_login(province.users[RECEPTION])
    client.post(correct_url(dossier), {"path": "channels", "value": ["SMS"], "multiple": "1"})
    client.post(correct_url(dossier), {"path": "parents.1.parent_name", "value": "Lê Thị Hoa"})
    data = Dossier.objects.get(pk=dossier.pk).form_data
    assert data["channels"] == ["SMS"] and data["parents"][1]["parent_name"] == "Lê Thị Hoa"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("birth_date", "31/02/1990", "là một ngày có thật"),
        ("applicant_name", "", "Hãy nhập “Họ và tên”."),
        ("sex", "nam", "Nội dung mới giống nội dung hiện tại"),
    ],
)
def test_bad_input_is_shown_next_to_the_answer_and_changes_nothing(
    client, province, path, value, message
):
    dossier = online_with_answers(province)
    client.force_login(province.users[RECEPTION])
    before = state(dossier)
    response = client.post(correct_url(dossier), {"path": path, "value": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="usa-error-message"' in html
    assert 'id="act-errors"' in html  # and summed up at the top of the page
    assert '<details class="mc-correct"' in html and " open>" in html
    assert state(dossier) == before


def test_an_unknown_answer_is_refused_at_the_top(client, province):
    dossier = online_with_answers(province)
    client.force_login(province.users[RECEPTION])
    before = state(dossier)
    response = client.post(correct_url(dossier), {"path": "nothing", "value": "x"})
    assert response.status_code == 400
    assert "tờ khai không có mục này" in response.content.decode()
    assert state(dossier) == before


@pytest.mark.parametrize("who", [Role.SPECIALIST, Role.LEADER])
def test_other_officials_are_refused(client, province, who):
    dossier = online_with_answers(province)
    client.force_login(province.users[who])
    before = state(dossier)
    response = client.post(correct_url(dossier), {"path": "sex", "value": "nu"})
    assert response.status_code == 403
    assert "Chỉ cán bộ tiếp nhận của Cơ quan xa-a được sửa nội dung tờ khai." in (
        response.content.decode()
    )
    assert state(dossier) == before


def test_after_acceptance_no_form_and_no_change(client, province):
    dossier = online_with_answers(province)
    dossier = dossier_act(dossier=dossier, act=Act.ACCEPT, actor=province.users[RECEPTION])
    client.force_login(province.users[RECEPTION])
    html = client.get(page(dossier)).content.decode()
    assert "Nội dung tờ khai" in html and "Sửa nội dung này" not in html
    before = state(dossier)
    response = client.post(correct_url(dossier), {"path": "sex", "value": "nu"})
    assert response.status_code == 409
    assert "Chỉ được sửa nội dung tờ khai trước khi tiếp nhận hồ sơ." in response.content.decode()
    assert state(dossier) == before


def test_a_counter_dossier_has_no_answers_section(client, province):
    dossier = online_with_answers(province)
    Dossier.objects.filter(pk=dossier.pk).update(form_data=None, form_version=None)
    client.force_login(province.users[RECEPTION])
    assert "Nội dung tờ khai" not in client.get(page(dossier)).content.decode()


def test_the_answers_cost_no_query_per_answer(client, province, django_assert_max_num_queries):
    dossier = online_with_answers(province)
    client.force_login(province.users[RECEPTION])
    # the page's own queries, plus the e-form and the officer's roles, whatever the answers
    with django_assert_max_num_queries(30):
        assert client.get(page(dossier)).status_code == 200
