"""The notification settings page in a real headless chromium: reached from "My dossiers",
checked by axe-core at 360 and 1280 px (screenshots portal-preferences-*.png), saved with a
success message; a second citizen sees and changes only their own settings."""

import pytest

from conftest import check_page as shared_check_page
from motcua.accounts.models import User
from motcua.notifications.models import NotificationPreference

from .dossier_scenes import session_cookie

pytestmark = pytest.mark.browser


def log_in(page, base: str, user: User) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([{**session_cookie(user), "url": base}])


def test_a_citizen_chooses_how_to_be_told(page, live_server):
    base = live_server.url
    binh = User.objects.create_user(
        username="binh", password="x", email="binh@example.vn", phone="0912345678"
    )
    chi = User.objects.create_user(username="chi", password="x", email="chi@example.vn")
    log_in(page, base, binh)
    page.goto(base + "/ho-so-cua-toi/")
    page.locator("a[href='/tai-khoan/thong-bao/']").click()
    page.wait_for_url("**/tai-khoan/thong-bao/")
    assert page.locator("h1").inner_text() in ("Thiết lập thông báo", "Notification settings")
    shared_check_page(page, "portal-preferences")

    # USWDS draws check boxes on their labels: people tap the label.
    page.locator("label[for=id_email]").click()  # off
    page.locator("label[for=id_inbox]").click()  # off: only SMS stays
    page.locator("#id_language").select_option("en")
    page.locator("#save-preferences").click()
    page.wait_for_url("**/tai-khoan/thong-bao/")
    assert page.locator(".mc-messages .usa-alert--success").is_visible()
    saved = NotificationPreference.objects.get(user=binh)
    assert (saved.email, saved.sms, saved.inbox, saved.language) == (False, True, False, "en")

    # Turning the last one off is refused, and nothing changes.
    page.locator("label[for=id_sms]").click()
    page.locator("#save-preferences").click()
    assert page.locator("#form-errors").is_visible()
    shared_check_page(page, "portal-preferences-refused")
    assert NotificationPreference.objects.get(user=binh).sms is True

    # Another citizen: their own (default) settings, no SMS without a phone; saving theirs
    # leaves Bình's alone.
    log_in(page, base, chi)
    page.goto(base + "/tai-khoan/thong-bao/")
    assert page.locator("#id_sms").count() == 0 and page.locator("#sms-missing").is_visible()
    assert page.locator("#id_email").is_checked()
    page.locator("label[for=id_inbox]").click()
    page.locator("#save-preferences").click()
    page.wait_for_url("**/tai-khoan/thong-bao/")
    mine = NotificationPreference.objects.get(user=chi)
    assert (mine.email, mine.inbox) == (True, False)
    theirs = NotificationPreference.objects.get(user=binh)
    assert (theirs.email, theirs.sms, theirs.inbox) == (False, True, False)
