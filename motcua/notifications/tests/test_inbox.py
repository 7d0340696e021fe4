"""The portal inbox channel: the worker turns an inbox message into one `InboxItem`, even when
the message is delivered twice (a worker killed between writing and recording)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from motcua.notifications import services
from motcua.notifications.inbox import inbox_unread_count
from motcua.notifications.models import InboxItem, Message
from motcua.notifications.services import enqueue_inbox

pytestmark = pytest.mark.django_db(transaction=True)

SUBJECT = "Hồ sơ 000.00.01.H49-260615-0001 đã được tiếp nhận"
BODY = "Cơ quan đã tiếp nhận hồ sơ của ông/bà.\nHẹn trả kết quả ngày 22/06/2026."


@pytest.fixture
def citizen(db):
    return get_user_model().objects.create_user(username="an", password="x")


def queue(user, key: str = "notice-12-inbox", link: str = "/ho-so-cua-toi/abc/") -> Message:
    with transaction.atomic():
        return enqueue_inbox(key=key, user=user, subject=SUBJECT, body=BODY, link=link)


def test_the_worker_puts_the_notice_in_the_users_inbox(citizen, db_tasks):
    message = queue(citizen)
    assert InboxItem.objects.count() == 0  # nothing before the worker runs
    call_command("worker", "--once")
    item = InboxItem.objects.get()
    assert (item.user, item.subject, item.body, item.link) == (
        citizen,
        SUBJECT,
        BODY,
        "/ho-so-cua-toi/abc/",
    )
    assert item.read_at is None
    assert inbox_unread_count(user=citizen) == 1
    message.refresh_from_db()
    assert (message.status, message.channel, message.recipient) == ("sent", "inbox", "an")
    assert message.delivery_attempts.get().external_id == str(item.pk)


class Killed(BaseException):
    """The worker process dies at this point."""


def test_delivered_twice_it_is_still_one_item(citizen, db_tasks, monkeypatch):
    message = queue(citizen)

    def die(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(services, "_mark_sent", die)
        with pytest.raises(Killed):
            services.deliver(message.pk)
    assert InboxItem.objects.count() == 1  # written, but the message still says "sending"
    message.refresh_from_db()
    assert message.status == "sending"

    assert services.deliver_due(now=message.next_attempt_at + timedelta(seconds=1)) == {"sent": 1}
    assert InboxItem.objects.count() == 1
    message.refresh_from_db()
    assert [a.outcome for a in message.delivery_attempts.all()] == ["interrupted", "sent"]
    assert len({a.external_id for a in message.delivery_attempts.all() if a.external_id}) == 1


def test_the_same_key_gives_one_message_and_one_item(citizen, db_tasks):
    assert queue(citizen).pk == queue(citizen).pk
    call_command("worker", "--once")
    assert InboxItem.objects.count() == 1


def test_a_link_off_the_site_is_refused(citizen):
    with pytest.raises(ValueError, match="path on this site"), transaction.atomic():
        enqueue_inbox(key="k-1", user=citizen, subject="s", body="b", link="https://evil.test/")
    assert Message.objects.count() == 0


def test_the_unread_count_is_one_query(citizen, django_assert_num_queries):
    queue(citizen)  # the immediate backend delivers on commit
    with django_assert_num_queries(1):
        assert inbox_unread_count(user=citizen) == 1
