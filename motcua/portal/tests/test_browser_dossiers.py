"""The citizen's pages in a real headless chromium: my dossiers, answering a supplement request
by uploading a file, the public lookup with and without the second factor (also without
JavaScript), rating the service; axe-core and screenshots at 360 and 1280 px
(test-artifacts/screenshots/portal-*.png), no sideways scrolling on a phone."""

import pytest
from django.core.cache import cache

from conftest import check_page as shared_check_page
from motcua.documents.tests import samples
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier, Rating
from motcua.dossiers.tests.conftest import build_province

from . import dossier_scenes as scenes

pytestmark = pytest.mark.browser


def check_page(page, name: str, *, open_details: bool = False) -> None:
    """The shared page check (root conftest), screenshots named portal-<name>-<width>.png."""
    shared_check_page(page, f"portal-{name}", open_details=open_details)


@pytest.fixture
def province(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return build_province()


def log_in(page, base: str, user) -> None:
    page.context.add_cookies([{**scenes.session_cookie(user), "url": base}])


def test_citizen_answers_a_supplement_request(page, live_server, province, tmp_path):
    asked = scenes.supplement_requested(province)
    scenes.accepted(province)  # a second dossier in the list
    scenes.registered_online(province)
    base = live_server.url
    log_in(page, base, province.users["citizen"])

    page.goto(base + "/ho-so-cua-toi/")
    assert page.locator("h1").inner_text() == "Hồ sơ của tôi"
    assert page.locator(".mc-my-dossiers tbody tr").count() == 3
    check_page(page, "my-dossiers")
    page.get_by_role("link", name=asked.code).click()
    page.wait_for_url(f"**/ho-so-cua-toi/{asked.code}/")
    assert page.locator(".mc-status").inner_text() == "Yêu cầu bổ sung giấy tờ"
    assert scenes.INTERNAL_COMMENT not in page.locator("main").inner_text()
    check_page(page, "my-dossier-supplement-requested")
    answer_by = asked.pauses.get().answer_by  # the usual time: none was given
    assert f"Hạn gửi bổ sung: ngày {answer_by:%d/%m/%Y}." in (
        page.locator("#supplement-request").inner_text()
    )

    page.locator("#supplement-request").get_by_role("link", name="Gửi giấy tờ còn thiếu").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{asked.code}/bo-sung/")
    check_page(page, "supplement", open_details=True)
    page.reload()
    drawing = tmp_path / "ban-ve.pdf"
    drawing.write_bytes(samples.pdf())
    page.get_by_label(scenes.MISSING[0]).set_input_files(str(drawing))
    page.get_by_role("button", name="Gửi bổ sung").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{asked.code}/")
    assert "Đã gửi hồ sơ bổ sung" in page.locator(".mc-messages").inner_text()
    assert page.locator(".mc-status").inner_text() == "Đang xử lý"
    assert "ban-ve.pdf" in page.locator("main").inner_text()
    check_page(page, "my-dossier-in-processing")
    asked.refresh_from_db()
    assert asked.status == DossierStatus.IN_PROCESSING


def test_a_lying_file_is_named_and_nothing_is_sent(page, live_server, province, tmp_path):
    asked = scenes.supplement_requested(province)
    log_in(page, live_server.url, province.users["citizen"])
    page.goto(live_server.url + f"/ho-so-cua-toi/{asked.code}/bo-sung/")
    liar = tmp_path / "ban-ve.pdf"
    liar.write_bytes(samples.png())
    page.get_by_label(scenes.MISSING[0]).set_input_files(str(liar))
    page.get_by_role("button", name="Gửi bổ sung").click()
    page.wait_for_load_state()
    assert "ban-ve.pdf" in page.locator("#form-errors").inner_text()
    check_page(page, "supplement-error")
    asked.refresh_from_db()
    assert asked.status == DossierStatus.SUPPLEMENT_REQUESTED and not asked.files.exists()


def test_public_lookup_with_and_without_the_second_factor(page, live_server, province):
    dossier = scenes.accepted(province)
    base = live_server.url
    page.goto(base + "/tra-cuu/")
    check_page(page, "lookup-form")
    page.get_by_label("Mã hồ sơ").fill(dossier.code.lower())
    page.get_by_role("button", name="Tra cứu", exact=True).click()
    page.wait_for_url("**/tra-cuu/?ma=*")
    main = page.locator("main").inner_text()
    assert dossier.code in main and "Được tiếp nhận" in main and "Nguyễn Văn An" not in main
    check_page(page, "lookup-public")
    page.get_by_label("Số điện thoại hoặc số định danh của người nộp").fill("+84 912 345 678")
    page.get_by_role("button", name="Xem chi tiết").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Nguyễn Văn An" in main and "Hồ sơ được tiếp nhận" in main
    check_page(page, "lookup-verified")
    page.goto(base + "/tra-cuu/?ma=KHONG-CO")
    assert "Không tìm thấy hồ sơ" in page.locator("main").inner_text()
    check_page(page, "lookup-not-found")


def test_lookup_works_without_javascript(browser, live_server, province, static_dirs):
    dossier = scenes.accepted(province)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + f"/tra-cuu/?ma={dossier.code}")
    page.get_by_label("Số điện thoại hoặc số định danh của người nộp").fill("022090001234")
    page.get_by_role("button", name="Xem chi tiết").click()
    page.wait_for_load_state()
    assert "Nguyễn Văn An" in page.locator("main").inner_text()
    context.close()


def test_withdraw_and_rate(page, live_server, province):
    running = scenes.accepted(province)
    done = scenes.returned(province)
    base = live_server.url
    log_in(page, base, province.users["citizen"])

    page.goto(base + f"/ho-so-cua-toi/{running.code}/rut-ho-so/")
    check_page(page, "withdraw")
    page.get_by_label("Lý do rút hồ sơ").fill("Nộp nhầm thủ tục")
    page.get_by_text("Tôi xác nhận rút hồ sơ").click()  # USWDS styles the label, not the box
    page.get_by_role("button", name="Rút hồ sơ").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{running.code}/")
    assert Dossier.objects.get(pk=running.pk).status == DossierStatus.WITHDRAWN

    page.goto(base + f"/ho-so-cua-toi/{done.code}/")
    page.get_by_role("link", name="Đánh giá dịch vụ").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{done.code}/danh-gia/")
    check_page(page, "rate")
    page.locator("fieldset").first.get_by_text("Rất hài lòng", exact=True).click()
    page.get_by_text("Không lần nào").click()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{done.code}/")
    assert "Đánh giá của ông/bà" in page.locator("main").inner_text()
    check_page(page, "my-dossier-rated")
    assert Rating.objects.get().overall == "very_satisfied"
