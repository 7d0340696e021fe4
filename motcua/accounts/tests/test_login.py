"""One login box takes an e-mail address, a phone number (any common spelling) or a user name;
citizens land on the portal, officials in the back office; the header shows who is in."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from motcua.accounts.models import User

from .conftest import PASSWORD, last_code

pytestmark = pytest.mark.django_db

LOGIN_URL = "/en/tai-khoan/login/"


def log_in(client, login: str, password: str = PASSWORD, url: str = LOGIN_URL):
    return client.post(url, {"login": login, "password": password})


def logged_in_as(client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


@pytest.mark.parametrize(
    "login",
    [
        "an.le@example.vn",
        "AN.LE@example.vn",
        "0912345678",
        "0912 345 678",
        "+84 912 345 678",
        "84912345678",
        "an.le",  # the user name allauth made from the e-mail
    ],
)
def test_a_citizen_logs_in_with_email_phone_or_user_name(client, citizen, login):
    response = log_in(client, login)

    assert response.status_code == 302 and response["Location"] == "/en/"
    assert logged_in_as(client) == citizen


@pytest.mark.parametrize(
    ("login", "message"),
    [
        ("an.le@example.vn", "The email address and/or password you specified are not correct."),
        ("0912345678", "The phone number and/or password you specified are not correct."),
        ("nobody", "The username and/or password you specified are not correct."),
    ],
)
def test_a_wrong_password_says_so_and_logs_nobody_in(client, citizen, login, message):
    response = log_in(client, login, password="wrong-password")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert logged_in_as(client) is None


def test_an_empty_form_asks_for_both_fields(client):
    response = client.post(LOGIN_URL, {})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"login", "password"}


def test_officials_log_in_by_user_name_at_the_back_office_page(client, official):
    page = client.get("/can-bo/dang-nhap/?next=/can-bo/").content.decode()
    assert 'name="login"' in page and "Tên đăng nhập" in page

    response = client.post(
        "/can-bo/dang-nhap/", {"login": "canbo1", "password": PASSWORD, "next": "/can-bo/"}
    )

    assert response.status_code == 302 and response["Location"] == "/can-bo/"
    assert logged_in_as(client) == official


def test_an_official_without_next_goes_to_the_back_office(client, official):
    response = log_in(client, "canbo1")

    assert response["Location"] == "/en/can-bo/"


def test_the_back_office_page_shows_the_error_of_a_wrong_password(client, official):
    response = log_in(client, "canbo1", password="nope", url="/en/can-bo/dang-nhap/")

    assert response.status_code == 200
    assert "The username and/or password you specified are not correct." in (
        response.content.decode()
    )


def test_the_header_offers_log_in_and_register_then_the_name_and_sign_out(client, citizen):
    page = client.get("/en/").content.decode()
    assert 'href="/en/tai-khoan/login/"' in page and 'href="/en/tai-khoan/signup/"' in page

    log_in(client, citizen.email)
    page = client.get("/en/").content.decode()

    assert "Lê Văn An" in page and 'action="/en/tai-khoan/logout/"' in page
    client.post("/en/tai-khoan/logout/")
    assert logged_in_as(client) is None


def test_the_account_page_shows_the_profile(client, citizen):
    assert client.get("/tai-khoan/")["Location"].startswith("/tai-khoan/login/")
    log_in(client, citizen.email)

    page = client.get("/en/tai-khoan/").content.decode()

    for value in ("Lê Văn An", "an.le@example.vn", "0912345678", "001085004321"):
        assert value in page
    assert "/can-bo/" not in page.split("<main", 1)[1]  # no back-office link for citizens


def test_a_forgotten_password_is_reset_with_a_code_from_the_email(client, citizen):
    response = client.post("/en/tai-khoan/password/reset/", {"email": "AN.LE@example.vn"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == [citizen.email]

    response = client.post(response["Location"], {"code": last_code()})
    assert response.status_code == 302
    new_password = "Doi-mat-khau-2026"
    response = client.post(
        response["Location"], {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302

    assert log_in(client, citizen.phone, password=PASSWORD).status_code == 200
    assert log_in(client, citizen.phone, password=new_password).status_code == 302


def test_accounts_an_administrator_made_need_no_email_code(client, official):
    """Officials (and accounts without any e-mail) were vouched for by an administrator."""
    official.email = "canbo1@ubnd.example.vn"
    official.save()
    EmailAddress.objects.create(user=official, email=official.email, verified=False)
    walk_in = User.objects.create_user(username="congdan-quay", password=PASSWORD)

    assert log_in(client, official.email)["Location"] == "/en/can-bo/"
    client.logout()
    assert log_in(client, walk_in.username)["Location"] == "/en/"
    assert mail.outbox == []
