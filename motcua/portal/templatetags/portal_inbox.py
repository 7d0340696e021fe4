"""`{% inbox_unread %}`: the signed-in user's unread notices, for the header's "Inbox" link
(one COUNT on the inbox's (user, read_at) index; nothing for anonymous visitors)."""

from typing import Any

from django import template

from motcua.notifications.inbox import inbox_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread(context: dict[str, Any]) -> int:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return inbox_unread_count(user=user)
