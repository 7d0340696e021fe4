"""How the dossier's history (back office) names the payment events of its chain
(payments.services records them as "payment.<verb>") and what it shows of them."""

from typing import Any

from django.utils.translation import gettext as _

from motcua.payments.constants import Method, Purpose

TITLES = {
    "requested": lambda: _("Payment requested"),
    "paid": lambda: _("Payment received"),
    "failed": lambda: _("Online payment failed"),
    "cancelled": lambda: _("Payment request cancelled"),
    "expired": lambda: _("Payment request expired"),
    "refunded": lambda: _("Payment refunded"),
    "attempt_started": lambda: _("Online payment started"),
    "queued": lambda: _("Payment waiting for reconciliation"),
    "receipt_issued": lambda: _("E-receipt issued"),
}


def payment_event_title(action: str) -> str | None:
    """The title of a "payment.*" event, None for any other event."""
    if not action.startswith("payment."):
        return None
    title = TITLES.get(action.removeprefix("payment."))
    return title() if title else action


def payment_event_details(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """What a payment event (or an act that billed, settled or cancelled payments) adds."""
    details: list[tuple[str, Any]] = []
    if data.get("purpose") in Purpose.values:
        details.append((_("What for"), Purpose(data["purpose"]).label))
    if data.get("method") in Method.values:
        details.append((_("Paid by"), Method(data["method"]).label))
    for key, label in (
        ("transaction_ref", _("Transaction number")),
        ("refund_ref", _("Refund reference")),
        ("order", _("Gateway order")),
    ):
        if data.get(key):
            details.append((label, data[key]))
    billed = data.get("billed")
    if isinstance(billed, dict):
        details.append(
            (_("Billed"), f"{billed.get('reference', '')}: {billed.get('amount', '')} đ")
        )
    for key, label in (
        ("cancelled_payments", _("Payments cancelled")),
        ("settled", _("Payments settled")),
    ):
        if data.get(key):
            details.append((label, ", ".join(str(item) for item in data[key])))
    if data.get("number") and data.get("series"):
        details.append((_("E-receipt"), f"{data['series']} {int(data['number']):07d}"))
    return details
