"""The officials' worklists: tabs with counts, filters, pages of 25, and the bulk forward of the
dossiers waiting for the user. Reads go through dossiers.worklists, acts through the services."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from motcua.accounts.models import Membership
from motcua.catalogue.models import Field
from motcua.core.errors import DomainError
from motcua.deadlines.selectors import calendar_for
from motcua.dossiers import worklists as lists
from motcua.dossiers.constants import Act
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_get_visible
from motcua.dossiers.services import ActInput, dossier_act

from .forms import WorklistFilterForm

PAGE_SIZE = 25
MAX_BULK = 100  # dossiers forwarded in one request

TAB_LABELS = {
    lists.MINE: gettext_lazy("My tasks"),
    lists.AGENCY: gettext_lazy("Agency dossiers"),
    lists.DUE_TODAY: gettext_lazy("Due today"),
    lists.DUE_SOON: gettext_lazy("Due soon"),
    lists.OVERDUE: gettext_lazy("Overdue"),
    lists.PAUSED: gettext_lazy("Paused"),
}


def is_official(user: Any) -> bool:
    """Officials hold at least one role in an agency; citizens hold none."""
    return bool(
        getattr(user, "is_authenticated", False) and Membership.objects.filter(user=user).exists()
    )


def official_or_403(request: HttpRequest) -> None:
    if not is_official(request.user):
        raise PermissionDenied(
            _(
                "The back office is for officials. To follow your own dossiers, use the public "
                "service portal."
            )
        )


class CountedPaginator(Paginator):
    """A paginator told its count (the tab count of the same list), saving a COUNT query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


@dataclass(frozen=True)
class Row:
    dossier: Dossier
    overdue: bool
    days_left: int | None
    forwardable: bool
    assignee: Any = None  # the official the current step is assigned to (dossiers.assignment)

    @property
    def assignee_name(self) -> str:
        if self.assignee is None:
            return ""
        return str(self.assignee.full_name or self.assignee.get_username())

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def key(self) -> str:
        return self.dossier.key


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_safe
def worklist(request: HttpRequest) -> HttpResponse:
    official_or_403(request)
    form = WorklistFilterForm(request.GET, fields=list(Field.objects.order_by("name")))
    criteria = form.criteria()
    name = request.GET.get("list", "")
    if name not in lists.WORKLISTS:
        name = lists.MINE
    worklists = lists.Worklists(user=request.user, calendar=calendar_for(), criteria=criteria)
    counts = worklists.counts()
    dossiers = worklists.dossiers(name)
    if name == lists.MINE:  # the bulk forward looks at the next steps
        dossiers = dossiers.prefetch_related("process__steps", "process__moves")
    page = CountedPaginator(dossiers, PAGE_SIZE, count=counts[name]).get_page(
        request.GET.get("page")
    )
    on_page = list(page.object_list)
    forwardable = worklists.forwardable(on_page) if name == lists.MINE else set()
    assignees = worklists.assignees(on_page)
    rows = [
        Row(
            dossier=dossier,
            overdue=worklists.is_overdue(dossier),
            days_left=worklists.working_days_left(dossier),
            forwardable=dossier.pk in forwardable,
            assignee=assignees.get(dossier.pk),
        )
        for dossier in on_page
    ]
    context = {
        "form": form,
        "filtered": bool(criteria),
        "narrowed": form.narrowed(),
        "current": name,
        "current_label": TAB_LABELS[name],
        "tabs": [(key, TAB_LABELS[key], counts[key]) for key in lists.WORKLISTS],
        "page": page,
        "rows": rows,
        "bulk": bool(forwardable),
        "due_soon_days": lists.due_soon_working_days(),
    }
    template = "backoffice/_worklist.html" if _is_htmx(request) else "backoffice/worklist.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass(frozen=True)
class Outcome:
    key: str
    ok: bool
    message: str


@login_required
@require_POST
def bulk_forward(request: HttpRequest) -> HttpResponse:
    """Forward the chosen dossiers, each in its own transaction: one failure (changed by
    someone else, the next step needs a choice, no longer the holder) leaves the others done."""
    official_or_403(request)
    keys = list(dict.fromkeys(request.POST.getlist("dossier")))[:MAX_BULK]
    if not keys:
        messages.warning(request, _("Choose at least one dossier to forward."))
        return redirect(f"{reverse('backoffice:worklist')}?list={lists.MINE}")
    outcomes = [_forward_one(request, key) for key in keys]
    context = {
        "succeeded": [o for o in outcomes if o.ok],
        "failed": [o for o in outcomes if not o.ok],
    }
    return render(request, "backoffice/bulk_forward_result.html", context)


def _forward_one(request: HttpRequest, key: str) -> Outcome:
    try:
        dossier = dossier_get_visible(user=request.user, key=key)  # type: ignore[arg-type]
    except Dossier.DoesNotExist:
        return Outcome(key, False, _("No such dossier among those you may see."))
    raw_version = request.POST.get(f"version-{key}", "")
    version = int(raw_version) if raw_version.isdigit() else None
    try:
        dossier = dossier_act(
            dossier=dossier,
            act=Act.FORWARD,
            actor=request.user,  # type: ignore[arg-type]
            data=ActInput(expected_version=version),
        )
    except DomainError as error:
        return Outcome(key, False, error.message)
    step = dossier.current_step
    if step is None:
        return Outcome(key, True, _("Now “%(status)s”.") % {"status": dossier.get_status_display()})
    return Outcome(
        key,
        True,
        _("Now at the step “%(step)s” (%(role)s, %(agency)s).")
        % {"step": step.name, "role": step.get_role_display(), "agency": dossier.current_agency},
    )
