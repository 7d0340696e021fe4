"""The outbox against a real SMTP server: delivery, retries with backoff, idempotency, a worker
killed between sending and recording, and rollbacks."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.core.models import AuditEvent
from motcua.notifications import services
from motcua.notifications.models import DeliveryAttempt, Message
from motcua.notifications.services import Attachment, enqueue_email

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n% a slip\n%%EOF\n"
SUBJECT = "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ 000.00.01.H01-260615-0001"
BODY = "Kính gửi ông Nguyễn Văn Bình,\nCơ quan xin lỗi vì hồ sơ bị trễ hạn.\n"


def queue(key: str = "apology-12", **overrides) -> Message:
    fields = {
        "key": key,
        "to": "binh@example.vn",
        "subject": SUBJECT,
        "body": BODY,
        "attachments": [Attachment("mau-04-xin-loi.pdf", PDF, "application/pdf")],
    } | overrides
    with transaction.atomic():
        return enqueue_email(**fields)


def test_the_worker_delivers_a_queued_message_over_smtp(smtp, db_tasks):
    smtp.start()
    message = queue()
    assert Message.objects.get().status == Message.Status.PENDING
    assert DBTaskResult.objects.count() == 1  # enqueued once the transaction committed
    assert smtp.messages == []  # nothing is sent before the worker runs

    call_command("worker", "--once")

    [received] = smtp.messages
    # Django folds a long encoded subject onto a continuation line; the text is intact.
    assert received["Subject"].strip() == SUBJECT
    assert received["To"] == "binh@example.vn"
    assert received["Message-ID"] == "<apology-12@dichvucong.example.vn>"
    assert received.get_body(("plain",)).get_content().splitlines() == BODY.splitlines()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "mau-04-xin-loi.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None
    [attempt] = message.delivery_attempts.all()
    assert attempt.outcome == DeliveryAttempt.Outcome.SENT
    assert attempt.finished_at is not None


def test_the_sweep_delivers_a_message_whose_task_was_lost(smtp, db_tasks):
    smtp.start()
    queue()
    DBTaskResult.objects.all().delete()  # e.g. the process died between commit and enqueue

    call_command("worker", "--once")

    assert [m["Message-ID"] for m in smtp.messages] == ["<apology-12@dichvucong.example.vn>"]
    assert Message.objects.get().status == Message.Status.SENT


def test_an_unreachable_server_is_retried_with_backoff(smtp, settings):
    settings.MOTCUA_NOTIFY_BACKOFF_SECONDS = 60
    message = queue()  # the immediate backend tries at once: the server is down
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error
    first_retry = message.next_attempt_at
    assert timedelta(seconds=55) < first_retry - timezone.now() <= timedelta(seconds=60)
    [attempt] = message.delivery_attempts.all()
    assert attempt.outcome == DeliveryAttempt.Outcome.ERROR
    assert attempt.error == message.last_error

    # Not due yet: the sweep leaves it alone.
    assert services.deliver_due() == {}
    # Due, still down: the wait doubles.
    assert services.deliver_due(now=first_retry) == {"error": 1}
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - first_retry >= timedelta(seconds=120)

    smtp.start()
    assert services.deliver_due(now=message.next_attempt_at) == {"sent": 1}
    assert [m["Message-ID"] for m in smtp.messages] == ["<apology-12@dichvucong.example.vn>"]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")
    outcomes = [a.outcome for a in message.delivery_attempts.all()]
    assert outcomes == ["error", "error", "sent"]


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.MOTCUA_NOTIFY_BACKOFF_SECONDS = 60
    settings.MOTCUA_NOTIFY_BACKOFF_MAX_SECONDS = 3600
    waits = [services.backoff(n).total_seconds() for n in range(1, 9)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_message_fails_after_the_last_attempt_and_an_admin_can_retry_it(
    smtp, settings, admin_client
):
    settings.MOTCUA_NOTIFY_MAX_ATTEMPTS = 2
    message = queue()
    message.refresh_from_db()
    assert services.deliver_due(now=message.next_attempt_at) == {"failed": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 2)
    far = timezone.now() + timedelta(days=30)
    assert services.deliver_due(now=far) == {}  # given up

    smtp.start()
    response = admin_client.post(
        "/admin/notifications/message/",
        {"action": "retry_now", "_selected_action": [message.pk]},
        follow=True,
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == "sent"  # the immediate backend delivered it on commit
    assert len(smtp.messages) == 1
    event = AuditEvent.objects.get(action="notification.retry")
    assert event.subject_id == str(message.pk)
    assert event.actor == admin_client.user


def test_the_same_key_gives_one_message(smtp, db_tasks):
    smtp.start()
    with transaction.atomic():
        first = enqueue_email(key="submitted-abc", to="a@example.vn", subject="s", body="b")
        again = enqueue_email(key="submitted-abc", to="a@example.vn", subject="s", body="b")
    later = queue(key="submitted-abc")
    assert first.pk == again.pk == later.pk
    assert Message.objects.count() == 1
    call_command("worker", "--once")
    assert len(smtp.messages) == 1


class Killed(BaseException):
    """The worker process dies (SIGKILL, power cut) at this point."""


def test_a_worker_killed_between_send_and_mark_resends_with_the_same_message_id(
    smtp, db_tasks, settings, monkeypatch
):
    settings.MOTCUA_NOTIFY_LEASE_SECONDS = 300
    smtp.start()
    message = queue()

    def die(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(services, "_mark_sent", die)
        with pytest.raises(Killed):
            services.deliver(message.pk)
    assert len(smtp.messages) == 1  # the server has it; our record does not say so
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING
    lease_end = message.next_attempt_at

    # A restarted worker leaves it while the lease runs (the first worker might be alive) …
    DBTaskResult.objects.all().delete()
    call_command("worker", "--once")
    assert len(smtp.messages) == 1
    # … and sends it again once the lease has ended.
    assert services.deliver_due(now=lease_end + timedelta(seconds=1)) == {"sent": 1}

    assert len(smtp.messages) == 2
    ids = {m["Message-ID"] for m in smtp.messages}
    assert ids == {"<apology-12@dichvucong.example.vn>"}  # the receiver drops the repeat
    first, repeat = smtp.messages
    assert first["Subject"] == repeat["Subject"]
    assert first.get_body(("plain",)).get_content() == repeat.get_body(("plain",)).get_content()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    outcomes = [a.outcome for a in message.delivery_attempts.all()]
    assert outcomes == ["interrupted", "sent"]


def test_a_rolled_back_act_leaves_no_message_and_sends_nothing(smtp, db_tasks):
    smtp.start()
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_email(key="apology-13", to="a@example.vn", subject="s", body="b")
        raise RuntimeError("the act failed")
    assert Message.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    call_command("worker", "--once")
    assert smtp.messages == []


def test_enqueueing_outside_a_transaction_is_refused(db_tasks):
    with pytest.raises(AssertionError, match="inside the transaction"):
        enqueue_email(key="x-1", to="a@example.vn", subject="s", body="b")


@pytest.mark.parametrize("key", ["", "a b", "<a>", "a@b", "x" * 201])
def test_a_key_that_cannot_be_a_message_id_is_refused(db_tasks, key):
    with pytest.raises(ValueError, match="idempotency key"), transaction.atomic():
        enqueue_email(key=key, to="a@example.vn", subject="s", body="b")


def test_administrators_see_messages_and_attempts(smtp, admin_client):
    message = queue()  # server down: one failed attempt
    listing = admin_client.get("/admin/notifications/message/")
    assert listing.status_code == 200
    assert "apology-12" in listing.content.decode()
    page = admin_client.get(f"/admin/notifications/message/{message.pk}/change/")
    assert page.status_code == 200
    assert "ConnectionRefusedError" in page.content.decode()


# The worker process itself dies (os._exit, as by SIGKILL) right after the SMTP server accepted
# the message, before the outcome is recorded. A separate process needs a database both can
# reach, so this one runs on PostgreSQL (the in-process test above covers SQLite).
DIES_AFTER_SENDING = """
import os, django
django.setup()
from django.core.management import call_command
from motcua.notifications import services
services._mark_sent = lambda *args, **kwargs: os._exit(9)
call_command("worker", "--once")
"""


def test_a_killed_worker_process_loses_nothing(smtp, db_tasks, settings):
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the worker subprocess needs a shared database (PostgreSQL)")
    smtp.start()
    message = queue()
    url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**database)
    if database.get("PASSWORD"):
        url = url.replace("@", f":{database['PASSWORD']}@", 1)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "MOTCUA_PUBLIC_URL": settings.MOTCUA_PUBLIC_URL,
        "MOTCUA_VAR_DIR": str(Path(settings.MEDIA_ROOT).parent),  # the attachment's storage
    }
    worker = subprocess.run(
        [sys.executable, "-c", DIES_AFTER_SENDING],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == 9, worker.stderr.decode()[-2000:]
    assert len(smtp.messages) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING

    # A restarted worker: after the lease, the message goes out again with the same Message-ID.
    assert services.deliver_due(now=message.next_attempt_at + timedelta(seconds=1)) == {"sent": 1}
    assert [m["Message-ID"] for m in smtp.messages] == ["<apology-12@dichvucong.example.vn>"] * 2
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert [a.outcome for a in message.delivery_attempts.all()] == ["interrupted", "sent"]
