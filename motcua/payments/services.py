"""Writes for payment requests: create one, and move it through its states.

Each function records one audit event in the dossier's own chain ("dossiers.dossier:<pk>"), so
a dossier's history shows what it owed and how it was paid; inside one of the dossier's acts
(`record_event=False`) the act's own event tells it instead, as an act has exactly one event.
The caller (the dossier's orchestrator, dossiers.payments) holds the transaction and the row
lock and decides whether a change is allowed; these functions only write it.
"""

import re
import secrets
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.accounts.models import Agency, User
from motcua.core import audit

from .constants import PaymentStatus
from .models import CollectionAccount, PaymentRequest

#: The payment reference written in a transfer: "MC" and 8 characters without look-alikes.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_RE = re.compile(r"MC[2-9A-HJ-NP-Z]{8}")


def new_reference() -> str:
    return "MC" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def dossier_chain(dossier_pk: int) -> str:
    """The dossier's own audit chain (core.audit.chain_of(dossier), spelt without the model)."""
    return f"dossiers.dossier:{dossier_pk}"


def record(
    request: PaymentRequest, action: str, *, actor: User | None = None, **data: Any
) -> audit.AuditEvent:
    return audit.record(
        action=f"payment.{action}",
        actor=actor,
        subject=request,
        chain=dossier_chain(request.dossier_pk),
        data={
            "reference": request.reference,
            "purpose": request.purpose,
            "amount": request.amount,
            "status": request.status,
            **data,
        },
    )


def active_account(agency: Agency) -> CollectionAccount | None:
    return (
        CollectionAccount.objects.select_related("bank")
        .filter(agency=agency, active=True)
        .order_by("id")
        .first()
    )


def request_create(
    *,
    dossier_pk: int,
    dossier_code: str,
    agency: Agency,
    purpose: str,
    amount: int,
    description: str,
    payer_name: str,
    payer_id_number: str = "",
    legal_basis: str = "",
    expires_at: datetime | None = None,
    actor: User | None = None,
    record_event: bool = True,
) -> PaymentRequest:
    """A new request, waiting for payment into the agency's active collection account."""
    for _attempt in range(5):  # a reference collision is astronomically rare; retry anyway
        try:
            with transaction.atomic():
                request = PaymentRequest.objects.create(
                    dossier_pk=dossier_pk,
                    dossier_code=dossier_code,
                    agency=agency,
                    account=active_account(agency),
                    purpose=purpose,
                    amount=amount,
                    description=description[:2000],
                    legal_basis=legal_basis,
                    payer_name=payer_name[:255],
                    payer_id_number=payer_id_number,
                    expires_at=expires_at,
                    reference=new_reference(),
                )
        except IntegrityError:
            continue
        if record_event:
            record(request, "requested", actor=actor, description=request.description)
        return request
    raise RuntimeError("could not draw a free payment reference")


def request_mark_paid(
    *,
    request: PaymentRequest,
    method: str,
    transaction_ref: str,
    paid_at: datetime,
    gateway: str = "",
    actor: User | None = None,
    data: dict[str, Any] | None = None,
    record_event: bool = True,
) -> None:
    request.status = PaymentStatus.PAID
    request.method = method
    request.gateway = gateway
    request.transaction_ref = transaction_ref[:100]
    request.paid_at = paid_at
    request.recorded_by = actor if actor is not None and actor.is_authenticated else None
    request.save()
    if not record_event:
        return
    record(
        request,
        "paid",
        actor=actor,
        method=method,
        gateway=gateway,
        transaction_ref=request.transaction_ref,
        paid_at=paid_at.isoformat(),
        **(data or {}),
    )


def request_mark_failed(*, request: PaymentRequest, data: dict[str, Any]) -> None:
    request.status = PaymentStatus.FAILED
    request.save(update_fields=["status", "updated_at"])
    record(request, "failed", **data)


def request_cancel(
    *, request: PaymentRequest, actor: User | None, reason: str, record_event: bool = True
) -> None:
    request.status = PaymentStatus.CANCELLED
    request.save(update_fields=["status", "updated_at"])
    if record_event:
        record(request, "cancelled", actor=actor, reason=reason)


def request_expire(*, request: PaymentRequest) -> None:
    request.status = PaymentStatus.EXPIRED
    request.save(update_fields=["status", "updated_at"])
    record(request, "expired", at=timezone.now().isoformat())


def request_refund(
    *,
    request: PaymentRequest,
    actor: User | None,
    refund_ref: str,
    refunded_at: datetime,
    through: str,
) -> None:
    request.status = PaymentStatus.REFUNDED
    request.refund_ref = refund_ref[:100]
    request.refunded_at = refunded_at
    request.save(update_fields=["status", "refund_ref", "refunded_at", "updated_at"])
    record(
        request,
        "refunded",
        actor=actor,
        refund_ref=request.refund_ref,
        through=through,
        refunded_at=refunded_at.isoformat(),
    )
