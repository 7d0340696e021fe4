"""The officials' notices in the back office (/can-bo/hop-thu/): fed by an assignment and by the
overdue alert, counted in the nav, read one by one or all at once, private to their owner; and
the nav that links only to pages the user may open."""

import io
import re

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership, User
from motcua.dossiers import reminders
from motcua.dossiers.assignment import dossier_assign
from motcua.dossiers.tests.conftest import build_province, publish_process
from motcua.notifications.models import InboxItem

from .scenes import at_specialist

pytestmark = pytest.mark.django_db

INBOX = "/can-bo/hop-thu/"


@pytest.fixture
def province(db):
    province = build_province()
    publish_process(province)
    second = User.objects.create_user(username="chuyenvien2", password="x", full_name="Lê Thị Hoa")
    Membership.objects.create(user=second, agency=province.commune, role=Role.SPECIALIST)
    province.users["second"] = second
    return province


@pytest.fixture
def assigned(province, django_capture_on_commit_callbacks):
    dossier = at_specialist(province)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_assign(
            dossier=dossier,
            assignee=province.users["second"],
            actor=province.users[Role.DEPARTMENT_HEAD],
        )
    return dossier


def login(client, province, who):
    client.force_login(province.users[who])
    return client


def nav_links(html: str) -> list[str]:
    """The hrefs of the header's navigation."""
    menu = re.search(r'<ul class="mc-nav">(.*?)</ul>', html, re.S)
    assert menu is not None
    return re.findall(r'href="([^"]+)"', menu.group(1))


def unread_badge(html: str) -> str | None:
    """The count on the nav's "Notices" link."""
    found = re.search(
        rf'href="{INBOX}">Thông báo <span class="usa-tag mc-inbox-count">(\d+)<', html
    )
    return found.group(1) if found else None


def test_an_assignment_reaches_the_assignees_notices(client, province, assigned):
    login(client, province, "second")
    page = client.get(INBOX)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<strong>Phân công xử lý hồ sơ {assigned.code}</strong>" in html
    assert unread_badge(html) == "1"
    assert page["Cache-Control"].startswith("private") or "no-store" in page["Cache-Control"]
    item = InboxItem.objects.get(user=province.users["second"])
    detail = client.get(reverse("backoffice:inbox-item", args=[item.pk])).content.decode()
    assert "đã phân công Lê Thị Hoa xử lý hồ sơ" in detail
    assert f'href="/can-bo/ho-so/{assigned.code}/">Mở hồ sơ</a>' in detail
    item.refresh_from_db()
    assert item.read_at is not None
    assert unread_badge(client.get(INBOX).content.decode()) is None


def test_an_overdue_step_reaches_its_assignees_notices(
    client, province, assigned, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.alert_overdue_steps(now=timezone.now())
    login(client, province, "second")
    html = client.get(INBOX).content.decode()
    assert f"Hồ sơ {assigned.code} đã quá hạn ở bước “Thẩm định hồ sơ”" in html
    assert unread_badge(html) == "2"
    login(client, province, Role.SPECIALIST)  # the step is not theirs
    assert f"Hồ sơ {assigned.code} đã quá hạn" not in client.get(INBOX).content.decode()


def test_notices_are_private_and_can_all_be_marked_read(client, province, assigned):
    item = InboxItem.objects.get(user=province.users["second"])
    login(client, province, Role.SPECIALIST)
    assert client.get(reverse("backoffice:inbox-item", args=[item.pk])).status_code == 404
    login(client, province, "citizen")
    assert client.get(INBOX).status_code == 403
    login(client, province, "second")
    response = client.post(reverse("backoffice:inbox-read-all"), follow=True)
    assert response.redirect_chain == [(INBOX, 302)]
    assert "Tất cả thông báo đã được đánh dấu là đã đọc." in response.content.decode()
    item.refresh_from_db()
    assert item.read_at is not None


# The demo has one official per role (motcua/demo/tests/test_seed.py checks it); the back
# office may not import the demo, so every role is tried.
DEMO_ROLES = list(Role.values)


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_every_nav_link_opens_for_each_demo_role(client, province, role):
    login(client, province, role)
    start = client.get(INBOX)
    assert start.status_code == 200
    links = nav_links(start.content.decode())
    for link in links:
        response = client.get(link, follow=True)
        assert response.status_code == 200, (role, link)
    assert INBOX in links
    assert (reverse("backoffice:reception") in links) == (role == Role.RECEPTION_OFFICER)


def test_a_citizen_signed_in_gets_no_back_office_links(province):
    request = RequestFactory().get("/can-bo/")
    request.user = province.users["citizen"]
    html = render_to_string("backoffice/base.html", {"user": request.user}, request=request)
    assert [link for link in nav_links(html) if link.startswith("/can-bo/")] == []


def test_the_leaders_nav_has_no_reception(client, province):
    login(client, province, Role.LEADER)
    links = nav_links(client.get(INBOX).content.decode())
    assert reverse("backoffice:reception") not in links
    assert reverse("backoffice:dashboard") in links
    assert client.get(reverse("backoffice:reception")).status_code == 403


def test_every_nav_link_opens_for_each_official_of_the_demo(client, settings):
    """The demo as `make run` loads it (without its dossiers): every official it creates."""
    settings.DEBUG = True
    call_command("load_demo", "--no-dossiers", stdout=io.StringIO())
    officials = User.objects.filter(memberships__isnull=False).distinct().order_by("username")
    assert officials.count() >= 7
    for user in officials:
        client.force_login(user)
        links = nav_links(client.get(INBOX).content.decode())
        assert INBOX in links
        for link in links:
            assert client.get(link, follow=True).status_code == 200, (user.username, link)
