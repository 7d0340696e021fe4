"""Blank forms (mẫu đơn, tờ khai) the catalogue offers for download: the files an administrator
uploads to a form row, checked like every upload (documents.uploads), kept through the storage
API under forms/ and served only when a catalogue row holds them."""

import posixpath

from django.core.files import File
from django.core.files.storage import Storage
from django.http import FileResponse, Http404

from motcua.documents.uploads import KINDS, CheckedUpload, check_upload

from .models import FormTemplate

FORM_KINDS = frozenset({"pdf", "docx"})
FORM_MAX_BYTES = 10 * 1024 * 1024
FORM_FOLDER = "forms/"
CONTENT_TYPES = {ext: kind.content_type for kind in KINDS.values() for ext in kind.extensions}


def form_file_check(upload: File) -> CheckedUpload:
    """Check an uploaded blank form: PDF or Word (DOCX), at most FORM_MAX_BYTES, content that is
    what its name says. ValidationFailed says what is wrong."""
    return check_upload(upload, allowed=FORM_KINDS, max_bytes=FORM_MAX_BYTES)


def form_file_label(name: str) -> str:
    """The kind of a stored form for its link: "PDF", "Word (DOCX)", or "" when unknown."""
    extension = posixpath.splitext(name)[1].lower()
    return next((kind.label for kind in KINDS.values() if extension in kind.extensions), "")


def _storage() -> Storage:
    return FormTemplate._meta.get_field("file").storage  # type: ignore[no-any-return, union-attr]


def form_file_response(path: str) -> FileResponse:
    """The blank form stored as forms/<path>, as a download. Http404 when no catalogue row holds
    that file or the storage does not have it."""
    name = FORM_FOLDER + path
    if not path or not FormTemplate.objects.filter(file=name).exists():
        raise Http404
    try:
        handle = _storage().open(name, "rb")
    except OSError:
        raise Http404 from None
    extension = posixpath.splitext(name)[1].lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=posixpath.basename(name),
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response
