"""SMS through an HTTP gateway. The provider is a class named by `MOTCUA_SMS_PROVIDER` (a dotted
path), so an adapter for a particular operator's API can be added without touching the outbox.

`JsonHttpGateway` speaks one generic protocol: POST `MOTCUA_SMS_URL` with the JSON
`{"to": "0912345678", "text": "...", "sender": MOTCUA_SMS_SENDER}`, `Authorization: Bearer
MOTCUA_SMS_API_KEY` and `X-Delivery-Id: <the message's idempotency key>` (the same on every
attempt, so the gateway can drop repeats). A 2xx answer is success (its JSON `id` or
`message_id` is kept as the gateway's id); 408, 429 and 5xx, timeouts and network errors are
retried; any other 4xx is permanent (the message fails at once). `ConsoleGateway`, the default
when no URL is set, writes each SMS to the log (like Django's console e-mail backend).
Local development: `manage.py fake_sms_gateway` is a gateway that prints what arrives.
"""

import json
import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from ..models import Message
from . import DeliveryError, Receipt, http

log = logging.getLogger(__name__)

RETRIED_4XX = frozenset({408, 425, 429})


class Gateway(Protocol):
    def send(self, *, to: str, text: str, delivery_id: str) -> Receipt: ...


class JsonHttpGateway:
    def __init__(self) -> None:
        self.url = settings.MOTCUA_SMS_URL
        self.api_key = settings.MOTCUA_SMS_API_KEY
        self.sender = settings.MOTCUA_SMS_SENDER
        self.timeout = float(settings.MOTCUA_SMS_TIMEOUT)

    def send(self, *, to: str, text: str, delivery_id: str) -> Receipt:
        if not self.url:
            raise DeliveryError("MOTCUA_SMS_URL is not set")
        body = json.dumps({"to": to, "text": text, "sender": self.sender}, ensure_ascii=False)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "X-Delivery-Id": delivery_id,
            "User-Agent": "MotCua-SMS/1",
        }
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        answer = http.post(self.url, body.encode("utf-8"), headers, timeout=self.timeout)
        if answer.ok:
            return Receipt(
                status_code=answer.status,
                response=answer.snippet,
                external_id=_gateway_id(answer.body),
            )
        raise DeliveryError(
            f"SMS gateway answered HTTP {answer.status}",
            permanent=answer.status < 500 and answer.status not in RETRIED_4XX,
            status_code=answer.status,
            response=answer.snippet,
        )


class ConsoleGateway:
    """No gateway configured: each SMS goes to the log, nothing leaves the machine."""

    def send(self, *, to: str, text: str, delivery_id: str) -> Receipt:
        log.warning("SMS (no gateway configured) %s to %s: %s", delivery_id, to, text)
        return Receipt()


def _gateway_id(body: bytes) -> str:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    return str(data.get("id") or data.get("message_id") or "")[:200]


def gateway() -> Gateway:
    provider: type[Gateway] = import_string(settings.MOTCUA_SMS_PROVIDER)
    return provider()


def send(message: Message) -> Receipt:
    return gateway().send(
        to=message.recipient, text=message.body, delivery_id=message.idempotency_key
    )
