"""The notification outbox: enqueue inside the act's transaction, deliver from the worker.

`enqueue_email` writes a `Message` row in the caller's transaction (so a rolled-back act sends
nothing and a committed one cannot lose its message) and, once that commits, enqueues the
`deliver_message` task. `deliver` claims the message, logs a `DeliveryAttempt`, sends it and
marks it sent; a failure schedules a retry with exponential backoff. `deliver_due` (run by the
worker every few seconds) takes up whatever is due: retries, messages whose task was never
enqueued, and messages left "sending" by a worker killed mid-way once their lease has ended.
Delivery is therefore at least once; every copy carries the same Message-ID, built from the
message's idempotency key, so receivers can drop repeats.
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.core import audit

from .models import DeliveryAttempt, Message

log = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    content_type: str


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def enqueue_email(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    attachments: Iterable[Attachment] = (),
) -> Message:
    """Put one e-mail in the outbox, inside the caller's transaction; the same `key` again
    returns the message already there (nothing is added, nothing is sent twice)."""
    assert transaction.get_connection().in_atomic_block, (
        "enqueue_email must be called inside the transaction of the act that causes it"
    )
    if not KEY_PATTERN.match(key):
        raise ValueError(f"invalid idempotency key: {key!r}")
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    stored = [
        {
            "name": a.name,
            "content_type": a.content_type,
            "path": default_storage.save(f"notifications/{key}/{a.name}", ContentFile(a.content)),
        }
        for a in attachments
    ]
    message = Message.objects.create(
        idempotency_key=key,
        channel=Message.Channel.EMAIL,
        recipient=to,
        subject=subject,
        body=body,
        attachments=stored,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: _enqueue_task(message.pk), robust=True)
    return message


def _enqueue_task(message_id: int) -> None:
    # Imported here: the task module needs the app registry (the Tasks API validates on import).
    from .tasks import deliver_message

    deliver_message.enqueue(message_id=message_id)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, … base periods, capped."""
    base = _setting("MOTCUA_NOTIFY_BACKOFF_SECONDS", 60)
    cap = _setting("MOTCUA_NOTIFY_BACKOFF_MAX_SECONDS", 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def deliver(message_id: int, *, now: datetime | None = None) -> str:
    """Deliver the message if it is due; returns "sent", "error", "failed" or "skipped"."""
    now = now or timezone.now()
    lease = timedelta(seconds=_setting("MOTCUA_NOTIFY_LEASE_SECONDS", 300))
    with transaction.atomic():
        # One conditional UPDATE is the claim, atomic on SQLite and PostgreSQL alike.
        claimed = Message.objects.filter(
            pk=message_id,
            status__in=[Message.Status.PENDING, Message.Status.SENDING],
            next_attempt_at__lte=now,
        ).update(
            status=Message.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + lease
        )
        if not claimed:
            return "skipped"
        # An attempt still open belonged to a worker that died before recording its outcome.
        DeliveryAttempt.objects.filter(message_id=message_id, outcome="").update(
            outcome=DeliveryAttempt.Outcome.INTERRUPTED, finished_at=now
        )
        attempt = DeliveryAttempt.objects.create(message_id=message_id, started_at=now)
    message = Message.objects.get(pk=message_id)
    try:
        send(message)
    except Exception as exc:
        return _mark_error(message, attempt, exc, started=now)
    _mark_sent(message, attempt)
    return "sent"


def send(message: Message) -> None:
    """Hand the message to its channel (e-mail over Django's configured backend)."""
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        headers={"Message-ID": message_id_header(message.idempotency_key)},
    )
    for item in message.attachments:
        with default_storage.open(item["path"], "rb") as handle:
            email.attach(item["name"], handle.read(), item["content_type"])
    email.send()


def message_id_header(key: str) -> str:
    domain = urlsplit(settings.MOTCUA_PUBLIC_URL).hostname or "motcua.localhost"
    return f"<{key}@{domain}>"


def _mark_sent(message: Message, attempt: DeliveryAttempt) -> None:
    finished = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(
            outcome=DeliveryAttempt.Outcome.SENT, finished_at=finished
        )
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.SENT, sent_at=finished, last_error=""
        )
    log.info("message %s sent to %s", message.idempotency_key, message.recipient)


def _mark_error(
    message: Message, attempt: DeliveryAttempt, exc: Exception, *, started: datetime
) -> str:
    finished = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    give_up = message.attempts >= _setting("MOTCUA_NOTIFY_MAX_ATTEMPTS", 8)
    with transaction.atomic():
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(
            outcome=DeliveryAttempt.Outcome.ERROR, finished_at=finished, error=error
        )
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.FAILED if give_up else Message.Status.PENDING,
            next_attempt_at=started + backoff(message.attempts),
            last_error=error,
        )
    log.warning(
        "message %s: attempt %s failed: %s", message.idempotency_key, message.attempts, error
    )
    return "failed" if give_up else "error"


def due_messages(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Message.objects.filter(
            status__in=[Message.Status.PENDING, Message.Status.SENDING], next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:500]
    )


def deliver_due(*, now: datetime | None = None) -> dict[str, int]:
    """Deliver every message that is due (the sweep the worker runs); counts by outcome."""
    counts: dict[str, int] = {}
    for pk in due_messages(now=now):
        outcome = deliver(pk, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def message_retry(*, message: Message, actor: Any) -> bool:
    """An administrator sends a failed message again now (audited); False if not failed."""
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, status=Message.Status.FAILED).update(
            status=Message.Status.PENDING, next_attempt_at=timezone.now()
        )
        if not updated:
            return False
        audit.record(
            action="notification.retry",
            actor=actor,
            subject=message,
            data={"key": message.idempotency_key, "attempts": message.attempts},
        )
        transaction.on_commit(lambda: _enqueue_task(message.pk), robust=True)
    return True
