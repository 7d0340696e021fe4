"""The catalogue's one public file view: a blank form's download (see form_files)."""

from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_safe

from .form_files import form_file_response


@require_safe
def form_template_download(request: HttpRequest, path: str) -> FileResponse:
    """/media/forms/<path>: the blank form a catalogue row holds, or 404."""
    return form_file_response(path)
