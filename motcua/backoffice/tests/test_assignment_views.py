"""Assignment in the back office: the page and its form, refusals with the reason in
Vietnamese, the panel on the dossier page (backoffice/_assignment.html) and "my tasks"."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership, User
from motcua.core import audit
from motcua.core.models import AuditEvent
from motcua.dossiers.assignment import open_step_record
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import build_province, publish_process

from .scenes import at_specialist

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    province = build_province()
    publish_process(province)
    second = User.objects.create_user(username="chuyenvien2", password="x", full_name="Lê Thị Hoa")
    Membership.objects.create(user=second, agency=province.commune, role=Role.SPECIALIST)
    province.users["second"] = second
    return province


@pytest.fixture
def dossier(province) -> Dossier:
    return at_specialist(province)


def url(dossier: Dossier) -> str:
    return reverse("backoffice:dossier-assign", args=[dossier.code])


def login(client, province, who):
    client.force_login(province.users[who])
    return client


def assign(client, dossier, assignee: User, comment: str = ""):
    return client.post(url(dossier), {"assignee": assignee.pk, "comment": comment})


def events(dossier: Dossier) -> int:
    return AuditEvent.objects.filter(chain=audit.chain_of(dossier), action="dossier.assign").count()


def test_the_head_assigns_from_the_page(client, province, dossier):
    login(client, province, Role.DEPARTMENT_HEAD)
    page = client.get(url(dossier))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Phân công cho" in html
    assert f'<option value="{province.users["second"].pk}">Lê Thị Hoa</option>' in html
    assert f'value="{province.users[Role.CLERK].pk}"' not in html  # not a specialist
    response = assign(client, dossier, province.users["second"], "Xử lý trong ngày")
    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    assert open_step_record(dossier=dossier).assignee == province.users["second"]
    followed = client.get(response["Location"])
    assert "Đã phân công hồ sơ cho Lê Thị Hoa." in followed.content.decode()


def test_the_leader_reassigns(client, province, dossier):
    login(client, province, Role.DEPARTMENT_HEAD)
    assign(client, dossier, province.users["second"])
    login(client, province, Role.LEADER)
    response = assign(client, dossier, province.users[Role.SPECIALIST])
    assert response.status_code == 302
    assert events(dossier) == 2
    followed = client.get(response["Location"]).content.decode()
    assert "Đã phân công lại hồ sơ cho specialist (trước đây giao cho Lê Thị Hoa)." in followed


@pytest.mark.parametrize("who", [Role.SPECIALIST, Role.RECEPTION_OFFICER, Role.CLERK])
def test_the_wrong_official_is_refused_in_vietnamese(client, province, dossier, who):
    login(client, province, who)
    response = assign(client, dossier, province.users["second"])
    assert response.status_code == 403
    html = response.content.decode()
    assert "Chưa phân công được hồ sơ" in html
    assert (
        "Chỉ trưởng phòng hoặc lãnh đạo của Cơ quan xa-a được phân công hồ sơ ở bước này." in html
    )
    assert events(dossier) == 0


def test_an_official_who_may_not_take_the_step_is_refused(client, province, dossier):
    login(client, province, Role.DEPARTMENT_HEAD)
    response = assign(client, dossier, province.users[Role.CLERK])
    assert response.status_code == 400
    assert (
        "Không thể phân công cho clerk: bước này phải do chuyên viên của Cơ quan xa-a"
        in response.content.decode()
    )
    assert events(dossier) == 0


def test_a_citizen_or_an_unknown_official_gets_nothing(client, province, dossier):
    login(client, province, "citizen")
    assert assign(client, dossier, province.users["second"]).status_code == 404
    login(client, province, Role.DEPARTMENT_HEAD)
    response = client.post(url(dossier), {"assignee": 999999})
    assert response.status_code == 400
    assert "Hãy chọn một cán bộ trong danh sách." in response.content.decode()
    assert events(dossier) == 0


def panel(province, dossier, who) -> str:
    request = RequestFactory().get("/")
    request.user = province.users[who]
    context = {"dossier": dossier, "key": dossier.code, "user": request.user}
    return render_to_string("backoffice/_assignment.html", context, request=request)


def test_the_panel_shows_the_assignee_and_the_form_only_to_assigners(client, province, dossier):
    head = panel(province, dossier, Role.DEPARTMENT_HEAD)
    assert "Chưa phân công: bất kỳ chuyên viên nào của Cơ quan xa-a cũng có thể xử lý." in head
    assert 'name="assignee"' in head
    assert 'name="assignee"' not in panel(province, dossier, Role.SPECIALIST)
    login(client, province, Role.DEPARTMENT_HEAD)
    assign(client, dossier, province.users["second"])
    others = panel(province, dossier, Role.SPECIALIST)
    assert "Đã phân công cho <strong>Lê Thị Hoa</strong>" in others
    assert "Phân công lại cho cán bộ khác" in panel(province, dossier, Role.LEADER)
    assert "Được phân công cho tôi" in panel(province, dossier, "second")


def worklist(client, name: str) -> str:
    return client.get(reverse("backoffice:worklist"), {"list": name}).content.decode()


def test_my_tasks_show_the_assignment(client, province, dossier):
    login(client, province, Role.DEPARTMENT_HEAD)
    assign(client, dossier, province.users["second"])
    login(client, province, "second")
    mine = worklist(client, "mine")
    assert dossier.code in mine and "Được phân công cho tôi" in mine
    login(client, province, Role.SPECIALIST)
    assert dossier.code not in worklist(client, "mine")
    agency = worklist(client, "agency")
    assert dossier.code in agency and "Đã phân công cho Lê Thị Hoa" in agency


def test_the_dossier_history_tells_the_assignment(client, province, dossier):
    login(client, province, Role.DEPARTMENT_HEAD)
    assign(client, dossier, province.users["second"])
    login(client, province, Role.LEADER)
    assign(client, dossier, province.users[Role.SPECIALIST])
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert html.count("Phân công cán bộ xử lý") == 2
    assert "Trước đây giao cho" in html and "Lê Thị Hoa" in html
