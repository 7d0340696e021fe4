"""E-mail over Django's configured backend (SMTP in production), with a stable Message-ID."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage

from ..attachments import stored_attachments
from ..models import Message
from . import Receipt


def message_id_header(key: str) -> str:
    domain = urlsplit(settings.MOTCUA_PUBLIC_URL).hostname or "motcua.localhost"
    return f"<{key}@{domain}>"


def send(message: Message) -> Receipt:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        headers={"Message-ID": message_id_header(message.idempotency_key)},
    )
    for item in stored_attachments(message):
        with default_storage.open(item["path"], "rb") as handle:
            email.attach(item["name"], handle.read(), item["content_type"])
    email.send()
    return Receipt(external_id=message_id_header(message.idempotency_key))
