"""Private stored files (dossier scans, results) as HTTP responses. The caller has already
decided the user may have the file; this only serves it safely."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control

# Shown in the browser when asked (?xem=1); anything else is always a download.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def private_file_response(
    stored: FieldFile, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """The stored file under its original `filename` with its sniffed `content_type`: a
    download, or shown in the browser when `inline` is asked and the type is one of
    INLINE_TYPES. Never sniffed by the browser nor kept by a cache. Http404 when the file is
    not in the storage."""
    if not stored.name:
        raise Http404
    try:
        handle = stored.storage.open(stored.name, "rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not (inline and content_type in INLINE_TYPES),
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response
