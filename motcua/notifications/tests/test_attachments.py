"""Attachments rendered by the worker: not at enqueue time (the act does not pay for them),
once on the first attempt, and the very same file on every later attempt."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from motcua.notifications import services
from motcua.notifications.attachments import Rendered, register_renderer
from motcua.notifications.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

CALLS: list[dict] = []


def slip(*, number: int) -> bytes | None:
    CALLS.append({"number": number})
    if number < 0:
        return None
    return f"%PDF-1.7\n% slip {number} rendered {len(CALLS)}\n%%EOF\n".encode()


@pytest.fixture(autouse=True)
def renderer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    CALLS.clear()
    register_renderer("tests.slip", slip)


def queue(key: str, number: int) -> Message:
    with transaction.atomic():
        return services.enqueue_email(
            key=key,
            to="binh@example.vn",
            subject="Phiếu",
            body="Kính gửi",
            attachments=[
                Rendered("phieu.pdf", "application/pdf", "tests.slip", {"number": number})
            ],
        )


def test_the_worker_renders_once_and_every_attempt_sends_the_same_file():
    message = queue("receipt-7", 7)
    assert CALLS == []  # the act paid nothing for the PDF
    assert "path" not in message.attachments[0]

    assert services.deliver(message.pk) == "sent"
    assert CALLS == [{"number": 7}]
    [(name, first, kind)] = mail.outbox[0].attachments
    assert (name, kind) == ("phieu.pdf", "application/pdf")
    assert first.startswith(b"%PDF")

    # A resend (e.g. after a worker was killed before recording "sent") attaches the stored file.
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.PENDING, next_attempt_at=timezone.now()
    )
    assert services.deliver(message.pk) == "sent"
    assert CALLS == [{"number": 7}]
    assert mail.outbox[1].attachments == mail.outbox[0].attachments
    assert (
        Message.objects.get(pk=message.pk)
        .attachments[0]["path"]
        .startswith("notifications/receipt-7/")
    )


def test_a_document_that_no_longer_applies_is_left_out():
    message = queue("receipt-8", -1)
    assert services.deliver(message.pk) == "sent"
    assert mail.outbox[0].attachments == []
    assert Message.objects.get(pk=message.pk).attachments[0]["path"] is None


def test_an_unknown_renderer_is_an_error_that_is_retried():
    with transaction.atomic():
        message = services.enqueue_email(
            key="receipt-9",
            to="binh@example.vn",
            subject="Phiếu",
            body="Kính gửi",
            attachments=[Rendered("phieu.pdf", "application/pdf", "tests.nothing", {})],
        )
    assert services.deliver(message.pk) == "error"
    assert "tests.nothing" in Message.objects.get(pk=message.pk).last_error
    assert mail.outbox == []
