"""Record audit events in a hash chain and verify that nobody rewrote history."""

import hashlib
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _digest(*, previous_hash: str, event: AuditEvent) -> str:
    payload = {
        "previous": previous_hash,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    *,
    action: str,
    actor: Any = None,
    subject: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain; call inside the transaction of the change it describes."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
            data=json.loads(json.dumps(data or {}, default=str)),
            previous_hash=head.last_hash,
        )
        event.hash = _digest(previous_hash=head.last_hash, event=event)
        event.save()
        head.last_hash = event.hash
        head.save(update_fields=["last_hash"])
    return event


def verify_chain() -> list[int]:
    """Ids of events whose stored hash no longer matches their content or their predecessor."""
    broken: list[int] = []
    previous = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != previous or event.hash != _digest(
            previous_hash=event.previous_hash, event=event
        ):
            broken.append(event.pk)
        previous = event.hash
    return broken
