"""The error pages and a ticked checkbox as a visitor sees them (issue 14, items 6 and 11): at
360 and 1280 px, axe-checked, screenshots in test-artifacts/screenshots."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from conftest import SCREENSHOTS, check_page

pytestmark = pytest.mark.browser

CHECKBOX = (
    '<div class="usa-checkbox grid-container"><input class="usa-checkbox__input" id="c" '
    'type="checkbox" checked><label class="usa-checkbox__label" for="c">Đã chọn</label></div>'
)


def test_the_not_found_page(page, live_server):
    response = page.goto(live_server.url + "/khong-co-trang-nay/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
    check_page(page, "error-404")
    page.goto(live_server.url + "/en/no-such-page/")
    assert page.locator("h1").inner_text() == "Page not found"
    check_page(page, "error-404-en")


def test_the_server_error_page(page, live_server):
    """The 500 page as Django serves it (rendered without a request), styled by the site's CSS."""
    with translation.override("vi"):
        html = render_to_string("500.html")
    url = live_server.url + "/loi-may-chu/"
    page.route(url, lambda route: route.fulfill(status=500, body=html, content_type="text/html"))
    response = page.goto(url)
    assert response.status == 500
    assert page.locator("h1").inner_text() == "Hệ thống đang gặp sự cố"
    assert page.evaluate("getComputedStyle(document.querySelector('.mc-header')).display") != ""
    check_page(page, "error-500")


def test_a_ticked_checkbox_shows_its_tick(page, live_server):
    """USWDS draws the tick as a background image over the box's colour: it must load."""
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(live_server.url + "/khong-co-trang-nay/")
    page.evaluate(
        "html => document.querySelector('main').insertAdjacentHTML('afterbegin', html)", CHECKBOX
    )
    image = page.evaluate(
        "getComputedStyle(document.querySelector('.usa-checkbox__label'), '::before')"
        ".backgroundImage"
    )
    assert "correct8" in image
    page.wait_for_load_state("networkidle")
    assert not [url for url in failed if "/static/" in url]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".usa-checkbox").screenshot(path=str(SCREENSHOTS / "checkbox-ticked.png"))
