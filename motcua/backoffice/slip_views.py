"""The official slips of a dossier as PDF downloads (Mẫu 01, 02, 03, 05; docs/slips.md)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_get_visible
from motcua.dossiers.slips import SLIP_KINDS, SlipNotApplicable, render_slip, slip_filename


@login_required
@require_safe
def slip_download(request: HttpRequest, key: str, kind: str) -> HttpResponse:
    """The slip `kind` of the dossier `key` as a PDF attachment. 404 when the user may not see
    the dossier (its existence is not told) or the dossier has no such slip."""
    if kind not in SLIP_KINDS:
        raise Http404
    try:
        dossier = dossier_get_visible(user=request.user, key=key)  # type: ignore[arg-type]
        pdf = render_slip(kind, dossier)
    except (Dossier.DoesNotExist, SlipNotApplicable):
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=slip_filename(kind, dossier)
    )
    patch_cache_control(response, private=True, no_store=True)  # personal data
    return response
