"""Citizens' notification preferences: which routes a person gets (their saved choice, else the
MOTCUA_NOTIFY_DEFAULT_CHANNELS defaults, each only when its address exists; the inbox when
nothing chosen is reachable), and saving a choice (own only, at least one channel, SMS only
with a phone, audited; bad input changes nothing)."""

import pytest

from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditEvent
from motcua.notifications.models import NotificationPreference
from motcua.notifications.preferences import Route, initial_for, preference_save, routes_for

pytestmark = pytest.mark.django_db

EMAIL, PHONE = "binh@example.vn", "0912345678"


@pytest.fixture
def citizen(django_user_model):
    return django_user_model.objects.create_user(
        username="binh", password="x", email=EMAIL, phone="+84 912 345 678"
    )


def channels(routes: list[Route]) -> list[str]:
    return [r.channel for r in routes]


@pytest.mark.parametrize(
    ("email", "phone", "expected"),
    [
        (EMAIL, PHONE, ["email", "sms"]),
        ("", "0912.345.678", ["sms"]),
        (EMAIL, "", ["email"]),
        ("", "", []),
        ("", "12345", []),  # not a phone number: no SMS
    ],
)
def test_without_an_account_the_given_contacts_decide(email, phone, expected):
    routes, language = routes_for(user=None, email=email, phone=phone)
    assert channels(routes) == expected and language == "vi"
    assert all(r.user is None for r in routes)
    if "sms" in expected:
        assert routes[-1].to == PHONE  # normalised


def test_an_account_without_a_saved_choice_gets_every_reachable_channel(citizen):
    routes, _language = routes_for(user=citizen, email="", phone="")
    assert routes == [
        Route("email", EMAIL),
        Route("sms", PHONE),
        Route("inbox", "binh", citizen),
    ]


def test_the_defaults_are_a_setting(citizen, settings):
    settings.MOTCUA_NOTIFY_DEFAULT_CHANNELS = ("inbox",)
    assert channels(routes_for(user=citizen, email=EMAIL, phone=PHONE)[0]) == ["inbox"]
    assert routes_for(user=None, email=EMAIL, phone=PHONE)[0] == []


def test_a_saved_choice_wins_and_the_inbox_catches_an_unreachable_choice(citizen):
    NotificationPreference.objects.create(
        user=citizen, email=False, sms=True, inbox=False, language="en"
    )
    routes, language = routes_for(user=citizen, email=EMAIL, phone=PHONE)
    assert (channels(routes), language) == (["sms"], "en")
    citizen.phone = ""
    assert channels(routes_for(user=citizen, email=EMAIL, phone="")[0]) == ["inbox"]


def test_saving_a_choice_is_audited(citizen):
    preference = preference_save(
        user=citizen, actor=citizen, email=False, sms=True, inbox=True, language="en"
    )
    assert (preference.email, preference.sms, preference.inbox, preference.language) == (
        False,
        True,
        True,
        "en",
    )
    preference_save(user=citizen, actor=citizen, email=True, sms=False, inbox=False, language="vi")
    events = list(AuditEvent.objects.filter(action="notification.preferences").order_by("seq"))
    assert [e.data["before"] for e in events] == [
        None,
        {"email": False, "sms": True, "inbox": True, "language": "en"},
    ]
    assert events[1].data["after"] == {
        "email": True,
        "sms": False,
        "inbox": False,
        "language": "vi",
    }
    assert initial_for(citizen) == {"email": True, "sms": False, "inbox": False, "language": "vi"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": False, "sms": False, "inbox": False}, "ít nhất một cách"),
        ({"language": "fr"}, "tiếng Việt hoặc tiếng Anh"),
    ],
)
def test_bad_choices_change_nothing(citizen, changes, message):
    fields = {"email": True, "sms": False, "inbox": True, "language": "vi"} | changes
    with pytest.raises(ValidationFailed) as raised:
        preference_save(user=citizen, actor=citizen, **fields)
    assert any(message in error for error in raised.value.errors)
    assert not NotificationPreference.objects.exists() and not AuditEvent.objects.exists()


def test_sms_and_email_need_the_address_on_the_account(django_user_model):
    bare = django_user_model.objects.create_user(username="bare", password="x")
    with pytest.raises(ValidationFailed) as raised:
        preference_save(user=bare, actor=bare, email=True, sms=True, inbox=True, language="vi")
    assert len(raised.value.errors) == 2
    assert initial_for(bare) == {"email": False, "sms": False, "inbox": True, "language": "vi"}


def test_nobody_else_can_change_a_citizens_choice(citizen, django_user_model):
    other = django_user_model.objects.create_user(username="other", password="x")
    with pytest.raises(ValidationFailed):
        preference_save(user=citizen, actor=other, email=True, sms=False, inbox=True, language="vi")
    assert not NotificationPreference.objects.exists()
