"""The files of a dossier in the back office: download (only for officials who may see the
dossier, never under a public URL) and upload on the dossier page."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from motcua.core.errors import DomainError, ValidationFailed
from motcua.documents.downloads import private_file_response
from motcua.documents.uploads import accept_attribute
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.files import (
    COMPONENT_KINDS,
    RESULT_KINDS,
    dossier_file_add,
    dossier_files,
    file_rights,
    max_upload_bytes,
)
from motcua.dossiers.models import Dossier, DossierFile

from .dossier_views import _render, _visible_or_404
from .file_forms import DossierFileForm, kinds_text

# Shown in the browser with ?xem=1; everything else is always a download.


@dataclass
class FilePanel:
    """What the dossier page shows about files to this user: the result documents and whether
    they may add a component scan or a result (the upload forms)."""

    may_add_component: bool
    may_add_result: bool
    results: list[DossierFile] = field(default_factory=list)
    component_accept: str = accept_attribute(COMPONENT_KINDS)
    result_accept: str = accept_attribute(RESULT_KINDS)
    component_hint: str = ""
    result_hint: str = ""
    max_size: str = ""


def file_panel(dossier: Dossier, user: Any) -> FilePanel:
    """The files part of the dossier page's context (used by the `dossier_file_panel` tag)."""
    rights = file_rights(dossier, user)
    return FilePanel(
        may_add_component=rights[FilePurpose.COMPONENT],
        may_add_result=rights[FilePurpose.RESULT],
        results=list(dossier_files(dossier, FilePurpose.RESULT)),
        component_hint=kinds_text(COMPONENT_KINDS),
        result_hint=kinds_text(RESULT_KINDS),
        max_size=filesizeformat(max_upload_bytes()),
    )


@login_required
@require_safe
def dossier_file_download(request: HttpRequest, key: str, file_id: int) -> FileResponse:
    """The file as stored, with its sniffed type; a download under its original name, or shown
    in the browser (PDF, images) with ?xem=1. 404 unless the official may see the dossier and
    the file is one of its files."""
    dossier = _visible_or_404(request, key)
    row = DossierFile.objects.filter(dossier=dossier, pk=file_id).first()
    if row is None:
        raise Http404
    return private_file_response(
        row.file,
        filename=row.original_name,
        content_type=row.content_type,
        inline=request.GET.get("xem") == "1",
    )


@login_required
@require_POST
def dossier_file_upload(request: HttpRequest, key: str) -> HttpResponse:
    """Add one file. Success: a message and back to the dossier. A bad file (400), a user who
    may not add it (403) or a dossier that moved on (409): the dossier page with the reason,
    nothing stored."""
    dossier = _visible_or_404(request, key)
    form = DossierFileForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return _render(request, dossier, errors=errors, status=400)
    purpose = FilePurpose(form.cleaned_data["purpose"])
    component = None
    if purpose == FilePurpose.COMPONENT:
        component = dossier.components.filter(pk=form.cleaned_data["component"] or 0).first()
    try:
        row = dossier_file_add(
            dossier=dossier,
            actor=request.user,  # type: ignore[arg-type]
            upload=form.cleaned_data["file"],
            purpose=purpose,
            component=component,
        )
    except ValidationFailed as error:
        return _render(request, dossier, errors=error.errors or [error.message], status=400)
    except DomainError as error:
        status = 403 if error.code == "act_not_permitted" else 409
        return _render(request, dossier, errors=[error.message], status=status)
    messages.success(
        request,
        _("“%(name)s” was added to the dossier (%(size)s).")
        % {"name": row.original_name, "size": filesizeformat(row.size)},
    )
    anchor = "#result-files" if purpose == FilePurpose.RESULT else "#components-title"
    return redirect(reverse("backoffice:dossier", args=[dossier.key]) + anchor)
