"""Webhooks: POST the event's JSON (fixed when it was queued) to the subscription's URL, signed.

Headers: `X-MotCua-Delivery` (the idempotency key, the same on every attempt),
`X-MotCua-Event` (the event type), `X-MotCua-Timestamp` (Unix seconds, new on every attempt)
and `X-MotCua-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the
subscription's secret>`. A 2xx is delivered; anything else is retried (docs/webhooks.md).
"""

import hmac
import time
from urllib.parse import urlsplit

from django.conf import settings

from ..models import Message
from . import DeliveryError, Receipt, http

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, "sha256")
    return "sha256=" + mac.hexdigest()


def url_allowed(url: str) -> bool:
    """https anywhere; plain http only to this machine, and only when DEBUG or
    MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP allows it (development, tests, benchmarks)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    local_ok = settings.DEBUG or settings.MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP
    return parts.scheme == "http" and local_ok and parts.hostname in LOCAL_HOSTS


def send(message: Message) -> Receipt:
    subscription = message.subscription
    if subscription is None:
        raise DeliveryError("the webhook subscription was deleted", permanent=True)
    if not subscription.active:
        raise DeliveryError("the webhook subscription is not active", permanent=True)
    if not url_allowed(subscription.url):
        raise DeliveryError(f"webhook URL not allowed: {subscription.url}", permanent=True)
    body = message.body.encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "MotCua-Webhooks/1",
        "X-MotCua-Delivery": message.idempotency_key,
        "X-MotCua-Event": message.data.get("event_type", message.subject),
        "X-MotCua-Timestamp": timestamp,
        "X-MotCua-Signature": signature(subscription.secret, timestamp, body),
    }
    answer = http.post(
        subscription.url, body, headers, timeout=float(settings.MOTCUA_WEBHOOK_TIMEOUT)
    )
    if answer.ok:
        return Receipt(status_code=answer.status, response=answer.snippet)
    raise DeliveryError(
        f"webhook endpoint answered HTTP {answer.status}",
        status_code=answer.status,
        response=answer.snippet,
    )
