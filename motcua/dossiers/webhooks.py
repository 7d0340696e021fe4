"""Dossier events for integrators' webhooks (docs/webhooks.md).

After every audit event of a dossier (its registration, then each act), `dossier_act` and
`dossier_register` call `enqueue_dossier_webhooks(dossier, event)` inside their transaction:
one outbox message per active subscription to the event type, delivered by the worker. The
event type is the audit action ("dossier.register", "dossier.accept", …: `EVENT_TYPES`); the
event id is the audit event's id, so each subscription gets each event once (the delivery id
`webhook-<subscription>-<event>` is the same on every attempt).

The payload says what happened to which dossier, never who the applicant is: no names, ID
numbers, addresses, phone numbers or e-mail addresses (an integrator that needs them asks the
API, with its own permissions).
"""

from typing import Any

from motcua.core.models import AuditEvent
from motcua.notifications.models import Message, WebhookSubscription
from motcua.notifications.services import enqueue_webhooks

from .constants import Act
from .models import Dossier

EVENT_TYPES: tuple[str, ...] = ("dossier.register", *(f"dossier.{act}" for act in Act.values))


def dossier_payload(dossier: Dossier, event: AuditEvent) -> dict[str, Any]:
    return {
        "dossier": {
            "uid": str(dossier.uid),
            "code": dossier.code or "",
            "status": dossier.status,
            "procedure_code": dossier.procedure.national_code,
            "receiving_agency_code": dossier.receiving_agency.identifier,
            "current_agency_code": dossier.current_agency.identifier,
            "channel": dossier.channel,
            "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
            "version": dossier.version,
        },
        "act": event.action.removeprefix("dossier."),
        "from": event.data.get("from"),
        "to": event.data.get("to", dossier.status),
        "occurred_at": event.occurred_at.isoformat(),
    }


def enqueue_dossier_webhooks(dossier: Dossier, event: AuditEvent) -> list[Message]:
    """Queue the event for every subscription that wants it (inside the act's transaction)."""
    if not WebhookSubscription.objects.filter(active=True).exists():
        return []  # the usual case: one cheap query, no payload built
    return enqueue_webhooks(
        event_type=event.action,
        event_id=str(event.pk),
        payload=dossier_payload(dossier, event),
        occurred_at=event.occurred_at,
    )
