"""The files part of the dossier page, computed where it is shown:
`{% dossier_file_panel dossier as file_panel %}` (see file_views.file_panel)."""

from typing import Any

from django import template

from motcua.dossiers.models import Dossier

from ..file_views import FilePanel, file_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_file_panel(context: dict[str, Any], dossier: Dossier) -> FilePanel:
    """Whether the signed-in user may add scans or results, and the result documents."""
    request = context.get("request")
    return file_panel(dossier, getattr(request, "user", None))
