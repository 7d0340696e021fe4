"""The back office in a real headless chromium: the reception officer hands a dossier over, the
specialist finds it in "my tasks" and asks for a supplement; axe-core on the worklist and the
dossier page at 360 and 1280 px, screenshots in test-artifacts/screenshots/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import check_page as shared_check_page
from conftest import open_menu
from motcua.accounts.constants import Role
from motcua.dossiers.tests.conftest import build_province, publish_process, receive

pytestmark = pytest.mark.browser


def check_page(page, name: str, *, open_details: bool = False) -> None:
    """The shared page check (root conftest), screenshots named backoffice-<name>-<width>.png."""
    shared_check_page(page, f"backoffice-{name}", open_details=open_details)


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/can-bo/")
    page.wait_for_url("**/can-bo/dang-nhap/**")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("x")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/can-bo/ho-so/")


def test_hand_over_then_ask_for_a_supplement(page, live_server):
    province = build_province()
    publish_process(province)
    dossier = receive(province, at=timezone.now() - timedelta(days=1))
    for n in range(3):  # a fuller list, one of them late
        receive(province, at=timezone.now() - timedelta(days=12 + n), name=f"Trần Thị Mẫu {n}")
    base = live_server.url

    log_in(page, base, Role.RECEPTION_OFFICER)
    tab = page.get_by_role("link", name="Việc của tôi")
    assert tab.get_attribute("aria-current") == "page"
    assert "4" in tab.inner_text()
    check_page(page, "worklist")
    check_page(page, "worklist-filters", open_details=True)
    page.get_by_role("link", name=dossier.code).click()
    page.wait_for_url(f"**/can-bo/ho-so/{dossier.code}/")
    assert dossier.code in page.locator("h1").inner_text()
    check_page(page, "dossier-accepted")
    check_page(page, "dossier-accepted-forms", open_details=True)
    page.reload()
    page.locator("#act-forward > summary").click()
    page.locator("#act-forward").get_by_role("button", name="Chuyển bước xử lý tiếp theo").click()
    page.wait_for_url(f"**/can-bo/ho-so/{dossier.code}/")
    assert "Đã thực hiện “Chuyển bước xử lý tiếp theo”" in page.locator(".mc-messages").inner_text()
    assert page.locator(".mc-status").inner_text() == "Đang xử lý"
    open_menu(page)
    page.locator("form[action$='/dang-xuat/'] button").click()
    page.wait_for_url("**/can-bo/dang-nhap/")

    log_in(page, base, Role.SPECIALIST)
    rows = page.locator(".mc-worklist tbody tr")
    assert rows.count() == 1 and dossier.code in rows.first.inner_text()
    rows.first.get_by_role("link", name=dossier.code).click()
    page.wait_for_url(f"**/can-bo/ho-so/{dossier.code}/")
    check_page(page, "dossier-specialist-forms", open_details=True)
    page.reload()
    page.locator("#act-request_supplement > summary").click()
    form = page.locator("#act-request_supplement")
    form.get_by_label("Giấy tờ còn thiếu, mỗi dòng một loại").fill(
        "Bản vẽ hiện trạng thửa đất\nBản sao giấy chứng nhận quyền sử dụng đất"
    )
    form.get_by_label("Lý do (giấy tờ còn thiếu hoặc chưa đúng)").fill("Hồ sơ chưa đủ")
    form.get_by_role("button", name="Yêu cầu bổ sung hồ sơ").click()
    page.wait_for_url(f"**/can-bo/ho-so/{dossier.code}/")
    assert page.locator(".mc-status").inner_text() == "Yêu cầu bổ sung giấy tờ"
    timeline = page.locator(".mc-timeline").inner_text()
    assert "Bản vẽ hiện trạng thửa đất" in timeline
    assert "Bản sao giấy chứng nhận quyền sử dụng đất" in timeline
    check_page(page, "dossier-paused")
    page.goto(base + "/can-bo/ho-so/?list=paused")
    assert dossier.code in page.locator(".mc-worklist").inner_text()
    check_page(page, "worklist-paused")


def test_filters_work_without_javascript(
    browser, built_static, static_dirs, live_server, transactional_db
):
    province = build_province()
    wanted = receive(province, at=timezone.now() - timedelta(days=2), name="Đinh Văn Tìm")
    receive(province, at=timezone.now() - timedelta(days=2), name="Lý Thị Khác")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in(page, live_server.url, Role.RECEPTION_OFFICER)
    page.get_by_role("link", name="Hồ sơ của cơ quan").click()
    page.get_by_label("Mã hồ sơ, tên hoặc số định danh của người nộp").fill("Đinh Văn")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url("**list=agency**")
    assert page.locator(".mc-worklist tbody th a").all_inner_texts() == [wanted.code]
    context.close()
