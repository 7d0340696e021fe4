"""The assignment part of the dossier page, computed where it is shown:
`{% dossier_assignment dossier as assignment %}` (see assignment_views.assignment_panel)."""

from typing import Any

from django import template

from motcua.dossiers.models import Dossier

from ..assignment_views import AssignmentPanel, assignment_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_assignment(context: dict[str, Any], dossier: Dossier) -> AssignmentPanel:
    """The current step's assignee, and whether the signed-in user may (re)assign it."""
    request = context.get("request")
    return assignment_panel(dossier, getattr(request, "user", None))
