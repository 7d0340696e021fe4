"""Accounts test data: a citizen with a confirmed e-mail, an official, the sign-in guards
(axes, officials' MFA) switched on, a running OpenID Connect provider, and a TOTP helper."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail

from motcua.accounts.constants import AgencyKind, Level, Role
from motcua.accounts.models import Agency, Membership, User

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider

PASSWORD = "Mot-cua-2026!"
SIGNUP = {
    "full_name": "Trần Thị Bình",
    "citizen_id": "036190001234",
    "phone": "0987 654 321",
    "email": "binh.tran@example.vn",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


@pytest.fixture
def guards(settings):
    """What production has and the other apps' tests switch off (root conftest.py)."""
    settings.AXES_ENABLED = True
    settings.MOTCUA_OFFICIAL_MFA_REQUIRED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings


def make_citizen(
    *,
    email: str = "an.le@example.vn",
    phone: str = "0912345678",
    citizen_id: str = "001085004321",
    verified: bool = True,
) -> User:
    user = User.objects.create_user(
        username=email.split("@")[0],
        email=email,
        password=PASSWORD,
        full_name="Lê Văn An",
        phone=phone,
        citizen_id=citizen_id,
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture
def citizen(db) -> User:
    return make_citizen()


def make_official(username: str = "canbo1") -> User:
    agency, _ = Agency.objects.get_or_create(
        slug="xa-test",
        defaults={
            "name": "UBND xã Thử Nghiệm",
            "kind": AgencyKind.COMMUNE_PC,
            "level": Level.COMMUNE,
        },
    )
    user = User.objects.create_user(username=username, password=PASSWORD, full_name="Phạm Cán Bộ")
    Membership.objects.create(user=user, agency=agency, role=Role.RECEPTION_OFFICER)
    return user


@pytest.fixture
def official(db) -> User:
    return make_official()


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now, computed with allauth's own HOTP helper."""
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def last_code() -> str:
    """The verification code in the last e-mail sent (a line of its own)."""
    body = mail.outbox[-1].body
    lines = [line.strip() for line in body.splitlines()]
    codes = [line for line in lines if line and " " not in line and len(line) <= 12]
    assert codes, body
    return codes[-1]


@pytest.fixture
def oidc(settings):
    """A live OpenID Connect provider, configured as MotCua's "VNeID" SSO."""
    provider = OidcProvider()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "vneid",
                    "name": "VNeID",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": provider.url},
                }
            ],
        }
    }
    yield provider
    provider.stop()
