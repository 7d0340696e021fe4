"""The portal inbox: delivering the message writes one `InboxItem` (at most one per message, so
a repeated delivery after a killed worker adds nothing)."""

from ..models import InboxItem, Message
from . import DeliveryError, Receipt


def send(message: Message) -> Receipt:
    if message.user_id is None:
        raise DeliveryError("the inbox message has no user", permanent=True)
    item, _created = InboxItem.objects.get_or_create(
        message=message,
        defaults={
            "user_id": message.user_id,
            "subject": message.subject,
            "body": message.body,
            "link": message.data.get("link", ""),
        },
    )
    return Receipt(external_id=str(item.pk))
