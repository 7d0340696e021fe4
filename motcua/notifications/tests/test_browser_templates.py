"""The message template admin in a real headless chromium: an administrator opens the add form
from a default text, edits it, previews it (subject and body as sent, the unknown variable
flagged, nothing saved), fixes it and saves it; the saved template is what is rendered."""

import pytest

from conftest import SCREENSHOTS
from motcua.accounts.models import User
from motcua.notifications import notice_templates as nt
from motcua.notifications.models import MessageTemplate

pytestmark = pytest.mark.browser

URL = "/admin/notifications/messagetemplate/"


def log_in(page, base: str) -> None:
    page.goto(base + "/admin/login/")
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill("x")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")


def test_an_administrator_edits_previews_and_saves_a_template(page, live_server):
    User.objects.create_superuser("quantri", password="x")
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base)
    page.goto(base + URL + "add/")
    page.locator("#template-defaults summary").click()
    page.locator("a[href='?event=dossiers.accepted&channel=email&language=vi']").click()
    page.wait_for_url("**event=dossiers.accepted**")
    assert page.locator("#id_subject").input_value() == "Hồ sơ {{ code }} đã được tiếp nhận"
    assert "{{ appointment.long }}" in page.locator("#id_body").input_value()

    page.locator("#id_subject").fill("[UBND xã A] Hồ sơ {{ code }} đã được tiếp nhận")
    page.locator("#id_body").fill("Hẹn trả: {{ appointment.date }} – {{ dossier.applicant_nam }}")
    page.locator("#preview-button").click()
    preview = page.locator("#template-preview")
    preview.wait_for()
    assert page.locator("#preview-subject").inner_text() == (
        "[UBND xã A] Hồ sơ 000.00.01.H49-260302-0001 đã được tiếp nhận"
    )
    assert page.locator("#preview-body").inner_text() == "Hẹn trả: 09/03/2026 –"
    assert "dossier.applicant_nam" in page.locator("#preview-unknown").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-template-preview-1280.png"), full_page=True)
    assert not MessageTemplate.objects.exists()  # a preview saves nothing

    page.locator("#id_body").fill("Hẹn trả: {{ appointment.date }} – {{ dossier.applicant_name }}")
    page.locator("#preview-button").click()
    assert page.locator("#preview-body").inner_text() == "Hẹn trả: 09/03/2026 – Nguyễn Văn An"
    assert page.locator("#preview-unknown").count() == 0
    page.locator("input[name=_save]").click()
    page.wait_for_url("**" + URL)
    template = MessageTemplate.objects.get()
    assert (template.event, template.channel, template.language) == (
        "dossiers.accepted",
        "email",
        "vi",
    )
    rendered = nt.render_notice(
        event="dossiers.accepted",
        channel="email",
        language="vi",
        context=nt.get_event("dossiers.accepted").sample_context(),
    )
    assert rendered.body == "Hẹn trả: 09/03/2026 – Nguyễn Văn An"
