"""The citizen's notification settings page (/tai-khoan/thong-bao/): signed-in only, shows the
current choice (or what the defaults do), offers SMS only with a phone number, saves with CSRF
and a success message (audited), refuses turning everything off, and only ever touches the
signed-in user's own row."""

import pytest
from django.test import Client

from motcua.core.models import AuditEvent
from motcua.notifications.models import NotificationPreference

pytestmark = pytest.mark.django_db

URL = "/tai-khoan/thong-bao/"


@pytest.fixture
def citizen(django_user_model):
    return django_user_model.objects.create_user(
        username="binh", password="x", email="binh@example.vn", phone="0912345678"
    )


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/tai-khoan/login/" in response["Location"]


def test_the_page_shows_what_the_defaults_do(signed_in):
    response = signed_in.get(URL)
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    for name in ("email", "sms", "inbox"):
        assert f'name="{name}" checked' in page, name


def test_sms_is_offered_only_with_a_phone_number(client, django_user_model):
    user = django_user_model.objects.create_user(username="nophone", password="x")
    client.force_login(user)
    page = client.get(URL).content.decode()
    assert 'name="sms"' not in page and 'id="sms-missing"' in page
    # A forged field cannot turn it on either.
    response = client.post(URL, {"sms": "on", "inbox": "on", "language": "vi"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=user).sms is False


def test_saving_shows_a_message_and_is_audited(signed_in, citizen):
    response = signed_in.post(URL, {"sms": "on", "language": "en"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    preference = NotificationPreference.objects.get(user=citizen)
    assert (preference.email, preference.sms, preference.inbox, preference.language) == (
        False,
        True,
        False,
        "en",
    )
    assert len(list(response.context["messages"])) == 1
    assert AuditEvent.objects.get(action="notification.preferences").actor == citizen


def test_turning_everything_off_is_refused_and_changes_nothing(signed_in, citizen):
    response = signed_in.post(URL, {"language": "vi"})
    assert response.status_code == 400 and 'id="form-errors"' in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_form_needs_its_csrf_token(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.post(URL, {"email": "on", "language": "vi"}).status_code == 403
    assert not NotificationPreference.objects.exists()


def test_one_citizen_cannot_change_anothers_settings(signed_in, citizen, django_user_model):
    other = django_user_model.objects.create_user(username="other", password="x")
    NotificationPreference.objects.create(user=other, email=False, sms=False, inbox=True)
    # There is no user in the URL or the form; extra fields naming another user are ignored.
    signed_in.post(URL, {"email": "on", "language": "vi", "user": other.pk, "user_id": other.pk})
    theirs = NotificationPreference.objects.get(user=other)
    assert (theirs.email, theirs.inbox) == (False, True)
    assert NotificationPreference.objects.get(user=citizen).email is True
