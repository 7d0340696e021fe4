"""Officials must use an authenticator app (TOTP): until they set one up, every page but the
set-up, their account pages and logging out sends them to it; afterwards logging in asks for
its code, and they cannot turn it off. Citizens may turn it on if they wish."""

import pytest
from allauth.mfa.models import Authenticator

from .conftest import PASSWORD, totp_code

pytestmark = pytest.mark.django_db

ACTIVATE = "/en/tai-khoan/2fa/totp/activate/"
AUTHENTICATE = "/en/tai-khoan/2fa/authenticate/"
REAUTHENTICATE = "/en/tai-khoan/reauthenticate/"


def log_in(client, login: str, next_url: str = "/en/can-bo/"):
    return client.post(
        "/en/tai-khoan/login/", {"login": login, "password": PASSWORD, "next": next_url}
    )


def confirm_password(client) -> None:
    """allauth asks for the password again before two-factor settings change."""
    page = client.get(ACTIVATE)
    assert page.status_code == 302 and page["Location"].startswith(REAUTHENTICATE)
    response = client.post(page["Location"], {"password": PASSWORD})
    assert response.status_code == 302


def activate_totp(client) -> str:
    """Scan the QR code (read the secret) and enter the app's code; returns the secret."""
    confirm_password(client)
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret in page.content.decode()  # the key to type into an app by hand
    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302, response.context["form"].errors
    return secret


def test_an_official_without_an_app_is_sent_to_set_one_up(client, guards, official):
    log_in(client, "canbo1")

    for url in ("/en/can-bo/", "/en/can-bo/ho-so/", "/en/", "/en/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == ACTIVATE, url
    confirm_password(client)
    assert "Officials protect their account with an authenticator app" in (
        client.get(ACTIVATE).content.decode()
    )
    for url in ("/en/tai-khoan/", "/en/tai-khoan/2fa/", "/en/tai-khoan/password/change/"):
        assert client.get(url).status_code == 200, url


def test_a_wrong_code_does_not_turn_the_app_on(client, guards, official):
    log_in(client, "canbo1")
    confirm_password(client)
    client.get(ACTIVATE)

    response = client.post(ACTIVATE, {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.exists()
    assert client.get("/en/can-bo/ho-so/")["Location"] == ACTIVATE


def test_with_the_app_the_official_works_and_logs_in_with_its_code(client, guards, official):
    log_in(client, "canbo1")
    secret = activate_totp(client)

    assert Authenticator.objects.filter(user=official, type="totp").exists()
    assert client.get("/en/can-bo/ho-so/").status_code == 200
    client.post("/en/can-bo/dang-xuat/")

    response = log_in(client, "canbo1", next_url="/en/can-bo/ho-so/")
    assert response.status_code == 302 and response["Location"] == AUTHENTICATE
    assert "_auth_user_id" not in client.session
    wrong = client.post(AUTHENTICATE, {"code": "123456"})
    assert wrong.status_code == 200 and "Incorrect code." in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(AUTHENTICATE, {"code": totp_code(secret)})

    assert response.status_code == 302 and response["Location"] == "/en/can-bo/ho-so/"
    assert client.session["_auth_user_id"] == str(official.pk)


def test_an_official_cannot_turn_the_app_off(client, guards, official):
    log_in(client, "canbo1")
    activate_totp(client)

    page = client.get("/en/tai-khoan/2fa/totp/deactivate/")
    response = client.post("/en/tai-khoan/2fa/totp/deactivate/")

    assert "You cannot deactivate two-factor authentication." in page.content.decode()
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=official, type="totp").exists()


def test_the_requirement_can_be_switched_off(client, guards, official):
    guards.MOTCUA_OFFICIAL_MFA_REQUIRED = False
    log_in(client, "canbo1")

    assert client.get("/en/can-bo/ho-so/").status_code == 200


def test_citizens_are_not_asked_but_may_turn_the_app_on(client, guards, citizen):
    log_in(client, citizen.email, next_url="/en/")
    assert client.get("/en/").status_code == 200

    secret = activate_totp(client)
    client.post("/en/tai-khoan/logout/")

    response = log_in(client, citizen.email, next_url="/en/")
    assert response["Location"] == AUTHENTICATE
    response = client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(citizen.pk)
    # and a citizen may turn it off again (after confirming the password)
    deactivate = "/en/tai-khoan/2fa/totp/deactivate/"
    client.post(client.get(deactivate)["Location"], {"password": PASSWORD})
    assert client.post(deactivate).status_code == 302
    assert not Authenticator.objects.filter(type="totp").exists()


def test_the_admin_login_asks_for_the_authenticator_code_too(client, guards, official):
    official.is_staff = True
    official.save()
    log_in(client, "canbo1")
    secret = activate_totp(client)
    client.post("/en/tai-khoan/logout/")

    page = client.get("/en/admin/login/?next=/en/admin/")
    assert 'id="id_username" autocomplete="username"' in page.content.decode()
    response = client.post(
        "/en/admin/login/?next=/en/admin/",
        {"login": "canbo1", "password": PASSWORD, "next": "/en/admin/"},
    )

    assert response.status_code == 302 and response["Location"] == AUTHENTICATE
    assert "_auth_user_id" not in client.session
    client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert client.get("/en/admin/").status_code == 200


def test_the_admin_login_sends_staff_on_and_refuses_others(client, admin_user, citizen):
    client.force_login(admin_user)
    assert client.get("/admin/login/?next=/admin/axes/")["Location"] == "/admin/axes/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"
    client.force_login(citizen)
    assert client.get("/admin/login/").status_code == 403
