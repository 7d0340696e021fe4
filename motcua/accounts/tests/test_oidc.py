"""Logging in through the national identity provider (VNeID-style OpenID Connect), against a
real provider running on 127.0.0.1 (oidc_provider.py): the Django test client plays the
browser, the provider's /authorize is called over HTTP, and allauth talks to /token and
/userinfo itself. A forged state, a token for another client or from another issuer, and a
citizen ID that already has an account are refused and create nothing."""

import urllib.request
from urllib.error import HTTPError
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from motcua.accounts.models import User
from motcua.core.models import AuditEvent

from .conftest import make_citizen

pytestmark = pytest.mark.django_db

START = "/en/tai-khoan/oidc/vneid/login/"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def authorize(location: str) -> str:
    """What the browser does at the provider: GET /authorize, get sent back with a code."""
    assert location.startswith("http://127.0.0.1:")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(location)
    except HTTPError as redirect:
        assert redirect.code == 302
        return redirect.headers["Location"]
    raise AssertionError("the provider did not redirect back")


def sso(client):
    """Press the SSO button, pass the provider, come back: the callback's response."""
    start = client.post(START)
    assert start.status_code == 302
    back = urlsplit(authorize(start["Location"]))
    assert back.path == "/en/tai-khoan/oidc/vneid/login/callback/"
    return client.get(f"{back.path}?{back.query}")


def test_the_sso_button_shows_only_when_a_provider_is_configured(client, settings):
    assert "VNeID" not in client.get("/tai-khoan/login/").content.decode()
    assert client.post(START).status_code == 404


def test_the_button_is_a_form_that_works_without_javascript(client, oidc):
    page = client.get("/en/tai-khoan/login/").content.decode()

    assert f'<form method="post" action="{START}?process=login">' in page
    assert "Log in with VNeID</button>" in page


def test_a_first_login_creates_the_citizen_from_the_claims(client, oidc):
    response = sso(client)

    assert response.status_code == 302 and response["Location"] == "/en/"
    user = User.objects.get()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.full_name, user.citizen_id, user.phone, user.email) == (
        "Nguyễn Văn An",
        "001090012345",
        "0912000111",
        "an.nguyen@example.vn",
    )
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified  # the provider vouched for it
    assert SocialAccount.objects.get(user=user).uid == "vneid-001"
    assert AuditEvent.objects.filter(action="accounts.user_registered").exists()
    # the provider saw the whole authorization code flow, PKCE included
    assert [r for r in oidc.requests if "well-known" not in r] == [
        "GET /authorize",
        "POST /token",
        "GET /userinfo",
    ]


def test_the_next_login_finds_the_same_account(client, oidc):
    sso(client)
    client.post("/en/tai-khoan/logout/")
    oidc.citizen["name"] = "Nguyễn Văn An (đổi tên)"

    response = sso(client)

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_a_forged_state_is_refused(client, oidc):
    start = client.post(START)
    back = urlsplit(authorize(start["Location"]))
    query = back.query.replace("state=", "state=forged")

    response = client.get(f"{back.path}?{query}")

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert not User.objects.exists() and "_auth_user_id" not in client.session


def test_a_callback_nobody_started_is_refused(client, oidc):
    response = client.get("/en/tai-khoan/oidc/vneid/login/callback/?code=x&state=y")

    assert "Third-Party Login Failure" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("fault", ["audience", "issuer"])
def test_an_id_token_for_another_client_or_from_another_issuer_is_refused(client, oidc, fault):
    setattr(oidc, fault, "https://somewhere-else.example" if fault == "issuer" else "other-app")

    response = sso(client)

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert not User.objects.exists() and "_auth_user_id" not in client.session


def test_a_citizen_id_that_already_has_an_account_is_not_joined(client, oidc):
    make_citizen(citizen_id="001090012345")

    response = sso(client)

    assert response.status_code == 302 and response["Location"] == "/en/tai-khoan/login/"
    assert User.objects.count() == 1 and not SocialAccount.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "An account with your citizen identification number already exists." in page


def test_a_malformed_citizen_id_claim_is_left_out(client, oidc):
    oidc.citizen["citizen_id"] = "12-34"

    sso(client)

    assert User.objects.get().citizen_id == ""
