"""The statistics page (/can-bo/thong-ke/) and its XLSX: the table for an official of the
agency, the workbook with the same numbers and the report's layout, the form's errors (400) for
a bad period or someone else's agency, 404 for people who are not officials; and the page in a
real browser, whose numbers equal the downloaded workbook's."""

import io
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from conftest import open_menu
from motcua.accounts.constants import Role
from motcua.reporting.report import COLUMNS, FLAT_COLUMNS, TITLE
from motcua.reporting.statistics import statistics_table
from motcua.reporting.tests.conftest import build_tree
from motcua.reporting.tests.test_statistics import COMMUNE, END, OTHER, START, TOTAL, build

from .test_browser_backoffice import check_page
from .test_browser_backoffice import log_in as browser_log_in

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": START.isoformat(), "date_to": END.isoformat()}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def vi(text) -> str:
    """`text` as the Vietnamese page shows it (the msgid until the catalogue is compiled)."""
    with translation.override("vi"):
        return str(translation.gettext(text) if isinstance(text, str) else text)


@pytest.fixture
def tree(db):
    tree = build_tree()
    build(tree)
    return tree


def url(name: str = "statistics", **query: str) -> str:
    return f"{reverse(f'backoffice:{name}')}?{urlencode(query)}"


def as_user(client, tree, who):
    client.force_login(tree.province.users[who])
    return client


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [row for row in sheet.iter_rows(min_row=9, values_only=True)]


def test_the_page_shows_the_table_with_totals(client, tree):
    response = as_user(client, tree, Role.SUPERVISOR).get(url(agency="tinh", **PERIOD))
    assert response.status_code == 200
    page = response.content.decode()
    for column in FLAT_COLUMNS:
        assert vi(column.label) in page, column.key
    assert vi("Grand total") in page
    assert "Khu vực A" in page and "Cơ quan xa-b" in page
    assert 'href="/can-bo/thong-ke/tai-ve.xlsx?agency=tinh' in page


def test_the_xlsx_holds_the_same_numbers_in_an_official_layout(client, tree):
    response = as_user(client, tree, Role.SUPERVISOR).get(
        url("statistics-xlsx", agency="tinh", group_by="agency", **PERIOD)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "thong-ke-tinh-20260201-20260331-agency.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.freeze_panes == "C9"
    assert sheet["A4"].value == vi(TITLE)
    assert "01/02/2026" in sheet["A5"].value and "31/03/2026" in sheet["A5"].value
    assert sheet["C7"].value == vi(COLUMNS[0].columns[0].label)
    assert "C7:C8" in sheet.merged_cells and "D7:G7" in sheet.merged_cells
    assert sheet["D7"].value == vi(COLUMNS[1].label)
    assert sheet["D8"].value == vi(COLUMNS[1].columns[0].label)
    assert sheet["D9"].number_format == "#,##0"
    assert sheet["D9"].border.left.style == "thin"
    rows = sheet_rows(response.content)
    keys = [column.key for column in FLAT_COLUMNS]
    table = statistics_table(agency=tree.top, start=START, end=END)
    assert [r[1] for r in rows] == ["Cơ quan xa-b", "Khu vực A", vi("Grand total")]
    for got, expected in zip(rows, (*table.rows, table.total), strict=True):
        values = dict(zip(keys, got[2:], strict=True))
        for name, count in expected.counts().items():
            assert values[name] == count, name
    assert dict(zip(keys, rows[1][2:], strict=True))["carried_over"] == COMMUNE["carried_over"]
    assert dict(zip(keys, rows[0][2:], strict=True))["received"] == OTHER["received_counter"]
    assert dict(zip(keys, rows[2][2:], strict=True))["on_time_rate"] == 75.0
    assert rows[2][2] == TOTAL["carried_over"]


@pytest.mark.parametrize("group_by", ["field", "procedure"])
def test_other_groupings(client, tree, group_by):
    response = as_user(client, tree, Role.SUPERVISOR).get(
        url("statistics-xlsx", agency="tinh", group_by=group_by, separate="on", **PERIOD)
    )
    labels = [row[1] for row in sheet_rows(response.content)]
    if group_by == "field":
        assert labels == ["Đất đai", "Hộ tịch", vi("Grand total")]
    else:
        assert len(labels) == 3 and labels[0].startswith("1.001193")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"date_from": "2026-03-01", "date_to": "2026-02-01"},
            "The last day of the period is before the first.",
        ),
        ({"date_from": "2025-01-01", "date_to": "2026-03-01"}, "366"),
        ({"agency": "xa-b"}, "Choose one of your agencies."),
        ({"group_by": "colour"}, "Group by agency, field or procedure."),
        ({"date_from": "hôm qua"}, "Enter a valid date."),
    ],
)
@pytest.mark.parametrize("name", ["statistics", "statistics-xlsx"])
def test_bad_input_shows_the_form_with_an_error(client, tree, query, message, name):
    response = as_user(client, tree, Role.SPECIALIST).get(url(name, **({"agency": "xa-a"} | query)))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert vi(message) in response.content.decode()


def test_an_official_sees_only_their_agencies(client, tree):
    response = as_user(client, tree, Role.SPECIALIST).get(url())
    assert response.status_code == 200
    form = response.context["form"]
    assert [a.slug for a in form.fields["agency"].queryset] == ["xa-a"]
    assert response.context["table"].agency == tree.province.commune


@pytest.mark.parametrize("who", ["citizen", None])
def test_not_for_citizens_or_anonymous(client, tree, who):
    if who:
        as_user(client, tree, who)
    for name in ("statistics", "statistics-xlsx"):
        response = client.get(url(name, agency="xa-a", **PERIOD))
        assert response.status_code == (404 if who else 302)


# --- in a browser ---------------------------------------------------------------------------


def _number(text: str) -> float | None:
    text = text.strip().replace(".", "").replace(",", ".")
    return None if text in ("", "–") else float(text)


@pytest.mark.browser
def test_the_page_and_its_xlsx_agree_in_a_browser(page, live_server):
    tree = build_tree()
    build(tree)
    browser_log_in(page, live_server.url, Role.SUPERVISOR)
    open_menu(page)  # the phone header's menu
    page.locator("nav a[href$='/can-bo/thong-ke/']").first.click()
    page.wait_for_url("**/can-bo/thong-ke/")
    page.locator("#id_agency").select_option("tinh")
    page.locator("#id_date_from").fill(START.isoformat())
    page.locator("#id_date_to").fill(END.isoformat())
    page.locator("form.mc-filters button[type=submit]").click()
    page.wait_for_url("**/can-bo/thong-ke/?*")
    check_page(page, "statistics")
    screen = []
    for row in page.locator(
        "table[data-statistics] tbody tr, table[data-statistics] tfoot tr"
    ).all():
        label = row.locator("th").inner_text().strip()
        cells = [_number(c) for c in row.locator("td[data-key]").all_inner_texts()]
        screen.append((label, cells))
    with page.expect_download() as download:
        page.locator("a[href*='tai-ve.xlsx']").click()
    content = Path(download.value.path()).read_bytes()
    workbook = [
        (r[1], [None if v is None else float(v) for v in r[2:]]) for r in sheet_rows(content)
    ]
    assert screen == workbook
    assert screen[-1][0] == vi("Grand total") and screen[-1][1][0] == TOTAL["carried_over"]


# Every word of every heading cell on one line, and no cell whose text overflows it.
HEADING_PROBLEMS = """() => {
  const problems = [];
  for (const th of document.querySelectorAll('table[data-statistics] thead th')) {
    if (th.scrollWidth > th.clientWidth + 1) problems.push(['overflows', th.innerText]);
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) problems.push(['broken', word[0]]);
      }
    }
  }
  return problems;
}"""


@pytest.mark.browser
def test_the_wide_table_scrolls_with_whole_words_at_desktop_width(page, live_server):
    tree = build_tree()
    build(tree)
    browser_log_in(page, live_server.url, Role.SUPERVISOR)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + url(agency="tinh", **PERIOD))
    assert page.evaluate(HEADING_PROBLEMS) == []
    region = page.locator(".mc-statistics__scroll")
    box = region.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.evaluate(
        "document.documentElement.clientWidth"
    )
    # The columns that do not fit are reached by scrolling the region; the labels stay.
    label = page.locator("table[data-statistics] tbody th.mc-statistics__label").first
    before = label.bounding_box()["x"]
    region.evaluate("r => { r.scrollLeft = r.scrollWidth; }")
    last = page.locator("table[data-statistics] thead tr").last.locator("th").last
    last_box = last.bounding_box()
    assert last_box["x"] + last_box["width"] <= box["x"] + box["width"] + 1
    assert label.bounding_box()["x"] == pytest.approx(before, abs=1)
    assert label.is_visible()
    check_page(page, "statistics-scrolled")
