"""The e-warehouse in a real headless chromium: the citizen's page with a signed e-result and a
verified paper, the result's signed badge on "my dossier" and the picker on the application
page; axe-core and screenshots at 360 and 1280 px (test-artifacts/screenshots/portal-warehouse*),
no sideways scrolling on a phone."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from conftest import check_page as shared_check_page
from motcua.catalogue.constants import OnlineType
from motcua.dossiers.tests.conftest import build_province
from motcua.dossiers.tests.test_warehouse import pdf, returned_online

from . import dossier_scenes as scenes

pytestmark = pytest.mark.browser


@pytest.fixture
def province(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    province = build_province()
    province.procedure.online_type = OnlineType.FULL
    province.procedure.save(update_fields=["online_type"])
    return province


def test_the_citizen_sees_and_reuses_the_warehouse(page, live_server, province, signed_result_pdf):
    # Made in another thread: Playwright runs an event loop in this one, and pyHanko's
    # validation (asyncio.run inside) cannot run under a running loop.
    with ThreadPoolExecutor(1) as pool:
        dossier = pool.submit(
            returned_online, province, signed_result_pdf, pdf("Đơn đăng ký biến động")
        ).result()
    base = live_server.url
    page.context.add_cookies([{**scenes.session_cookie(province.users["citizen"]), "url": base}])

    page.goto(base + "/kho-du-lieu/")
    # the Vietnamese title once the catalogue has it (msgid "My e-warehouse")
    assert page.locator("h1").inner_text() in ("Kho dữ liệu của tôi", "My e-warehouse")
    assert page.locator(".mc-warehouse__table tbody tr").count() == 2
    shared_check_page(page, "portal-warehouse")

    page.goto(f"{base}/ho-so-cua-toi/{dossier.code}/")
    assert page.locator(".mc-files .mc-tag--full").count() == 1
    shared_check_page(page, "portal-warehouse-my-dossier")

    page.goto(f"{base}/nop-ho-so/{province.procedure.national_code}/")
    picker = page.locator(".mc-warehouse-picker select")
    assert picker.count() == 1
    assert picker.locator("option").count() == 3  # none, the result, the paper
    shared_check_page(page, "portal-warehouse-apply")
