"""The counter's applicant lookup in a real chromium: typed with spaces, answered inline (htmx)
without losing the rest of the form, and checked at 360 and 1280 px."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import check_page
from motcua.accounts.constants import Role
from motcua.dossiers.tests.conftest import build_province, receive

from .test_browser_backoffice import log_in

pytestmark = pytest.mark.browser


def test_an_earlier_applicant_fills_the_form_inline(page, live_server):
    province = build_province()
    receive(
        province,
        at=timezone.now() - timedelta(days=20),
        address="Số 5 đường Lê Lợi, xã A",
        email="an.nguyen@example.vn",
    )
    url = live_server.url + reverse("backoffice:intake", args=[province.procedure.national_code])
    log_in(page, live_server.url, Role.RECEPTION_OFFICER)
    page.goto(url)
    page.locator("#id_channel").select_option("post")  # typed before the lookup

    page.get_by_label("Tìm người nộp hồ sơ trước đây").fill("abc")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.get_by_text("Đây không phải số định danh hay mã số thuế").wait_for()
    check_page(page, "backoffice-reception-lookup-error")

    page.get_by_label("Tìm người nộp hồ sơ trước đây").fill("022 090 001 234")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.get_by_text("Thông tin được điền từ hồ sơ gần nhất").wait_for()

    assert page.url == url  # inline: the page was not reloaded
    assert page.locator("#id_channel").input_value() == "post"
    assert page.get_by_label("Họ và tên người nộp", exact=False).input_value() == "Nguyễn Văn An"
    assert page.get_by_label("Địa chỉ", exact=True).input_value() == "Số 5 đường Lê Lợi, xã A"
    check_page(page, "backoffice-reception-lookup")


def test_without_javascript_the_lookup_is_a_get_search(
    browser, live_server, built_static, static_dirs, transactional_db
):
    province = build_province()
    receive(province, at=timezone.now() - timedelta(days=20), address="Thôn Đông, xã A")
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    url = live_server.url + reverse("backoffice:intake", args=[province.procedure.national_code])
    log_in(page, live_server.url, Role.RECEPTION_OFFICER)
    page.goto(url)
    page.get_by_label("Tìm người nộp hồ sơ trước đây").fill("022090001234")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url("**so_giay_to=022090001234")
    assert page.get_by_label("Địa chỉ", exact=True).input_value() == "Thôn Đông, xã A"
    context.close()
