"""The e-form answers in a real headless chromium: the reception officer reads them on the
dossier page, opens an answer's correction form, sends a bad date (the reason shows next to it)
then a good one; the applicant reads them in "my dossiers". axe-core and screenshots at 360 and
1280 px (test-artifacts/screenshots/*-answers-*.png)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from conftest import check_page
from motcua.accounts.constants import Role
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.answer_scenes import online_with_answers
from motcua.dossiers.tests.conftest import build_province, publish_process

from .test_browser_backoffice import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def province(transactional_db):
    cache.clear()
    province = build_province()
    publish_process(province)
    return province


def test_the_reception_officer_reads_and_corrects_the_answers(page, live_server, province):
    dossier = online_with_answers(province)
    base = live_server.url
    log_in(page, base, Role.RECEPTION_OFFICER)
    page.goto(f"{base}/can-bo/ho-so/{dossier.uid}/")
    section = page.locator("#answers")
    assert "Nội dung tờ khai" in section.inner_text()
    assert "09/07/1990" in section.inner_text() and "Người thứ 2" in section.inner_text()
    check_page(page, "backoffice-answers")
    check_page(page, "backoffice-answers-forms", open_details=True)
    page.reload()

    birth = page.locator("#correct-answer-birth-date")
    birth.locator("summary").click()
    birth.get_by_label("Nội dung mới của mục “Ngày sinh”").fill("31/02/1990")
    birth.get_by_role("button", name="Lưu nội dung sửa").click()
    error = page.locator("#correct-answer-birth-date .usa-error-message")
    assert "là một ngày có thật" in error.inner_text()
    assert Dossier.objects.get(pk=dossier.pk).form_data["birth_date"] == "1990-07-09"
    check_page(page, "backoffice-answers-error")

    birth = page.locator("#correct-answer-birth-date")
    birth.get_by_label("Nội dung mới của mục “Ngày sinh”").fill("10/07/1990")
    birth.get_by_role("button", name="Lưu nội dung sửa").click()
    page.wait_for_url("**#answers-title")
    assert "Đã sửa nội dung tờ khai" in page.locator(".mc-messages").inner_text()
    assert "10/07/1990" in page.locator("#answers").inner_text()
    assert Dossier.objects.get(pk=dossier.pk).form_data["birth_date"] == "1990-07-10"


def test_the_applicant_reads_the_answers(page, live_server, province):
    dossier = online_with_answers(province)
    base = live_server.url
    client = Client()
    client.force_login(province.users["citizen"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    page.goto(f"{base}/ho-so-cua-toi/{dossier.uid}/")
    text = page.locator("main").inner_text()
    assert "Tờ khai của Ông/Bà" in text and "Lê Thị Mẹ" in text
    check_page(page, "portal-answers")
