"""Citizens register with name, citizen ID, phone, e-mail and password, confirm the e-mail with
a code, and only then log in. Bad input gets a clear message and creates nothing.

Messages are checked on the English pages (/en/…), which do not depend on the Vietnamese
catalogue being compiled."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from motcua.accounts.models import User
from motcua.core.models import AuditEvent

from .conftest import PASSWORD, SIGNUP, last_code, make_citizen

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/en/tai-khoan/signup/"
LOGIN_URL = "/en/tai-khoan/login/"
CODE_URL = "/en/tai-khoan/confirm-email/"


def signup(client, **changes):
    return client.post(SIGNUP_URL, SIGNUP | changes)


def test_the_form_asks_for_everything_and_shows_no_sso_without_a_provider(client):
    page = client.get("/tai-khoan/signup/").content.decode()
    for name in ("full_name", "citizen_id", "phone", "email", "password1", "password2"):
        assert f'name="{name}"' in page
    assert page.index('name="full_name"') < page.index('name="citizen_id"')
    assert "VNeID" not in page


def test_signup_saves_the_citizen_and_mails_a_code(client):
    response = signup(client)

    assert response.status_code == 302 and response["Location"].endswith("/confirm-email/")
    user = User.objects.get(email="binh.tran@example.vn")
    assert (user.full_name, user.citizen_id, user.phone) == (
        "Trần Thị Bình",
        "036190001234",
        "0987654321",  # spaces dropped, national form
    )
    assert not user.memberships.exists()
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["binh.tran@example.vn"]
    assert last_code()
    assert AuditEvent.objects.filter(action="accounts.user_registered").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"citizen_id": "03619000123"}, "citizen_id", "exactly 12 digits"),
        ({"citizen_id": "03619000123a"}, "citizen_id", "exactly 12 digits"),
        ({"citizen_id": ""}, "citizen_id", "This field is required."),
        ({"full_name": "  "}, "full_name", "This field is required."),
        ({"email": "binh.tran@"}, "email", "Enter a valid email address."),
        ({"phone": "12345"}, "phone", "Enter a Vietnamese phone number"),
        ({"phone": ""}, "phone", "This field is required."),
        ({"password1": "123456", "password2": "123456"}, "password1", "too short"),
        ({"password1": "password123", "password2": "password123"}, "password1", "too common"),
        ({"password2": "Something-else-2026"}, "password2", "the same password"),
    ],
)
def test_bad_input_gets_a_clear_message_and_creates_nothing(client, changes, field, message):
    response = signup(client, **changes)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors, errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.exists()
    assert mail.outbox == []


def test_a_citizen_id_has_one_account(client, citizen):
    response = signup(client, citizen_id=citizen.citizen_id)

    assert "already has an account" in " ".join(response.context["form"].errors["citizen_id"])
    assert User.objects.count() == 1


def test_a_phone_number_has_one_account_however_it_is_written(client, citizen):
    response = signup(client, phone="+84 912 345 678")

    assert "already belongs to an account" in " ".join(response.context["form"].errors["phone"])
    assert User.objects.count() == 1


def test_a_taken_email_reveals_nothing_and_creates_nothing(client, citizen):
    """allauth's enumeration protection: the page looks like success, the owner gets a mail."""
    response = signup(client, email=citizen.email, citizen_id="001201009999", phone="0977000111")

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert mail.outbox[-1].to == [citizen.email]


def test_the_code_confirms_the_email_and_logs_in(client):
    signup(client)
    user = User.objects.get(email="binh.tran@example.vn")

    wrong = client.post(CODE_URL, {"code": "WRONG1"})
    assert wrong.status_code == 200 and "Incorrect code." in wrong.content.decode()
    assert not EmailAddress.objects.get(user=user).verified

    response = client.post(CODE_URL, {"code": last_code()})

    assert response.status_code == 302
    assert response["Location"] == "/en/"  # a citizen's start page: the portal
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_without_the_code_logging_in_asks_for_it_again(client):
    signup(client)
    client.cookies.clear()  # a new visit: the pending signup is forgotten
    cache.clear()  # and more than 10 s later (allauth sends one code per 10 s per address)
    mail.outbox.clear()

    response = client.post(LOGIN_URL, {"login": "binh.tran@example.vn", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"].endswith("/confirm-email/")
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    response = client.post(CODE_URL, {"code": last_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_an_unconfirmed_account_cannot_reach_the_portal_as_itself(client):
    make_citizen(email="x@example.vn", verified=False)

    client.post(LOGIN_URL, {"login": "x@example.vn", "password": PASSWORD})

    assert "_auth_user_id" not in client.session
