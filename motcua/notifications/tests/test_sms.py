"""SMS through the generic JSON gateway, against a real local HTTP server (the fake gateway):
what arrives, the X-Delivery-Id header, retries on 5xx with the same id, 4xx failing at once,
a worker killed between sending and recording, and the `fake_sms_gateway` command."""

import json
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from motcua.notifications import services
from motcua.notifications.fake_servers import FakeSmsGateway
from motcua.notifications.models import DeliveryAttempt, Message
from motcua.notifications.services import enqueue_sms

from .conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Hồ sơ 000.00.01.H01-260615-0001 đã được tiếp nhận. Hẹn trả kết quả ngày 20/06/2026."


@pytest.fixture
def gateway(settings):
    server = FakeSmsGateway().start()
    settings.MOTCUA_SMS_PROVIDER = "motcua.notifications.channels.sms.JsonHttpGateway"
    settings.MOTCUA_SMS_URL = server.url + "sms"
    settings.MOTCUA_SMS_API_KEY = "test-api-key"
    settings.MOTCUA_SMS_SENDER = "MOTCUA-TEST"
    settings.MOTCUA_SMS_TIMEOUT = 5
    yield server
    server.stop()


def queue(key: str = "accepted-41-sms", to: str = "+84 912 345 678") -> Message:
    with transaction.atomic():
        return enqueue_sms(key=key, to=to, body=TEXT)


def test_the_worker_delivers_an_sms_to_the_gateway(gateway, db_tasks):
    message = queue()
    assert message.recipient == "0912345678"  # the national form
    assert gateway.arrivals == []  # nothing before the worker runs

    call_command("worker", "--once")

    [arrival] = gateway.arrivals
    assert arrival.path == "/sms"
    assert arrival.json() == {"to": "0912345678", "text": TEXT, "sender": "MOTCUA-TEST"}
    assert arrival.header("X-Delivery-Id") == "accepted-41-sms"
    assert arrival.header("Authorization") == "Bearer test-api-key"
    assert arrival.header("Content-Type").startswith("application/json")
    message.refresh_from_db()
    assert (message.status, message.attempts, message.channel) == ("sent", 1, "sms")
    [attempt] = message.delivery_attempts.all()
    assert (attempt.outcome, attempt.status_code, attempt.external_id) == ("sent", 200, "fake-1")
    assert attempt.duration_ms is not None


def test_a_5xx_is_retried_with_the_same_delivery_id(gateway, settings):
    settings.MOTCUA_NOTIFY_BACKOFF_SECONDS = 60
    gateway.script(503)
    message = queue()  # the immediate backend tries on commit: the gateway answers 503
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "503" in message.last_error
    [failed] = message.delivery_attempts.all()
    assert (failed.outcome, failed.status_code) == ("error", 503)
    assert "scripted HTTP 503" in failed.response

    assert services.deliver_due() == {}  # not due before the backoff
    assert services.deliver_due(now=message.next_attempt_at) == {"sent": 1}
    first, repeat = gateway.arrivals
    assert first.header("X-Delivery-Id") == repeat.header("X-Delivery-Id") == "accepted-41-sms"
    assert first.body == repeat.body
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert [a.status_code for a in message.delivery_attempts.all()] == [503, 200]


def test_a_4xx_fails_at_once_without_retry(gateway):
    gateway.script(400)
    message = queue()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert "400" in message.last_error
    far = timezone.now() + timedelta(days=30)
    assert services.deliver_due(now=far) == {}
    assert len(gateway.arrivals) == 1


def test_too_many_requests_is_retried(gateway):
    gateway.script(429)
    message = queue()
    message.refresh_from_db()
    assert message.status == "pending"


def test_an_unreachable_gateway_is_retried(settings, db_tasks):
    settings.MOTCUA_SMS_PROVIDER = "motcua.notifications.channels.sms.JsonHttpGateway"
    settings.MOTCUA_SMS_URL = f"http://127.0.0.1:{free_port()}/sms"  # nobody listens
    message = queue()
    call_command("worker", "--once")
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "Connection refused" in message.last_error or "URLError" in message.last_error


class Killed(BaseException):
    """The worker process dies at this point."""


def test_a_worker_killed_between_send_and_mark_resends_with_the_same_id(
    gateway, db_tasks, monkeypatch
):
    message = queue()

    def die(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(services, "_mark_sent", die)
        with pytest.raises(Killed):
            services.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == "sending"
    assert len(gateway.arrivals) == 1

    assert services.deliver_due(now=message.next_attempt_at + timedelta(seconds=1)) == {"sent": 1}
    ids = [a.header("X-Delivery-Id") for a in gateway.arrivals]
    assert ids == ["accepted-41-sms"] * 2  # the gateway drops the repeat
    message.refresh_from_db()
    assert [a.outcome for a in message.delivery_attempts.all()] == ["interrupted", "sent"]


def test_the_same_key_gives_one_sms(gateway, db_tasks):
    first = queue()
    again = queue()
    assert first.pk == again.pk
    call_command("worker", "--once")
    assert len(gateway.arrivals) == 1


@pytest.mark.parametrize("phone", ["", "12345", "+1 202 555 0100", "091234567a"])
def test_a_number_that_is_not_vietnamese_is_refused_and_nothing_is_queued(db_tasks, phone):
    with pytest.raises(ValueError, match="phone"), transaction.atomic():
        enqueue_sms(key="bad-phone", to=phone, body=TEXT)
    assert Message.objects.count() == 0


def test_without_a_gateway_the_sms_goes_to_the_log(settings, caplog):
    settings.MOTCUA_SMS_PROVIDER = "motcua.notifications.channels.sms.ConsoleGateway"
    message = queue()
    message.refresh_from_db()
    assert message.status == "sent"
    assert "0912345678" in caplog.text and TEXT in caplog.text


def test_the_fake_gateway_command_prints_what_arrives(settings, tmp_path):
    port = free_port()
    jsonl = tmp_path / "sms.jsonl"
    command = [sys.executable, "manage.py", "fake_sms_gateway", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--jsonl", str(jsonl)],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert f"127.0.0.1:{port}" in banner
        settings.MOTCUA_SMS_PROVIDER = "motcua.notifications.channels.sms.JsonHttpGateway"
        settings.MOTCUA_SMS_URL = f"http://127.0.0.1:{port}/sms"
        message = queue()
        message.refresh_from_db()
        assert message.status == "sent"
        printed = json.loads(process.stdout.readline())
        assert printed["to"] == "0912345678"
        assert printed["text"] == TEXT
        assert printed["delivery_id"] == "accepted-41-sms"
        for _ in range(50):
            if jsonl.exists() and jsonl.read_text():
                break
            time.sleep(0.1)
        assert json.loads(jsonl.read_text().splitlines()[0]) == printed
        assert DeliveryAttempt.objects.get().external_id == "fake-1"
    finally:
        process.terminate()
        process.wait(timeout=10)
