"""Assignment and the officials' notices in a real headless chromium: the department head
assigns a dossier to a named specialist, who sees the notice counted in the nav, opens it and
finds the dossier in "my tasks"; axe-core at 360 and 1280 px, screenshots in
test-artifacts/screenshots/backoffice-assignment-*.png and backoffice-inbox-*.png."""

import pytest

from conftest import check_page as shared_check_page
from motcua.accounts.constants import Role
from motcua.accounts.models import Membership, User
from motcua.dossiers.tests.conftest import build_province, publish_process

from .scenes import at_specialist
from .test_browser_backoffice import log_in

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


def check_page(page, name: str, *, open_details: bool = False) -> None:
    shared_check_page(page, f"backoffice-{name}", open_details=open_details)


def test_the_head_assigns_and_the_specialist_is_told(page, live_server):
    province = build_province()
    publish_process(province)
    second = User.objects.create_user(username="chuyenvien2", password="x", full_name="Lê Thị Hoa")
    Membership.objects.create(user=second, agency=province.commune, role=Role.SPECIALIST)
    dossier = at_specialist(province)
    base = live_server.url

    log_in(page, base, Role.DEPARTMENT_HEAD)
    assert page.get_by_role("link", name="Tiếp nhận").count() == 0  # not a reception officer
    page.goto(f"{base}/can-bo/ho-so/{dossier.code}/phan-cong/")
    check_page(page, "assignment")
    page.set_viewport_size(DESKTOP)
    page.get_by_label("Phân công cho").select_option(label="Lê Thị Hoa")
    page.get_by_label("Ý kiến chỉ đạo (không bắt buộc)").fill("Đề nghị xử lý trong ngày.")
    page.get_by_role("button", name="Phân công", exact=True).click()
    page.wait_for_url(f"**/can-bo/ho-so/{dossier.code}/")
    assert "Đã phân công hồ sơ cho Lê Thị Hoa." in page.locator(".mc-messages").inner_text()
    page.context.clear_cookies()
    page.goto(f"{base}/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("chuyenvien2")
    page.get_by_label("Mật khẩu").fill("x")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/can-bo/ho-so/")
    row = page.locator(".mc-worklist tbody tr", has_text=dossier.code)
    assert "Được phân công cho tôi" in row.inner_text()
    notices = page.get_by_role("link", name="Thông báo")
    assert "1" in notices.inner_text()
    notices.click()
    page.wait_for_url("**/can-bo/hop-thu/")
    check_page(page, "inbox")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name=f"Phân công xử lý hồ sơ {dossier.code}").click()
    assert "Đề nghị xử lý trong ngày." in page.locator(".mc-inbox-body").inner_text()
    check_page(page, "inbox-item")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Mở hồ sơ").click()
    page.wait_for_url(f"**/can-bo/ho-so/{dossier.code}/")
