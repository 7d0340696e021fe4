"""Webhooks against real local HTTP receivers: the documented verification example (run as
written in docs/webhooks.md) accepts a real delivery and refuses a tampered body; retries keep
the delivery id and sign again; the test event; the admin; a killed worker."""

import json
import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from motcua.core.models import AuditEvent
from motcua.notifications import services
from motcua.notifications.channels.webhook import signature
from motcua.notifications.fake_servers import WebhookReceiver
from motcua.notifications.models import Message, WebhookSubscription
from motcua.notifications.services import enqueue_webhooks

pytestmark = pytest.mark.django_db(transaction=True)

DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"
PAYLOAD = {"dossier": {"code": "000.00.01.H49-260615-0001", "status": "in_processing"}}


def documented_example() -> dict:
    """The Python code block of docs/webhooks.md, executed as a module (not as __main__)."""
    [code] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    namespace: dict = {"__name__": "webhook_receiver_example"}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


@pytest.fixture
def receiver(settings):
    settings.MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP = True
    server = WebhookReceiver().start()
    yield server
    server.stop()


def subscribe(url: str, events: list[str] | None = None, **fields) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        name="Hệ thống báo cáo tỉnh", url=url, event_types=events or ["*"], **fields
    )


def publish(event_type: str = "dossier.accept", event_id: str = "1842") -> list[Message]:
    with transaction.atomic():
        return enqueue_webhooks(event_type=event_type, event_id=event_id, payload=PAYLOAD)


def test_the_documented_receiver_accepts_a_real_delivery(settings, db_tasks):
    settings.MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP = True
    example = documented_example()
    handled: list[dict] = []
    example["handle"] = handled.append
    server = ThreadingHTTPServer(("127.0.0.1", 0), example["Receiver"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        subscription = subscribe(f"http://127.0.0.1:{server.server_address[1]}/motcua")
        example["SECRET"] = subscription.secret
        [message] = publish()
        call_command("worker", "--once")
        message.refresh_from_db()
        assert message.status == "sent"  # the example answered 204
        [attempt] = message.delivery_attempts.all()
        assert attempt.status_code == 204
        [event] = handled
        assert event == {
            "id": f"webhook-{subscription.pk}-1842",
            "type": "dossier.accept",
            "occurred_at": event["occurred_at"],
            "data": PAYLOAD,
        }

        # With the wrong secret the example refuses (401) and MotCua retries later.
        example["SECRET"] = "not-the-secret"
        [ping] = publish(event_type="dossier.finish", event_id="1843")
        call_command("worker", "--once")
        ping.refresh_from_db()
        assert ping.status == "pending"
        assert ping.delivery_attempts.get().status_code == 401
        assert len(handled) == 1
    finally:
        server.shutdown()
        server.server_close()


def test_the_signature_verifies_with_the_documented_code_and_a_tampered_body_does_not(
    receiver, db_tasks
):
    verify = documented_example()["verify"]
    subscription = subscribe(receiver.url)
    publish()
    call_command("worker", "--once")
    [arrival] = receiver.arrivals
    timestamp = arrival.header("X-MotCua-Timestamp")
    sig = arrival.header("X-MotCua-Signature")
    assert abs(int(timestamp) - time.time()) < 60
    assert sig == signature(subscription.secret, timestamp, arrival.body)
    assert verify(subscription.secret, arrival.body, timestamp, sig)

    tampered = arrival.body.replace(b"in_processing", b"result_returned")
    assert tampered != arrival.body
    assert not verify(subscription.secret, tampered, timestamp, sig)
    assert not verify("another-secret", arrival.body, timestamp, sig)
    assert not verify(subscription.secret, arrival.body, str(int(timestamp) + 1), sig)
    old = str(int(timestamp) - 3600)  # a replay signed an hour ago
    assert not verify(
        subscription.secret, arrival.body, old, signature(subscription.secret, old, arrival.body)
    )

    assert arrival.header("X-MotCua-Event") == "dossier.accept"
    assert arrival.header("X-MotCua-Delivery") == f"webhook-{subscription.pk}-1842"
    body = arrival.json()
    assert body["id"] == arrival.header("X-MotCua-Delivery")
    assert body["type"] == "dossier.accept"
    assert body["data"] == PAYLOAD


def test_a_failed_delivery_is_retried_with_the_same_id_and_signed_again(receiver, settings):
    settings.MOTCUA_NOTIFY_BACKOFF_SECONDS = 60
    subscription = subscribe(receiver.url)
    receiver.script(500, 302)
    [message] = publish()  # the immediate backend delivers on commit: 500
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    first = message.next_attempt_at
    assert services.deliver_due(now=first) == {"error": 1}  # a redirect is not followed
    message.refresh_from_db()
    time.sleep(1.05)  # the next attempt is signed in a later second
    assert services.deliver_due(now=message.next_attempt_at) == {"sent": 1}

    arrivals = receiver.arrivals
    assert [a.status for a in arrivals] == [500, 302, 200]
    assert {a.header("X-MotCua-Delivery") for a in arrivals} == {f"webhook-{subscription.pk}-1842"}
    assert len({a.body for a in arrivals}) == 1  # the same bytes every time
    assert arrivals[0].header("X-MotCua-Timestamp") != arrivals[2].header("X-MotCua-Timestamp")
    for arrival in arrivals:
        timestamp = arrival.header("X-MotCua-Timestamp")
        expected = signature(subscription.secret, timestamp, arrival.body)
        assert arrival.header("X-MotCua-Signature") == expected
    message.refresh_from_db()
    log = [(a.outcome, a.status_code) for a in message.delivery_attempts.all()]
    assert log == [("error", 500), ("error", 302), ("sent", 200)]
    assert all(a.duration_ms is not None for a in message.delivery_attempts.all())
    assert '"error": "scripted"' in message.delivery_attempts.first().response


def test_only_active_subscriptions_to_the_event_get_it(receiver, db_tasks):
    everything = subscribe(receiver.url + "all")
    accepted = subscribe(receiver.url + "accept", ["dossier.accept", "dossier.refuse"])
    subscribe(receiver.url + "finish", ["dossier.finish"])
    subscribe(receiver.url + "off", ["*"], active=False)
    messages = publish()
    assert {m.subscription for m in messages} == {everything, accepted}
    again = publish()  # the same event again adds nothing
    assert {m.pk for m in again} == {m.pk for m in messages}
    assert Message.objects.count() == 2
    call_command("worker", "--once")
    assert sorted(a.path for a in receiver.arrivals) == ["/accept", "/all"]


def test_a_deleted_or_paused_subscription_fails_its_pending_deliveries_at_once(receiver):
    kept, gone = subscribe(receiver.url), subscribe(receiver.url + "gone")
    receiver.script(503, 503)
    publish()
    kept.active = False
    kept.save()
    gone.delete()
    far = timezone.now() + timedelta(days=1)
    assert services.deliver_due(now=far) == {"failed": 2}
    errors = sorted(Message.objects.values_list("last_error", flat=True))
    assert "deleted" in errors[0] + errors[1] and "not active" in errors[0] + errors[1]


def test_a_plain_http_address_elsewhere_is_never_posted_to(settings):
    settings.MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP = True
    subscribe("http://example.com/hook")
    [message] = publish()
    message.refresh_from_db()
    assert message.status == "failed"
    assert "not allowed" in message.last_error


class Killed(BaseException):
    """The worker process dies at this point."""


def test_a_worker_killed_between_send_and_mark_resends_the_same_delivery(
    receiver, db_tasks, monkeypatch
):
    subscribe(receiver.url)
    [message] = publish()

    def die(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(services, "_mark_sent", die)
        with pytest.raises(Killed):
            services.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == "sending"
    call_command("worker", "--once")  # the lease is still running: nothing is sent
    assert len(receiver.arrivals) == 1
    assert services.deliver_due(now=message.next_attempt_at + timedelta(seconds=1)) == {"sent": 1}
    first, repeat = receiver.arrivals
    assert first.header("X-MotCua-Delivery") == repeat.header("X-MotCua-Delivery")
    assert first.body == repeat.body
    assert [a.outcome for a in message.delivery_attempts.all()] == ["interrupted", "sent"]


def test_the_admin_sends_a_test_event(receiver, admin_client):
    subscription = subscribe(receiver.url, ["dossier.accept"])
    paused = subscribe(receiver.url + "paused", active=False)
    response = admin_client.post(
        "/admin/notifications/webhooksubscription/",
        {"action": "send_test_event", "_selected_action": [subscription.pk, paused.pk]},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only active subscriptions" in page or "Chỉ" in page
    [arrival] = receiver.arrivals  # the immediate backend delivered it on commit
    assert arrival.header("X-MotCua-Event") == "ping"
    assert arrival.json()["type"] == "ping"
    event = AuditEvent.objects.get(action="webhook.test")
    assert event.subject_id == str(subscription.pk)
    assert event.actor == admin_client.user
    assert arrival.header("X-MotCua-Delivery") == f"webhook-{subscription.pk}-ping-{event.pk}"
    assert arrival.header("X-MotCua-Signature") == signature(
        subscription.secret, arrival.header("X-MotCua-Timestamp"), arrival.body
    )

    # The subscription's page shows its secret and its delivery log.
    detail = admin_client.get(f"/admin/notifications/webhooksubscription/{subscription.pk}/change/")
    text = detail.content.decode()
    assert subscription.secret in text
    assert f"webhook-{subscription.pk}-ping-{event.pk}" in text
    message = Message.objects.get(subscription=subscription)
    attempt_page = admin_client.get(f"/admin/notifications/message/{message.pk}/change/")
    assert "200" in attempt_page.content.decode()


def test_the_admin_creates_a_subscription_with_checked_input(admin_client, settings):
    settings.DEBUG = False
    settings.MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP = False
    url = "/admin/notifications/webhooksubscription/add/"
    bad = admin_client.post(
        url,
        {
            "name": "Báo cáo",
            "url": "http://127.0.0.1:9000/hook",
            "event_types": "dossier.accept, Not An Event",
            "active": "on",
            "messages-TOTAL_FORMS": "0",
            "messages-INITIAL_FORMS": "0",
        },
    )
    assert bad.status_code == 200
    assert WebhookSubscription.objects.count() == 0
    errors = bad.context["adminform"].form.errors
    assert set(errors) == {"url", "event_types"}

    good = admin_client.post(
        url,
        {
            "name": "Báo cáo",
            "url": "https://bao-cao.example.vn/motcua",
            "event_types": "dossier.accept, dossier.return_result\ndossier.accept",
            "active": "on",
            "messages-TOTAL_FORMS": "0",
            "messages-INITIAL_FORMS": "0",
        },
    )
    assert good.status_code == 302, good.context["adminform"].form.errors
    subscription = WebhookSubscription.objects.get()
    assert subscription.event_types == ["dossier.accept", "dossier.return_result"]
    assert len(subscription.secret) >= 40
    assert subscription.created_by == admin_client.user
    assert AuditEvent.objects.filter(action="notifications.webhooksubscription.created").exists()


def test_enqueueing_outside_a_transaction_is_refused(db):
    with pytest.raises(AssertionError, match="inside the transaction"):
        enqueue_webhooks(event_type="dossier.accept", event_id="1", payload={})


def test_the_body_is_compact_json_with_the_event(receiver):
    subscription = subscribe(receiver.url)
    [message] = publish()
    assert json.loads(message.body)["id"] == f"webhook-{subscription.pk}-1842"


# The worker process itself dies (os._exit, as by SIGKILL) right after the receiver answered,
# before the outcome is recorded (PostgreSQL: the subprocess needs a database both can reach).
DIES_AFTER_SENDING = """
import os, django
django.setup()
from django.core.management import call_command
from motcua.notifications import services
services._mark_sent = lambda *args, **kwargs: os._exit(9)
call_command("worker", "--once")
"""


def test_a_killed_worker_process_loses_no_webhook(receiver, db_tasks, settings):
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the worker subprocess needs a shared database (PostgreSQL)")
    subscribe(receiver.url)
    [message] = publish()
    url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**database)
    if database.get("PASSWORD"):
        url = url.replace("@", f":{database['PASSWORD']}@", 1)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP": "true",
    }
    worker = subprocess.run(
        [sys.executable, "-c", DIES_AFTER_SENDING],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == 9, worker.stderr.decode()[-2000:]
    assert len(receiver.arrivals) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING

    assert services.deliver_due(now=message.next_attempt_at + timedelta(seconds=1)) == {"sent": 1}
    first, repeat = receiver.arrivals
    assert first.header("X-MotCua-Delivery") == repeat.header("X-MotCua-Delivery")
    assert first.body == repeat.body
    message.refresh_from_db()
    assert [a.outcome for a in message.delivery_attempts.all()] == ["interrupted", "sent"]
