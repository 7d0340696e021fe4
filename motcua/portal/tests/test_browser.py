"""The portal in a real headless chromium: search on a phone, accessibility (axe-core), fonts."""

import pytest

from conftest import SCREENSHOTS, axe_violations

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "results": "/thu-tuc/?q=dang+ky",
    "procedure": "/thu-tuc/1.001193/",
    "procedure-en": "/en/thu-tuc/1.001193/",
}


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_search_marriage_registration_on_a_phone(page, live_server, catalogue):
    page.goto(live_server.url + "/")
    page.get_by_label("Tìm thủ tục hành chính").fill("dang ky ket hon")
    live_first = page.locator("#live-results .mc-results h3 a").first
    assert live_first.inner_text(timeout=5_000) == "Đăng ký kết hôn"  # htmx live results
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url("**/thu-tuc/?q=dang+ky+ket+hon")
    first = page.locator(".mc-results h3 a").first
    assert first.inner_text() == "Đăng ký kết hôn"
    first.click()
    page.wait_for_url("**/thu-tuc/1.000894/")
    assert page.locator("h1").inner_text() == "Đăng ký kết hôn"


def test_search_works_without_javascript(browser, live_server, catalogue, static_dirs):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/thu-tuc/")
    page.get_by_label("Tìm thủ tục hành chính").fill("khai sinh")
    page.get_by_text("Lọc theo lĩnh vực, cấp thực hiện").click()  # <details> opens without JS
    page.get_by_label("Cấp thực hiện").select_option("commune")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url("**/thu-tuc/?q=khai+sinh*level=commune*")
    assert page.locator(".mc-results h3 a").all_inner_texts() == ["Đăng ký khai sinh"]
    assert page.locator("details.mc-filters__more").get_attribute("open") is not None
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/thu-tuc/?q=khai+sinh*")
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_have_no_serious_accessibility_violations(page, live_server, catalogue, name):
    for width, height in ((360, 740), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + PAGES[name])
        page.evaluate("document.fonts.ready")
        screenshot(page, f"{name}-{width}")
        violations = axe_violations(page)
        assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def test_no_horizontal_scrolling_at_360_px(page, live_server, catalogue):
    for url in PAGES.values():
        page.goto(live_server.url + url)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 360, url


def test_vietnamese_text_is_set_in_public_sans(page, live_server, catalogue):
    page.goto(live_server.url + "/thu-tuc/1.001193/")
    page.evaluate("document.fonts.ready")
    family = page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert family.startswith('"Public Sans Web"')
    assert any("Public Sans" in f for f in loaded)
    assert page.evaluate("document.fonts.check('700 24px \"Public Sans Web\"', 'Đăng ký ả ỹ ộ')")
