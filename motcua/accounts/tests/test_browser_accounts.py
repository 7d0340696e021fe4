"""Accounts in a real headless chromium on a 360 px phone: register, read the code from the
e-mail, confirm, log out, log in by phone; SSO through the test OpenID Connect provider; an
official setting up the authenticator app and logging in with its code; the lockout page.
axe-core (WCAG 2.1 A/AA) finds nothing serious at 360 and 1280 px and nothing sticks out
sideways on the phone; screenshots go to test-artifacts/screenshots/.

Fields and buttons are found by id and type, so the tests pass before and after the Vietnamese
catalogue is compiled."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from conftest import check_page as shared_check_page
from conftest import open_menu
from motcua.accounts.models import User

from .conftest import PASSWORD, SIGNUP, last_code, make_official, totp_code

pytestmark = pytest.mark.browser


def check_page(page, name: str, *, open_details: bool = False) -> None:
    """The shared page check (root conftest), screenshots named accounts-<name>-<width>.png."""
    shared_check_page(page, f"accounts-{name}", open_details=open_details)


def submit(page) -> None:
    page.locator("main form.usa-form button[type=submit]").first.click()


def header_text(page) -> str:
    return page.locator("header nav").text_content() or ""  # also when the menu is closed


def test_register_confirm_log_out_and_log_in_again(page, live_server):
    base = live_server.url
    page.goto(base + "/tai-khoan/signup/")
    check_page(page, "signup")

    submit(page)  # nothing filled in: every field says what is missing
    assert page.locator(".usa-error-message").count() >= 5
    check_page(page, "signup-errors")
    assert not User.objects.exists()

    for name, value in SIGNUP.items():
        page.locator(f"#id_{name}").fill(value)
    submit(page)
    page.wait_for_url("**/tai-khoan/confirm-email/")
    check_page(page, "email-code")
    assert mail.outbox[-1].to == [SIGNUP["email"]]

    page.locator("#id_code").fill(last_code())
    submit(page)
    page.wait_for_url(base + "/")
    assert "Trần Thị Bình" in header_text(page)
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified

    open_menu(page)
    page.locator("header form[action$='/tai-khoan/logout/'] button").click()
    page.wait_for_url(base + "/")
    assert "Trần Thị Bình" not in header_text(page)

    open_menu(page)
    page.locator("header a[href='/tai-khoan/login/']").click()
    page.wait_for_url("**/tai-khoan/login/")
    check_page(page, "login")
    page.locator("#id_login").fill("0987 654 321")
    page.locator("#id_password").fill("not-the-password")
    submit(page)
    assert page.locator("main .usa-alert--error").is_visible()
    check_page(page, "login-error")

    page.locator("#id_password").fill(PASSWORD)
    submit(page)
    page.wait_for_url(base + "/")
    assert "Trần Thị Bình" in header_text(page)
    for path, name in (
        ("/tai-khoan/", "overview"),
        ("/tai-khoan/email/", "emails"),
        ("/tai-khoan/password/change/", "password-change"),
        ("/tai-khoan/2fa/", "two-factor"),
        ("/tai-khoan/password/reset/", "password-reset"),
    ):
        page.goto(base + path)
        assert page.locator("main h1").count() == 1, path
        check_page(page, name)


def test_log_in_through_the_identity_provider(page, live_server, oidc):
    base = live_server.url
    page.goto(base + "/tai-khoan/login/")
    check_page(page, "login-sso")

    page.locator("main form[action*='/oidc/vneid/login/'] button").click()
    page.wait_for_url(base + "/")

    assert "Nguyễn Văn An" in header_text(page)
    assert User.objects.get().citizen_id == "001090012345"


def test_an_official_sets_up_the_app_then_logs_in_with_its_code(page, live_server, guards):
    make_official()
    base = live_server.url
    page.goto(base + "/can-bo/")
    page.wait_for_url("**/can-bo/dang-nhap/**")
    check_page(page, "backoffice-login")
    page.locator("#id_login").fill("canbo1")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()

    page.wait_for_url("**/tai-khoan/reauthenticate/**")  # allauth: the password once more
    check_page(page, "reauthenticate")
    page.locator("#id_password").fill(PASSWORD)
    submit(page)
    page.wait_for_url("**/tai-khoan/2fa/totp/activate/")
    check_page(page, "totp-activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(totp_code(secret))
    submit(page)
    page.wait_for_url("**/tai-khoan/2fa/recovery-codes/")
    assert page.locator(".mc-account__codes li").count() == 10
    check_page(page, "recovery-codes")

    page.goto(base + "/can-bo/")
    page.wait_for_url("**/can-bo/ho-so/")
    open_menu(page)
    page.locator("form[action$='/dang-xuat/'] button").click()
    page.wait_for_url("**/can-bo/dang-nhap/")

    page.goto(base + "/can-bo/")
    page.locator("#id_login").fill("canbo1")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/tai-khoan/2fa/authenticate/")
    check_page(page, "totp-authenticate")
    page.locator("#id_code").fill(totp_code(secret))
    submit(page)
    page.wait_for_url("**/can-bo/ho-so/")


def test_the_lockout_page(page, live_server, guards, citizen):
    page.goto(live_server.url + "/tai-khoan/login/")
    for _ in range(guards.AXES_FAILURE_LIMIT):
        page.locator("#id_login").fill(citizen.email)
        page.locator("#id_password").fill("wrong")
        submit(page)

    assert page.locator("h1").count() == 1
    assert page.locator("main a[href$='/tai-khoan/password/reset/']").is_visible()
    check_page(page, "lockout")


def test_logging_in_works_without_javascript(
    browser, built_static, static_dirs, live_server, transactional_db, oidc, citizen
):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    base = live_server.url
    try:
        page.goto(base + "/tai-khoan/login/")
        page.locator("#id_login").fill(citizen.email)
        page.locator("#id_password").fill(PASSWORD)
        submit(page)
        page.wait_for_url(base + "/")
        assert "Lê Văn An" in header_text(page)
        open_menu(page)
        page.locator("header form[action$='/tai-khoan/logout/'] button").click()
        page.wait_for_url(base + "/")

        page.goto(base + "/tai-khoan/login/")
        page.locator("main form[action*='/oidc/vneid/login/'] button").click()
        page.wait_for_url(base + "/")
        assert "Nguyễn Văn An" in header_text(page)
    finally:
        context.close()
