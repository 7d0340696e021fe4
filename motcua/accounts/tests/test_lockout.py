"""Brute force: after AXES_FAILURE_LIMIT wrong passwords for one account from one address, even
the right password is refused (HTTP 429, a page saying why and for how long) until the cool-off
passes or an administrator lifts the lockout. Failures count per account, however the login
names it (e-mail, phone, user name)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from motcua.accounts.models import User

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/en/tai-khoan/login/"


WRONG = "wrong-password"


def attempt(client, login: str, password: str = WRONG, ip: str = "203.0.113.7"):
    return client.post(LOGIN_URL, {"login": login, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock(client, login: str = "an.le@example.vn") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(client, login)
    assert response.status_code == 429


def test_the_right_password_is_refused_after_the_limit(client, guards, citizen):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, citizen.email).status_code == 200
    response = attempt(client, citizen.email)

    assert response.status_code == 429
    page = response.content.decode()
    assert "The password was wrong 3 times in a row" in page
    assert "Try again in 15 minutes." in page
    assert attempt(client, citizen.email, PASSWORD).status_code == 429
    assert not logged_in(client)


def test_the_account_counts_whether_typed_as_email_phone_or_user_name(client, guards, citizen):
    attempt(client, citizen.email.upper())
    attempt(client, "+84912345678")
    assert attempt(client, "an.le").status_code == 429

    assert attempt(client, "0912 345 678", PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().username == "an.le"


def test_another_address_and_another_account_are_not_locked(client, guards, citizen):
    other = User.objects.create_user(username="other", password=PASSWORD)
    lock(client)

    assert attempt(client, citizen.email, PASSWORD, ip="198.51.100.9").status_code == 302
    client.logout()
    assert attempt(client, other.username, PASSWORD).status_code == 302


def test_a_successful_login_clears_earlier_failures(client, guards, citizen):
    attempt(client, citizen.email)
    attempt(client, citizen.email)
    assert attempt(client, citizen.email, PASSWORD).status_code == 302
    client.logout()

    assert attempt(client, citizen.email).status_code == 200  # one failure, not three


def test_the_lockout_ends_after_the_cool_off(client, guards, citizen):
    lock(client)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )

    assert attempt(client, citizen.email, PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_administrator_lifts_the_lockout(client, admin_user, guards, citizen):
    lock(client)
    locked = AccessAttempt.objects.get()
    admin = Client()
    admin.force_login(admin_user)

    page = admin.get("/admin/axes/accessattempt/").content.decode()
    assert "an.le" in page
    response = admin.post(f"/admin/axes/accessattempt/{locked.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert attempt(client, citizen.email, PASSWORD).status_code == 302


def test_the_back_office_page_locks_too(client, guards, official):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/can-bo/dang-nhap/", {"login": "canbo1", "password": "x"}, REMOTE_ADDR="203.0.113.7"
        )
    assert response.status_code == 429
    response = client.post(
        "/can-bo/dang-nhap/", {"login": "canbo1", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 429 and not logged_in(client)
