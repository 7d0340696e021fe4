"""The signing part of the dossier page, computed where it is shown:
`{% dossier_result_panel dossier file_panel.results as result_panel %}` (see
result_views.result_panel; the result documents the files panel already read)."""

from collections.abc import Sequence
from typing import Any

from django import template

from motcua.dossiers.models import Dossier, DossierFile

from ..result_views import ResultPanel, result_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_result_panel(
    context: dict[str, Any], dossier: Dossier, files: Sequence[DossierFile] | None = None
) -> ResultPanel:
    """The result documents with their signatures, and the signing forms this user may use."""
    request = context.get("request")
    return result_panel(dossier, getattr(request, "user", None), files)
