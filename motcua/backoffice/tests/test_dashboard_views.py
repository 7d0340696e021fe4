"""The leaders' dashboard (/can-bo/bang-dieu-khien/) and the explained 766 index
(/can-bo/chi-so-766/): what a leader sees, who is refused (another agency's leader, officials
without a leading role, citizens, anonymous visitors), bad input; and both pages in a real
browser for a leader."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import open_menu
from motcua.accounts.constants import Role
from motcua.accounts.models import Membership, User
from motcua.dossiers.tests.conftest import build_province, receive
from motcua.reporting.tests.outcomes import build_march

from .test_browser_backoffice import check_page
from .test_browser_backoffice import log_in as browser_log_in

DASHBOARD = "/can-bo/bang-dieu-khien/"
INDEX = "/can-bo/chi-so-766/"
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture
def march(db):
    return build_march(build_province())


def other_leader(province) -> User:
    user = User.objects.create_user(username="lanhdao-xa-b", password="x")
    Membership.objects.create(user=user, agency=province.other_commune, role=Role.LEADER)
    return user


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_a_leader_sees_the_dashboard_of_their_agency(client, march, period):
    client.force_login(march.province.users[Role.LEADER])
    response = client.get(DASHBOARD, {"period": period})
    assert response.status_code == 200
    assert response.context["data"].agency == march.province.commune
    html = response.content.decode()
    assert html.count('<figure class="mc-chart"') == 3
    for name in ("trend_chart", "overdue_chart", "backlog_chart"):
        ET.fromstring(str(response.context[name].svg))  # noqa: S314 (our own markup)
    assert f'href="{DASHBOARD}"' in html  # the nav link


def test_the_nav_link_is_for_leaders_only(client, march):
    client.force_login(march.province.users[Role.SPECIALIST])
    assert f'href="{DASHBOARD}"' not in client.get("/can-bo/so-theo-doi/").content.decode()


@pytest.mark.parametrize("who", [Role.SPECIALIST, Role.RECEPTION_OFFICER, "citizen", "outsider"])
def test_refused_without_a_leading_role(client, march, who):
    client.force_login(march.province.users[who])
    assert client.get(DASHBOARD).status_code == 404


def test_refused_for_another_agencys_leader(client, march):
    client.force_login(other_leader(march.province))
    assert client.get(DASHBOARD).status_code == 200  # their own
    assert client.get(DASHBOARD, {"agency": "xa-a"}).status_code == 404
    assert client.get(INDEX, {"agency": "xa-a"} | MARCH).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in (DASHBOARD, INDEX):
        response = client.get(url)
        assert response.status_code == 302
        assert "/can-bo/dang-nhap/" in response["Location"]


def test_a_bad_period_is_400(client, march):
    client.force_login(march.province.users[Role.LEADER])
    assert client.get(DASHBOARD, {"period": "week"}).status_code == 400


def test_the_index_explains_every_indicator(client, march):
    client.force_login(march.province.users[Role.LEADER])
    response = client.get(INDEX, MARCH)
    assert response.status_code == 200
    index = response.context["index"]
    html = response.content.decode()
    for group in index.groups:
        assert f'id="group-{group.code}"' in html
        for indicator in group.indicators:
            assert f'id="indicator-{indicator.code}"' in html
    assert "66,7%" in html  # timeliness: 4 of 6
    assert "13,33" in html  # the timeliness points, decimal comma


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-03-31", "date_to": "2026-03-01"},
        {"date_from": "2025-01-01", "date_to": "2026-03-31"},
        {"date_from": "hôm qua", "date_to": "2026-03-31"},
    ],
)
def test_the_index_with_a_bad_period_shows_the_form(client, march, query):
    client.force_login(march.province.users[Role.LEADER])
    response = client.get(INDEX, query)
    assert response.status_code == 400
    assert "index" not in response.context
    assert response.context["form"].errors


def test_the_index_is_not_for_citizens(client, march):
    client.force_login(march.province.users["citizen"])
    assert client.get(INDEX, MARCH).status_code == 404


# --- in a browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_the_dashboard_and_the_index_in_a_browser(page, live_server):
    province = build_province()
    for days in (1, 20):  # one running, one overdue
        receive(province, at=timezone.now() - timedelta(days=days))
    browser_log_in(page, live_server.url, Role.LEADER)
    open_menu(page)  # the phone header's menu
    page.locator(f"nav a[href='{DASHBOARD}']").click()
    page.wait_for_url(f"**{DASHBOARD}")
    assert page.locator("figure.mc-chart svg[role=img]").count() == 3
    check_page(page, "dashboard", open_details=True)
    page.locator("#id_period").select_option("year")
    page.locator("form.mc-filters button[type=submit]").click()
    page.wait_for_url("**period=year**")
    assert page.locator("figure.mc-chart svg[role=img]").count() == 3
    page.locator(f"a[href^='{INDEX}']").click()
    page.wait_for_url(f"**{INDEX}**")
    assert page.locator("#group-timeliness").count() == 1
    check_page(page, "index-766")
