"""The register page (Mẫu 06) and its downloads: the preview for an official of the agency, the
PDF and XLSX attachments, 404 for people who are not officials and for someone else's agency,
the form with its errors (400) for a bad period; and the page in a real browser."""

import io
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import open_menu
from motcua.accounts.constants import Role
from motcua.backoffice import register_views
from motcua.deadlines.calendar import local
from motcua.documents.tests.pdf_tools import pdf_text
from motcua.dossiers import register
from motcua.dossiers.tests.conftest import build_province, publish_process, receive, vn

from .test_browser_backoffice import check_page
from .test_browser_backoffice import log_in as browser_log_in

pytestmark = pytest.mark.django_db

MARCH = {"agency": "xa-a", "date_from": "2026-03-01", "date_to": "2026-03-31"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def province(db):
    province = build_province()
    publish_process(province)
    return province


@pytest.fixture
def dossiers(province):
    return [
        receive(province, at=vn(2026, 3, 2, 8, 0), name="Trần Thị Ngọc Ánh"),
        receive(province, at=vn(2026, 3, 3, 8, 0), name="Lê Văn Hùng"),
        receive(province, at=vn(2026, 4, 1, 8, 0), name="Sau Kỳ"),
    ]


def url(name: str = "register", **query: str) -> str:
    address = reverse(f"backoffice:{name}")
    return f"{address}?{urlencode(query)}" if query else address


def log_in(client, province, who: str = Role.RECEPTION_OFFICER):
    client.force_login(province.users[who])
    return client


def test_the_page_previews_the_register(client, province, dossiers):
    response = log_in(client, province).get(url(**MARCH))
    assert response.status_code == 200
    page = response.content.decode()
    assert dossiers[0].code in page and dossiers[1].code in page
    assert "Trần Thị Ngọc Ánh" in page
    assert dossiers[2].code not in page  # received in April
    assert response.context["count"] == 2
    assert [row.applicant for row in response.context["rows"]] == [
        "Trần Thị Ngọc Ánh",
        "Lê Văn Hùng",
    ]
    query = urlencode(MARCH)
    assert f"{reverse('backoffice:register-pdf')}?{query}" in page.replace("&amp;", "&")
    assert f"{reverse('backoffice:register-xlsx')}?{query}" in page.replace("&amp;", "&")
    assert reverse("backoffice:register") in page  # the navigation link


def test_the_defaults_are_this_month_at_the_users_desk(client, province):
    response = log_in(client, province, Role.LEADER).get(url())
    assert response.status_code == 200
    today = local(timezone.now()).date()
    assert response.context["agency"] == province.commune
    assert response.context["date_from"] == today.replace(day=1)
    assert response.context["date_to"] == today
    assert "Không có hồ sơ nào được tiếp nhận trong kỳ." in response.content.decode()


def test_the_preview_is_capped_with_the_count(client, province, monkeypatch):
    monkeypatch.setattr(register_views, "PREVIEW_ROWS", 2)
    for hour in range(8, 11):
        receive(province, at=vn(2026, 3, 2, hour, 0))
    response = log_in(client, province).get(url(**MARCH))
    assert response.context["count"] == 3
    assert len(response.context["rows"]) == 2
    assert "3 hồ sơ đã tiếp nhận" in response.content.decode()


def test_the_pdf_download(client, province, dossiers):
    response = log_in(client, province).get(url("register-pdf", **MARCH))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="mau-07-xa-a-20260301-20260331.pdf"'
    )
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert "Lê Văn Hùng" in text and "Sau Kỳ" not in text


def test_the_xlsx_download(client, province, dossiers):
    response = log_in(client, province).get(url("register-xlsx", **MARCH))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="mau-07-xa-a-20260301-20260331.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [sheet.cell(row, 2).value for row in (10, 11)]
    assert codes == [dossiers[0].code, dossiers[1].code]


def test_dates_in_the_vietnamese_order_are_understood(client, province, dossiers):
    query = MARCH | {"date_from": "02/03/2026", "date_to": "02/03/2026"}
    response = log_in(client, province).get(url(**query))
    assert response.status_code == 200
    assert response.context["count"] == 1  # 2 March, not 3 February


@pytest.mark.parametrize("who", ["citizen", "stranger"])
@pytest.mark.parametrize("name", ["register", "register-pdf", "register-xlsx"])
def test_people_who_are_not_officials_get_404(client, province, dossiers, who, name):
    if who == "stranger":
        user = get_user_model().objects.create_user(username="stranger", password="x")
    else:
        user = province.users["citizen"]  # the applicant of the dossiers
    client.force_login(user)
    assert client.get(url(name, **MARCH)).status_code == 404
    assert client.get(url(name)).status_code == 404


@pytest.mark.parametrize("name", ["register", "register-pdf", "register-xlsx"])
def test_someone_elses_agency_is_404(client, province, dossiers, name):
    client = log_in(client, province, "outsider")  # reception at the other commune
    assert client.get(url(name, **MARCH)).status_code == 404
    assert client.get(url(name, **(MARCH | {"agency": "khong-co"}))).status_code == 404
    # their own agency is fine, and holds none of these dossiers
    response = client.get(url("register", **(MARCH | {"agency": "xa-b"})))
    assert response.status_code == 200
    assert response.context["count"] == 0


def test_the_tax_office_sees_its_own_agency(client, province):
    response = log_in(client, province, "tax_specialist").get(url())
    assert response.status_code == 200
    assert response.context["agency"] == province.tax
    assert [choice[1] for choice in response.context["form"].fields["agency"].choices] == [
        province.tax.name
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "Ngày bắt đầu không được sau"),
        ({"date_from": "2025-01-01", "date_to": "2026-01-02"}, "không được dài quá 366 ngày"),
        ({"date_from": "31/02/2026"}, "Nhập một ngày hợp lệ"),
        ({"date_to": "hôm nay"}, "Nhập một ngày hợp lệ"),
        ({"date_from": ""}, "Trường này là bắt buộc"),
        ({"date_to": "99999-01-01"}, "Nhập một ngày hợp lệ"),
    ],
)
@pytest.mark.parametrize("name", ["register", "register-pdf", "register-xlsx"])
def test_a_bad_period_shows_the_form_with_its_error(client, province, query, message, name):
    response = log_in(client, province).get(url(name, **(MARCH | query)))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert message in page
    assert "usa-error-message" in page or "usa-alert--error" in page
    assert "count" not in response.context  # no preview


def test_a_register_too_long_for_one_pdf_shows_the_form(client, province, dossiers, monkeypatch):
    monkeypatch.setattr(register, "MAX_PDF_ROWS", 1)
    response = log_in(client, province).get(url("register-pdf", **MARCH))
    assert response.status_code == 400
    assert "quá nhiều cho một tệp PDF" in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client):
    for name in ["register", "register-pdf", "register-xlsx"]:
        response = client.get(url(name, **MARCH))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("backoffice:login"))


def test_only_get(client, province):
    assert log_in(client, province).post(url("register-pdf", **MARCH)).status_code == 405


# --- in a browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_the_register_page_in_a_browser(page, live_server):
    province = build_province()
    publish_process(province)
    today = local(timezone.now()).date()
    start = today - timedelta(days=40)
    for n in range(3):
        receive(province, at=timezone.now() - timedelta(days=2 + n), name=f"Trần Thị Mẫu {n}")
    browser_log_in(page, live_server.url, Role.RECEPTION_OFFICER)
    open_menu(page)  # the phone header's menu
    page.locator("nav a[href$='/can-bo/so-theo-doi/']").first.click()
    page.wait_for_url("**/can-bo/so-theo-doi/")
    page.locator("#id_date_from").fill(start.isoformat())
    page.locator("form.mc-filters button[type=submit]").click()
    page.wait_for_url("**/can-bo/so-theo-doi/?*")
    assert page.locator("table tbody tr").count() == 3
    check_page(page, "register")
    with page.expect_download() as download:
        page.locator("a[href*='tai-ve.xlsx']").click()
    assert download.value.suggested_filename == (f"mau-07-xa-a-{start:%Y%m%d}-{today:%Y%m%d}.xlsx")
    assert page.locator("h1").is_visible()  # still on the page after the download
