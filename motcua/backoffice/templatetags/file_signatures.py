"""The digital signatures of a dossier file, next to the file: `{% load file_signatures %}`
then `{% file_signatures file as check %}` (a documents.signing.verification.PdfVerification,
or None for a file that is not a PDF), or simply
`{% include "backoffice/_file_signatures.html" %}` with `file` in the context.

The verdict comes from dossiers.warehouse_signatures.file_verification: verified once per
file content (SHA-256) and kept in the cache, so the page does not verify on every load. The
citizen's pages use the same tag for the signed badge of their results."""

from typing import Any

from django import template

from motcua.dossiers.models import DossierFile
from motcua.dossiers.warehouse_signatures import file_verification

register = template.Library()


@register.simple_tag
def file_signatures(file: DossierFile | None) -> Any:
    """The verdict on `file`'s signatures, or None (not a PDF, no file)."""
    if not isinstance(file, DossierFile):
        return None
    return file_verification(file)
