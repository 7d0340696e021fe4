"""One interface for online payment gateways (cổng thanh toán trực tuyến).

A gateway is an outside service: MotCua sends the payer's browser to it with a signed order, the
gateway tells MotCua the result twice (the browser comes back to the return URL, and the gateway
calls the notification URL server-to-server), and MotCua may ask it about an order or for a
refund. This module holds the words every gateway shares; `gateways.vnpay` implements them for
VNPAY 2.1.0 (docs/payments-vnpay.md). Dossier code (which request, which attempt, what to mark
paid) lives in the orchestrator, motcua/dossiers/payment_gateway.py: a gateway knows nothing of
dossiers or of our tables.

Amounts are whole đồng (VND has no minor unit in use); a gateway converts to its own format.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from motcua.payments.constants import AttemptStatus


class ForgedSignature(Exception):
    """The message's checksum is missing or does not match: it did not come from the gateway."""


class GatewayError(Exception):
    """The gateway could not be reached, refused the request or answered something unreadable."""


@dataclass(frozen=True)
class Order:
    """What MotCua asks the payer to pay through the gateway (one payment attempt)."""

    order_ref: str
    amount: int
    description: str
    created_at: datetime
    expires_at: datetime
    client_ip: str
    return_url: str
    locale: Literal["vn", "en"] = "vn"


@dataclass(frozen=True)
class Outcome:
    """What the gateway says about an order (callback or query), checksum already verified.

    `paid_at` is set only when `status` is PAID. `raw` keeps every field received, for the
    attempt's notification record.
    """

    order_ref: str
    amount: int
    status: AttemptStatus
    transaction_no: str
    response_code: str
    paid_at: datetime | None
    bank_code: str
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundOutcome:
    """The gateway's answer to a refund request; `message` is the gateway's own text."""

    ok: bool
    response_code: str
    message: str


class Gateway(abc.ABC):
    """An online payment gateway, configured with the keys it issued to this installation."""

    name: str

    @abc.abstractmethod
    def create_url(self, order: Order) -> str:
        """The signed address to send the payer's browser to."""

    @abc.abstractmethod
    def verify_callback(self, params: Mapping[str, str]) -> Outcome:
        """Read the gateway's callback: the browser's return or the server notification.

        Raises ForgedSignature when the checksum is missing or wrong, GatewayError when the
        signed fields cannot be read.
        """

    @abc.abstractmethod
    def ipn_answer(self, code: str) -> dict[str, str]:
        """The JSON body answering a server notification with this result code."""

    @abc.abstractmethod
    def query(self, order_ref: str, transaction_date: datetime, *, client_ip: str) -> Outcome:
        """Ask the gateway where an order stands (when its notification did not arrive).

        `transaction_date` is the order's creation time as sent in the payment URL; `client_ip`
        is this server's address. Raises GatewayError, ForgedSignature.
        """

    @abc.abstractmethod
    def refund(
        self,
        order_ref: str,
        amount: int,
        transaction_no: str,
        transaction_date: datetime,
        *,
        actor_name: str,
        client_ip: str,
        full: bool,
    ) -> RefundOutcome:
        """Ask the gateway to pay `amount` back for a paid order. Raises GatewayError."""
