"""Delivery channels: each module's `send(message) -> Receipt` hands one outbox message to its
receiver (SMTP server, SMS gateway, portal inbox, webhook endpoint) or raises.

Retries, backoff, leases and the attempts log are common (`services.deliver`); a channel only
says what happened: a `Receipt` on success, `DeliveryError(permanent=True)` when trying again
cannot help (the gateway refused the request, the subscription is gone), any other exception
for a failure worth retrying.
"""

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

RESPONSE_SNIPPET = 500  # characters of a receiver's answer kept on the attempt


@dataclass(frozen=True)
class Receipt:
    status_code: int | None = None
    response: str = ""
    external_id: str = ""


class DeliveryError(Exception):
    """The receiver answered, but not with success."""

    def __init__(
        self,
        text: str,
        *,
        permanent: bool = False,
        status_code: int | None = None,
        response: str = "",
    ) -> None:
        super().__init__(text)
        self.permanent = permanent
        self.status_code = status_code
        self.response = response[:RESPONSE_SNIPPET]


MODULES = {"email": "email", "sms": "sms", "inbox": "inbox", "webhook": "webhook"}


def channel(name: str) -> ModuleType:
    """The module that delivers messages of channel `name`."""
    return import_module(f"{__name__}.{MODULES[name]}")
