"""Online payment gateways behind one interface (base.Gateway); `gateway_for` builds one from
settings.MOTCUA_PAYMENT_GATEWAYS, where each gateway's keys issued to this installation live."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import (
    ForgedSignature,
    Gateway,
    GatewayError,
    Order,
    Outcome,
    RefundOutcome,
)

__all__ = [
    "ForgedSignature",
    "Gateway",
    "GatewayError",
    "Order",
    "Outcome",
    "RefundOutcome",
    "gateway_for",
]

#: The keys every gateway's settings must give (VNPAY's names; see docs/payments-vnpay.md).
REQUIRED_KEYS = ("tmn_code", "hash_secret", "pay_url", "api_url")


def gateway_for(name: str) -> Gateway:
    """The gateway called `name`, configured from settings.MOTCUA_PAYMENT_GATEWAYS[name].

    Raises ImproperlyConfigured when the gateway is unknown or a key is missing or empty.
    """
    from .vnpay import VnpayGateway

    classes: dict[str, type[VnpayGateway]] = {VnpayGateway.name: VnpayGateway}
    if name not in classes:
        raise ImproperlyConfigured(f"Unknown payment gateway {name!r}.")
    config = getattr(settings, "MOTCUA_PAYMENT_GATEWAYS", {}).get(name)
    if not config:
        raise ImproperlyConfigured(
            f"settings.MOTCUA_PAYMENT_GATEWAYS[{name!r}] is not set: give it "
            + ", ".join(REQUIRED_KEYS)
            + "."
        )
    missing = [key for key in REQUIRED_KEYS if not config.get(key)]
    if missing:
        raise ImproperlyConfigured(
            f"settings.MOTCUA_PAYMENT_GATEWAYS[{name!r}] lacks " + ", ".join(missing) + "."
        )
    return classes[name](**{key: config[key] for key in REQUIRED_KEYS})
