"""The citizen's e-warehouse ("Kho dữ liệu của tôi", /kho-du-lieu/): the e-results of their
dossiers and the papers of theirs verified at acceptance (dossiers.warehouse), by kind, each
with its signed and validity badges, a download and a link to the dossier it came from.

Signed-in citizens only; a document is served to its owner only — anyone else's id is "not
found", never "forbidden"."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from motcua.documents.downloads import private_file_response
from motcua.dossiers.warehouse import is_valid, warehouse_document_get, warehouse_documents
from motcua.dossiers.warehouse_models import DocumentKind

from .auth import citizen_login_required

SECTION_TITLES = {
    DocumentKind.RESULT: _("E-results of your dossiers"),
    DocumentKind.PAPER: _("Your papers verified by an agency"),
}


@citizen_login_required
@require_safe
def warehouse(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    documents = list(warehouse_documents(user=request.user))
    for document in documents:
        document.valid_now = is_valid(document, today)  # type: ignore[attr-defined]
    sections = [
        (kind.value, SECTION_TITLES[kind], [d for d in documents if d.kind == kind])
        for kind in (DocumentKind.RESULT, DocumentKind.PAPER)
    ]
    context = {"sections": sections, "count": len(documents)}
    response = render(request, "portal/warehouse.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@citizen_login_required
@require_safe
def warehouse_download(request: HttpRequest, document_id: int) -> FileResponse:
    """The document's file, to its owner only; shown in the browser with ?xem=1."""
    document = warehouse_document_get(user=request.user, document_id=document_id)
    if document is None:
        raise Http404
    return private_file_response(
        document.source_file.file,
        filename=document.file_name,
        content_type=document.content_type,
        inline=request.GET.get("xem") == "1",
    )
