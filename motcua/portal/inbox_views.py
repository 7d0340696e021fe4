"""The citizen's inbox ("Hộp thư"): the notices the outbox delivered to their account, newest
first; opening one marks it read; "mark all read". Only the user's own items: any other is
"not found"."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from motcua.notifications.inbox import (
    inbox_item_get_own,
    inbox_item_read,
    inbox_items,
    inbox_mark_all_read,
)
from motcua.notifications.models import InboxItem

from .auth import citizen_login_required

PAGE_SIZE = 20


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@citizen_login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_items(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return _private(render(request, "portal/inbox/list.html", {"page": page}))


@citizen_login_required
@require_safe
def inbox_item(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = inbox_item_get_own(user=request.user, pk=pk)
    except InboxItem.DoesNotExist:
        raise Http404 from None
    inbox_item_read(item=item)
    # The link is written by the platform's own notices; show it only if it stays on this site.
    safe_link = item.link and url_has_allowed_host_and_scheme(
        item.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {"item": item, "link": item.link if safe_link else ""}
    return _private(render(request, "portal/inbox/detail.html", context))


@citizen_login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    if inbox_mark_all_read(user=request.user):
        messages.success(request, _("All notices are marked as read."))
    return redirect("portal:inbox")


urlpatterns = [
    path("hop-thu/", inbox, name="inbox"),
    path("hop-thu/<int:pk>/", inbox_item, name="inbox-item"),
    path("hop-thu/da-doc-het/", inbox_read_all, name="inbox-read-all"),
]
