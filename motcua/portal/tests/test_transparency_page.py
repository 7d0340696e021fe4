"""The public transparency page (/minh-bach/): no login, three periods, charts with their table
fallback, only aggregate numbers; a bad period is a clear 400; and in a real browser at 360 and
1280 px with axe-core."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import check_page
from motcua.accounts.constants import Role
from motcua.dossiers.constants import Act
from motcua.dossiers.ratings import dossier_rate
from motcua.dossiers.services import ActInput, dossier_act
from motcua.dossiers.tests.conftest import build_province, receive

URL = "/minh-bach/"


def recent_dossiers():
    """Three dossiers received an hour ago; one of them resolved, returned and rated."""
    province = build_province()
    at = timezone.now() - timedelta(hours=1)
    dossiers = [receive(province, at=at, name=f"Trần Thị Riêng {n}") for n in range(3)]
    reception, leader = province.users[Role.RECEPTION_OFFICER], province.users[Role.LEADER]
    done = dossier_act(dossier=dossiers[0], act=Act.FORWARD, actor=reception)
    done = dossier_act(
        dossier=done, act=Act.FINISH, actor=leader, data=ActInput(result_number="1/GCN")
    )
    done = dossier_act(
        dossier=done,
        act=Act.RETURN_RESULT,
        actor=reception,
        data=ActInput(return_method="counter", recipient_name="Trần Thị Riêng 0"),
    )
    dossier_rate(dossier=done, actor=province.users["citizen"], overall="very_satisfied")
    return province, dossiers


@pytest.fixture
def recent(db, settings):
    settings.MOTCUA_TRANSPARENCY_CACHE_SECONDS = 0
    return recent_dossiers()


def test_the_address():
    assert reverse("portal:transparency") == URL


@pytest.mark.parametrize("period", ["thang", "quy", "nam"])
def test_every_period_without_login(client, recent, period):
    response = client.get(URL, {"ky": period})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{URL}?ky={period}" aria-current="page"' in html
    assert html.count('<figure class="mc-chart"') == 2
    assert html.count('<details class="mc-chart__numbers"') == 2
    assert '<details class="mc-more"' not in html  # three dossiers: nothing to hide
    for svg in response.context["agency_chart"], response.context["trend_chart"]:
        ET.fromstring(str(svg.svg))  # noqa: S314 (our own markup, in a test)
    data = response.context["data"]
    assert (data.total.row.received, data.total.row.resolved, data.total.rated) == (3, 1, 1)


def test_only_aggregate_numbers(client, recent):
    province, dossiers = recent
    html = client.get(URL).content.decode()
    assert "Trần Thị Riêng" not in html
    assert "Nguyễn Văn An" not in html
    for dossier in dossiers:
        assert dossier.code not in html
    assert province.commune.name in html


def test_a_bad_period_says_so_and_shows_this_month(client, recent):
    response = client.get(URL, {"ky": "tuan"})
    assert response.status_code == 400
    assert response.context["error"]
    assert response.context["data"].kind == "month"


def test_the_footer_links_to_it(client, db):
    assert f'href="{URL}"' in client.get("/").content.decode()


# --- in a browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_the_page_in_a_browser(page, live_server, settings):
    settings.MOTCUA_TRANSPARENCY_CACHE_SECONDS = 0
    recent_dossiers()
    page.goto(live_server.url + URL)
    assert page.locator("h1").count() == 1
    assert page.locator("figure.mc-chart svg[role=img]").count() == 2
    assert page.locator("figure.mc-chart details table").count() == 2
    check_page(page, "portal-transparency", open_details=True)
    for period in ("quy", "nam", "thang"):
        page.locator(f"a[href='{URL}?ky={period}']").click()
        page.wait_for_url(f"**{URL}?ky={period}")
        assert page.locator(f"a[href='{URL}?ky={period}']").get_attribute("aria-current") == "page"
        assert page.locator("figure.mc-chart svg[role=img]").count() == 2
    page.locator("#chart-agencies summary").click()
    assert page.locator("#chart-agencies table").is_visible()
    check_page(page, "portal-transparency-month")


# --- a province's worth of rows on a phone ----------------------------------------------------


def province_sized(kind: str = "month", today=None):
    """What a province's page holds: a few dozen agencies (departments and communes), the fields
    of the catalogue, twelve months, apologies from many agencies."""
    from datetime import date

    from motcua.reporting.statistics import MonthStat, StatRow
    from motcua.reporting.transparency import ApologyCount, Line, Transparency

    def line(kind_: str, n: int, label: str) -> Line:
        row = StatRow(
            kind=kind_,
            key=n,
            label=label,
            received_online=n % 7,
            received_counter=40 - n % 37,
            resolved_on_time=20 - n % 11,
            resolved_late=n % 3,
        )
        return Line(row, rated=n % 5, satisfied=n % 4)

    agencies = tuple(line("agency", n, f"Ủy ban nhân dân xã Số {n}") for n in range(1, 61))
    fields = tuple(line("field", n, f"Lĩnh vực số {n} của danh mục") for n in range(1, 31))
    trend = tuple(
        MonthStat(date(2025, m, 1), date(2025, m, 1), date(2025, m, 28), line("total", m, "").row)
        for m in range(1, 13)
    )
    return Transparency(
        kind=kind,
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        total=line("total", 0, ""),
        agencies=agencies,
        fields=fields,
        trend=trend,
        apologies=tuple(ApologyCount(f"Ủy ban nhân dân xã Số {n}", n % 4 + 1) for n in range(40)),
    )


def test_long_tables_show_the_busiest_rows_and_the_rest_on_demand(client, db, monkeypatch):
    monkeypatch.setattr("motcua.portal.transparency_views.transparency_data", province_sized)
    html = client.get(URL).content.decode()
    busiest = "Ủy ban nhân dân xã Số 37"  # 42 received, the most (tied with 38-41, after it)
    assert html.index(busiest) < html.index('<details class="mc-more"')
    for n in range(1, 61):  # every agency is still on the page
        assert f"Ủy ban nhân dân xã Số {n}<" in html


@pytest.mark.browser
def test_the_phone_page_stays_short_with_a_province_of_rows(page, live_server, monkeypatch):
    monkeypatch.setattr("motcua.portal.transparency_views.transparency_data", province_sized)
    page.goto(live_server.url + URL)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 8000, height
    more = page.locator("details.mc-more").first
    more.locator("summary").click()
    assert more.locator("table tbody tr").count() > 0
    assert more.locator("table tbody tr").first.is_visible()
    check_page(page, "portal-transparency-province")
