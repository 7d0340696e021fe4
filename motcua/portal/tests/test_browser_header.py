"""The shared header in a real browser: on a phone it is one compact row (brand, language, a
"Menu" button) whose button opens the links, also without JavaScript; on a desktop the links
sit in the row and the button is hidden. The same header serves the back office."""

import pytest

from conftest import check_page
from motcua.accounts.constants import Role
from motcua.dossiers.tests.conftest import build_province

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def header_height(page) -> float:
    return page.locator("header.mc-header").bounding_box()["height"]


def test_the_phone_header_is_one_row_with_a_menu(page, live_server, db):
    page.goto(live_server.url + "/")
    page.set_viewport_size(PHONE)
    assert header_height(page) < 120
    procedures = page.locator("header nav a[href='/thu-tuc/']")
    assert not procedures.is_visible()
    button = page.locator("header summary.mc-menu__button")
    assert button.inner_text().strip() == "Menu"
    button.click()
    assert procedures.is_visible()
    assert header_height(page) < 120  # the panel lies over the page, the header keeps its size
    check_page(page, "portal-header-menu-open")
    procedures.click()
    page.wait_for_url("**/thu-tuc/")
    assert page.get_by_role("button", name="English").is_visible()


def test_the_desktop_header_shows_the_links(page, live_server, db):
    page.goto(live_server.url + "/")
    page.set_viewport_size(DESKTOP)
    assert page.locator("header nav a[href='/thu-tuc/']").is_visible()
    assert not page.locator("header summary.mc-menu__button").is_visible()
    assert header_height(page) < 120


def test_the_menu_opens_without_javascript(
    browser, built_static, static_dirs, live_server, transactional_db
):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.locator("header summary.mc-menu__button").click()
        assert page.locator("header nav a[href='/tra-cuu/']").is_visible()
    finally:
        context.close()


def test_the_back_office_header(page, live_server):
    build_province()
    page.goto(live_server.url + "/can-bo/")
    page.wait_for_url("**/can-bo/dang-nhap/**")
    assert not page.locator("header summary.mc-menu__button").is_visible()  # nothing to list yet
    page.get_by_label("Tên đăng nhập").fill(Role.RECEPTION_OFFICER)
    page.get_by_label("Mật khẩu").fill("x")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/can-bo/ho-so/")
    assert header_height(page) < 120
    page.locator("header summary.mc-menu__button").click()
    logout = page.locator("header nav button[type=submit]")
    assert logout.is_visible()
    page.set_viewport_size(DESKTOP)
    assert header_height(page) < 120
    assert not page.locator("header summary.mc-menu__button").is_visible()
    assert logout.is_visible()
