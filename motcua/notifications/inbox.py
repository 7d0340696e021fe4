"""The portal inbox ("Hộp thư"): a user's notices, newest first. Every read is scoped to the
user (another user's item does not exist for them); marking read is the only write."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import InboxItem


def inbox_items(*, user: Any) -> QuerySet[InboxItem]:
    return InboxItem.objects.filter(user=user).order_by("-created_at", "-pk")


def inbox_unread_count(*, user: Any) -> int:
    """One COUNT on the (user, read_at) index."""
    return InboxItem.objects.filter(user=user, read_at__isnull=True).count()


def inbox_item_get_own(*, user: Any, pk: int) -> InboxItem:
    """The user's item; InboxItem.DoesNotExist for anyone else's."""
    return InboxItem.objects.get(user=user, pk=pk)


def inbox_item_read(*, item: InboxItem) -> None:
    """Mark one item read (the first time it is opened)."""
    if item.read_at is None:
        item.read_at = timezone.now()
        InboxItem.objects.filter(pk=item.pk, read_at__isnull=True).update(read_at=item.read_at)


def inbox_mark_all_read(*, user: Any) -> int:
    return InboxItem.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
