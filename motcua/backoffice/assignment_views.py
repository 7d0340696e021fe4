"""Assignment of a dossier's current step to a named official (phân công), under
/can-bo/ho-so/<key>/phan-cong/: the page with the form (GET) and the assignment (POST, then back
to the dossier). The rule is the service's (dossiers.assignment); the dossier page shows the
panel through `{% dossier_assignment dossier as assignment %}` (backoffice/_assignment.html).
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.dossiers.assignment import (
    assignee_candidates,
    dossier_assign,
    may_assign,
    official_name,
    open_step_record,
)
from motcua.dossiers.models import Dossier, StepRecord
from motcua.dossiers.selectors import dossier_get_visible

from .worklists import is_official

# A refusal's code → the HTTP status of the page that explains it.
STATUS_OF = {"act_not_permitted": 403, "assignee_not_eligible": 400}
CONFLICT = 409  # no step to assign, already assigned to that official


class AssignForm(forms.Form):
    """The official to assign and an optional instruction. Any official may be chosen here;
    whether they may take the step is the service's rule, with its own message."""

    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"),
        queryset=User.objects.filter(is_active=True, memberships__isnull=False).distinct(),
        error_messages={"invalid_choice": gettext_lazy("Choose an official from the list.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Instructions (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@dataclass
class AssignmentPanel:
    """What the dossier page shows about the assignment of the current step."""

    record: StepRecord | None
    may_assign: bool = False
    candidates: list[User] = field(default_factory=list)

    @property
    def assignee_name(self) -> str:
        assignee = self.record.assignee if self.record else None
        return official_name(assignee) if assignee else ""

    @property
    def assigned_by_name(self) -> str:
        by = self.record.assigned_by if self.record else None
        return official_name(by) if by else ""


def assignment_panel(dossier: Dossier, user: Any) -> AssignmentPanel:
    record = open_step_record(dossier=dossier)
    if record is None:
        return AssignmentPanel(record=None)
    allowed = may_assign(record=record, user=user)
    candidates = list(assignee_candidates(record=record)) if allowed else []
    return AssignmentPanel(record=record, may_assign=allowed, candidates=candidates)


def _visible_or_404(request: HttpRequest, key: str) -> Dossier:
    """The dossier if the official may see it; 404 for anyone else (as the dossier page)."""
    if not is_official(request.user):
        raise Http404
    try:
        return dossier_get_visible(user=request.user, key=key)  # type: ignore[arg-type]
    except Dossier.DoesNotExist:
        raise Http404 from None


def _page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    form: AssignForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "dossier": dossier,
        "key": dossier.key,
        "assignment": assignment_panel(dossier, request.user),
        "form": form or AssignForm(),
        "error": error,
    }
    return render(request, "backoffice/assignment.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dossier_assign_view(request: HttpRequest, key: str) -> HttpResponse:
    """GET: the form. POST: assign, then back to the dossier with a message; a refusal shows
    the form again with the reason (403 for the wrong official, 400 for bad input or an
    official who may not take the step, 409 when there is nothing to assign)."""
    dossier = _visible_or_404(request, key)
    if request.method != "POST":
        return _page(request, dossier)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, form=form, status=400)
    assignee = form.cleaned_data["assignee"]
    try:
        result = dossier_assign(
            dossier=dossier,
            assignee=assignee,
            actor=request.user,  # type: ignore[arg-type]
            comment=form.cleaned_data["comment"],
        )
    except DomainError as refusal:
        status = STATUS_OF.get(refusal.code, CONFLICT)
        return _page(request, dossier, form=form, error=refusal.message, status=status)
    if result.previous is None:
        message = _("The dossier is assigned to %(name)s.")
    else:
        message = _("The dossier is reassigned to %(name)s (it was with %(previous)s).")
    messages.success(
        request,
        message
        % {"name": official_name(assignee), "previous": official_name(result.previous or assignee)},
    )
    return redirect("backoffice:dossier", key=dossier.key)
