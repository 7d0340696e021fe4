"""In a real headless chromium: "my dossiers" lists a draft (to resume) and an online dossier by
its short reference before acceptance, and the public lookup takes that reference as a code;
axe-core and screenshots at 360 and 1280 px (portal-my-drafts-*, portal-lookup-reference-*)."""

import pytest
from django.core.cache import cache

from motcua.dossiers.tests.conftest import build_province
from motcua.eforms.services import draft_save

from . import dossier_scenes as scenes
from .test_browser_dossiers import check_page, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def province(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return build_province()


def test_my_dossiers_lists_drafts_and_references_the_lookup_takes(page, live_server, province):
    waiting = scenes.registered_online(province)  # the procedure is now fully online
    waiting.reference = "K7MW2QXD"
    waiting.save(update_fields=["reference"])
    citizen = province.users["citizen"]
    draft_save(user=citizen, procedure=province.procedure, data={}, expected_version=0)
    base = live_server.url
    log_in(page, base, citizen)

    page.goto(base + "/ho-so-cua-toi/")
    drafts = page.locator(".mc-my-drafts")
    assert province.procedure.name in drafts.inner_text()
    assert "Lưu lần cuối lúc" in drafts.inner_text()
    assert "K7MW2QXD" in page.locator(".mc-my-dossiers").inner_text()
    check_page(page, "my-drafts")
    drafts.get_by_role("link").first.click()
    page.wait_for_url(f"**/nop-ho-so/{province.procedure.national_code}/")

    page.goto(base + "/tra-cuu/")
    page.locator("#id_ma").fill("k7mw-2qxd")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state()
    result = page.locator("#lookup-result").inner_text()
    assert "K7MW2QXD" in result and province.procedure.name in result
    assert "Nguyễn Văn An" not in result
    check_page(page, "lookup-reference")
