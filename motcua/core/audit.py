"""Record audit events in hash chains and verify that nobody rewrote history.

Events belong to a chain: the global chain ("", catalogue, agencies, admin edits) or one chain per
subject whose history is a legal record of its own (each dossier). Within a chain every event
carries a sequence number and the hash of the previous event; the chain's head row holds the last
hash and number and is locked while appending, so writers extend a chain one at a time.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
GLOBAL_CHAIN = ""


def chain_of(subject: models.Model) -> str:
    """The name of a subject's own chain, e.g. "dossiers.dossier:42"."""
    return f"{subject._meta.label_lower}:{subject.pk}"


def _digest(*, previous_hash: str, event: AuditEvent) -> str:
    payload: dict[str, Any] = {
        "previous": previous_hash,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
    }
    if event.chain != GLOBAL_CHAIN:
        # Per-subject chains also seal their name and position, so an event cannot be moved
        # to another chain. (The global chain predates them and keeps its original payload.)
        payload |= {"chain": event.chain, "seq": event.seq}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _locked_head(chain: str) -> AuditChainHead:
    """The chain's head row, locked until the caller's transaction ends (created on first use
    with INSERT … ON CONFLICT DO NOTHING, so two first writers never collide)."""
    rows = AuditChainHead.objects.select_for_update().filter(chain=chain)
    head = rows.first()
    if head is None:
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(chain=chain, last_hash=GENESIS_HASH, last_seq=0)],
            ignore_conflicts=True,
        )
        head = rows.get()
    return head


def record(
    *,
    action: str,
    actor: Any = None,
    subject: models.Model | None = None,
    data: dict[str, Any] | None = None,
    chain: str = GLOBAL_CHAIN,
) -> AuditEvent:
    """Append one event to `chain`; call inside the transaction of the change it describes."""
    with transaction.atomic():
        head = _locked_head(chain)
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
            data=json.loads(json.dumps(data or {}, default=str)),
            chain=chain,
            seq=head.last_seq + 1,
            previous_hash=head.last_hash,
        )
        event.hash = _digest(previous_hash=head.last_hash, event=event)
        event.save()
        head.last_hash, head.last_seq = event.hash, event.seq
        head.save(update_fields=["last_hash", "last_seq"])
    return event


@dataclass(frozen=True)
class BrokenLink:
    """Where a chain stops being trustworthy: the first event that does not verify."""

    chain: str
    seq: int  # the position that does not verify (the missing one for a deleted tail)
    event_id: int | None  # None when the event at `seq` is gone
    reason: str  # "content" | "link" | "missing"


def _links(chain: str) -> Any:
    return AuditEvent.objects.filter(chain=chain).order_by("seq", "id").iterator(chunk_size=2000)


def first_broken_link(chain: str = GLOBAL_CHAIN) -> BrokenLink | None:
    """The first event of `chain` whose content, link to its predecessor or position is wrong,
    or a missing tail (the head says more events were written than are there); None if intact."""
    previous, expected_seq = GENESIS_HASH, 1
    for event in _links(chain):
        if event.seq != expected_seq:
            return BrokenLink(chain, expected_seq, None, "missing")
        if event.previous_hash != previous:
            return BrokenLink(chain, event.seq, event.pk, "link")
        if event.hash != _digest(previous_hash=event.previous_hash, event=event):
            return BrokenLink(chain, event.seq, event.pk, "content")
        previous, expected_seq = event.hash, expected_seq + 1
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is not None and (head.last_seq, head.last_hash) != (expected_seq - 1, previous):
        return BrokenLink(chain, expected_seq, None, "missing")
    return None


def verify_chain(chain: str = GLOBAL_CHAIN) -> list[int]:
    """Ids of events of `chain` whose stored hash no longer matches their content or their
    predecessor (every break, not only the first)."""
    broken: list[int] = []
    previous = GENESIS_HASH
    for event in _links(chain):
        if event.previous_hash != previous or event.hash != _digest(
            previous_hash=event.previous_hash, event=event
        ):
            broken.append(event.pk)
        previous = event.hash
    return broken
