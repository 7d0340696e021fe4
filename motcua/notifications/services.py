"""The notification outbox: enqueue inside the act's transaction, deliver from the worker.

Channels: `enqueue_email`, `enqueue_sms`, `enqueue_inbox` (the portal's "Hộp thư") and
`enqueue_webhooks` (one message per subscription to the event); `send` hands a message to its
channel module in `channels/`. Everything else is common to all channels.

Each `enqueue_*` writes a `Message` row in the caller's transaction (so a rolled-back act
sends nothing and a committed one cannot lose its message) and, once that commits, enqueues
the `deliver_message` task. `deliver` claims the message, logs a `DeliveryAttempt`, sends it and
marks it sent; a failure schedules a retry with exponential backoff. `deliver_due` (run by the
worker every few seconds) takes up whatever is due: retries, messages whose task was never
enqueued, and messages left "sending" by a worker killed mid-way once their lease has ended.
Delivery is therefore at least once; every copy carries the message's idempotency key (the
e-mail's Message-ID, the SMS gateway's X-Delivery-Id, the webhook's X-MotCua-Delivery), so
receivers can drop repeats.
"""

import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.accounts.phones import phone_normalise
from motcua.core import audit

from . import channels
from .attachments import Rendered
from .channels import DeliveryError, Receipt
from .channels.email import message_id_header as message_id_header
from .models import DeliveryAttempt, Message, WebhookSubscription

log = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    content_type: str


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _assert_in_transaction(function: str) -> None:
    assert transaction.get_connection().in_atomic_block, (
        f"{function} must be called inside the transaction of the act that causes it"
    )


def _existing(function: str, key: str) -> Message | None:
    """The checks every enqueue makes first (inside a transaction, a valid key), then the
    message already queued under `key`, if any (the caller returns it and adds nothing)."""
    _assert_in_transaction(function)
    if not KEY_PATTERN.match(key):
        raise ValueError(f"invalid idempotency key: {key!r}")
    return Message.objects.filter(idempotency_key=key).first()


def _create(**fields: Any) -> Message:
    message = Message.objects.create(next_attempt_at=timezone.now(), **fields)
    transaction.on_commit(lambda: _enqueue_task(message.pk), robust=True)
    return message


def enqueue_email(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    attachments: Iterable[Attachment | Rendered] = (),
) -> Message:
    """Put one e-mail in the outbox, inside the caller's transaction; the same `key` again
    returns the message already there (nothing is added, nothing is sent twice). A `Rendered`
    attachment is made by the worker when it first sends the message (notifications.attachments)."""
    if (existing := _existing("enqueue_email", key)) is not None:
        return existing
    stored = [_attachment(key, a) for a in attachments]
    return _create(
        idempotency_key=key,
        channel=Message.Channel.EMAIL,
        recipient=to,
        subject=subject,
        body=body,
        attachments=stored,
    )


def _attachment(key: str, item: Attachment | Rendered) -> dict[str, Any]:
    if isinstance(item, Rendered):
        return {
            "name": item.name,
            "content_type": item.content_type,
            "renderer": item.renderer,
            "params": item.params,
        }
    path = default_storage.save(f"notifications/{key}/{item.name}", ContentFile(item.content))
    return {"name": item.name, "content_type": item.content_type, "path": path}


def enqueue_sms(*, key: str, to: str, body: str) -> Message:
    """Put one SMS in the outbox (same contract as `enqueue_email`). `to` is a Vietnamese phone
    number typed any common way; it is kept as 0xxxxxxxxx. ValueError if it is not one."""
    if (existing := _existing("enqueue_sms", key)) is not None:
        return existing
    phone = phone_normalise(to)
    if phone is None:
        raise ValueError(f"not a Vietnamese phone number: {to!r}")
    return _create(
        idempotency_key=key, channel=Message.Channel.SMS, recipient=phone, subject="", body=body
    )


def enqueue_inbox(*, key: str, user: Any, subject: str, body: str, link: str = "") -> Message:
    """Put one notice for `user`'s portal inbox in the outbox (same contract as
    `enqueue_email`); the worker turns it into one `InboxItem`. `link` is a path on this site
    (e.g. the dossier's page) or empty."""
    if (existing := _existing("enqueue_inbox", key)) is not None:
        return existing
    if link and not link.startswith("/"):
        raise ValueError(f"an inbox link is a path on this site: {link!r}")
    return _create(
        idempotency_key=key,
        channel=Message.Channel.INBOX,
        recipient=user.get_username()[:254],
        user=user,
        subject=subject[:300],
        body=body,
        data={"link": link},
    )


def webhook_key(subscription: WebhookSubscription, event_id: str) -> str:
    return f"webhook-{subscription.pk}-{event_id}"


def enqueue_webhooks(
    *,
    event_type: str,
    event_id: str,
    payload: dict[str, Any],
    occurred_at: datetime | None = None,
) -> list[Message]:
    """One webhook message per active subscription to `event_type` (same contract as
    `enqueue_email`; the key is built from the subscription and `event_id`, so the same event
    again adds nothing). The body is fixed now, so every attempt delivers the same bytes."""
    _assert_in_transaction("enqueue_webhooks")
    return [
        _enqueue_webhook(subscription, event_type, event_id, payload, occurred_at)
        for subscription in WebhookSubscription.objects.filter(active=True).order_by("pk")
        if subscription.wants(event_type)
    ]


def _enqueue_webhook(
    subscription: WebhookSubscription,
    event_type: str,
    event_id: str,
    payload: dict[str, Any],
    occurred_at: datetime | None = None,
) -> Message:
    key = webhook_key(subscription, event_id)
    if (existing := _existing("enqueue_webhooks", key)) is not None:
        return existing
    body = {
        "id": key,
        "type": event_type,
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        "data": payload,
    }
    return _create(
        idempotency_key=key,
        channel=Message.Channel.WEBHOOK,
        recipient=subscription.url[:254],
        subscription=subscription,
        subject=event_type[:300],
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str),
        data={"event_type": event_type},
    )


PING = "ping"


def webhook_send_test(*, subscription: WebhookSubscription, actor: Any) -> Message | None:
    """An administrator sends a `ping` event to one active subscription (audited); None if the
    subscription is not active."""
    if not subscription.active:
        return None
    with transaction.atomic():
        event = audit.record(
            action="webhook.test",
            actor=actor,
            subject=subscription,
            data={"name": subscription.name, "url": subscription.url},
        )
        return _enqueue_webhook(
            subscription,
            PING,
            f"ping-{event.pk}",
            {"subscription": subscription.name, "message": "MotCua webhook test"},
            event.occurred_at,
        )


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
    message = Message.objects.select_related("subscription").get(pk=message_id)
    clock = time.monotonic()
    try:
        receipt = send(message)
    except Exception as exc:
        return _mark_error(message, attempt, exc, started=now, took=time.monotonic() - clock)
    _mark_sent(message, attempt, receipt, took=time.monotonic() - clock)
    return "sent"


def send(message: Message) -> Receipt:
    """Hand the message to its channel's module (`channels.email`, `.sms`, `.inbox`,
    `.webhook`); a `Receipt` on success, an exception otherwise."""
    return channels.channel(message.channel).send(message)


def _mark_sent(
    message: Message, attempt: DeliveryAttempt, receipt: Receipt | None = None, *, took: float = 0
) -> None:
    finished = timezone.now()
    receipt = receipt or Receipt()
    with transaction.atomic():
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(
            outcome=DeliveryAttempt.Outcome.SENT,
            finished_at=finished,
            status_code=receipt.status_code,
            response=receipt.response,
            external_id=receipt.external_id[:200],
            duration_ms=round(took * 1000),
        )
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.SENT, sent_at=finished, last_error=""
        )
    log.info("message %s sent to %s", message.idempotency_key, message.recipient)


def _mark_error(
    message: Message,
    attempt: DeliveryAttempt,
    exc: Exception,
    *,
    started: datetime,
    took: float = 0,
) -> str:
    finished = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    permanent = isinstance(exc, DeliveryError) and exc.permanent
    give_up = permanent or message.attempts >= _setting("MOTCUA_NOTIFY_MAX_ATTEMPTS", 8)
    with transaction.atomic():
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(
            outcome=DeliveryAttempt.Outcome.ERROR,
            finished_at=finished,
            error=error,
            status_code=getattr(exc, "status_code", None),
            response=getattr(exc, "response", ""),
            duration_ms=round(took * 1000),
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


# Attachments are stored before the act's transaction commits (the storage is not
# transactional), so an act that rolls back leaves files that no message points to. A daily job
# removes them once they are old enough that no transaction can still be writing their row.
ORPHAN_AGE = timedelta(hours=1)


def orphan_attachments_delete(*, now: datetime | None = None) -> str:
    """Delete the stored attachments (`notifications/<key>/…`) whose key has no message and that
    are older than `ORPHAN_AGE`; returns a summary."""
    now = now or timezone.now()
    try:
        keys, _files = default_storage.listdir("notifications")
    except FileNotFoundError:
        return "no attachments"
    known = set(
        Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True)
    )
    deleted = 0
    for key in sorted(set(keys) - known):
        folder = f"notifications/{key}"
        _dirs, names = default_storage.listdir(folder)
        for name in names:
            path = f"{folder}/{name}"
            if default_storage.get_modified_time(path) <= now - ORPHAN_AGE:
                default_storage.delete(path)
                deleted += 1
    log.info("deleted %s orphaned attachment(s)", deleted)
    return f"{deleted} orphaned attachment(s) deleted"
