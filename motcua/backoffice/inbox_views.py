"""The officials' inbox (/can-bo/hop-thu/): their in-app notices — a dossier assigned to them
(dossiers.assignment), a step of theirs overdue, an escalation and the daily digest
(dossiers.reminders) — newest first; opening one marks it read; "mark all read". The same
items as the portal's inbox (notifications.inbox), in the back office's layout; only the
user's own items, any other is "not found"; citizens are refused (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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

from .worklists import official_or_403

PAGE_SIZE = 20


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    official_or_403(request)
    page = Paginator(inbox_items(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return _private(render(request, "backoffice/inbox/list.html", {"page": page}))


@login_required
@require_safe
def inbox_item(request: HttpRequest, pk: int) -> HttpResponse:
    official_or_403(request)
    try:
        item = inbox_item_get_own(user=request.user, pk=pk)
    except InboxItem.DoesNotExist:
        raise Http404 from None
    inbox_item_read(item=item)
    # The link is written by the platform's own notices; show it only if it stays on this site.
    safe_link = item.link and url_has_allowed_host_and_scheme(
        item.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    link = item.link if safe_link else ""
    worklist = reverse("backoffice:worklist")
    # A dossier's page (assignment, overdue step, escalation) or the worklists (the digest).
    to_dossier = link.startswith(worklist) and link != worklist
    context = {"item": item, "link": link, "to_dossier": to_dossier}
    return _private(render(request, "backoffice/inbox/detail.html", context))


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    official_or_403(request)
    if inbox_mark_all_read(user=request.user):
        messages.success(request, _("All notices are marked as read."))
    return redirect("backoffice:inbox")
