"""The digital signatures of a dossier's PDF file, verified once and remembered.

`file_verification(file)` answers documents.signing.verification.verify_pdf's verdict on a
dossier file (a citizen's signed upload, a certified e-copy, a signed e-result), or None for a
file that is not a PDF or is no longer in the storage. Verifying a signed PDF takes a while
(chains, revocation data, time stamps), so the verdict is kept in the Django cache by the
file's SHA-256 (and the language: the problem lines are translated) for
`settings.MOTCUA_SIGNATURE_CACHE_SECONDS` (a day by default): a page showing the file does not
verify it again on every load, and a certificate revoked later shows within that time.

Used by the e-warehouse (dossiers.warehouse: whether a collected document is signed) and by the
back office's dossier page (backoffice.templatetags.file_signatures).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from .models import DossierFile
from .results_check import read_file

if TYPE_CHECKING:
    from motcua.documents.signing.verification import PdfVerification

PDF = "application/pdf"
DEFAULT_SECONDS = 24 * 3600
PREFIX = "motcua:pdf-signatures"


def cache_key(sha256: str) -> str:
    return f"{PREFIX}:{sha256}:{get_language() or ''}"


def file_verification(file: DossierFile) -> PdfVerification | None:
    """The verdict on `file`'s signatures (cached, see the module doc); None when it is not a
    PDF or its bytes are gone. Never raises on the file's content."""
    if file.content_type != PDF or not file.sha256:
        return None
    key = cache_key(file.sha256)
    found: PdfVerification | None = cache.get(key)
    if found is not None:
        return found
    data = read_file(file)
    if data is None:
        return None
    from motcua.documents.signing.verification import verify_pdf

    verdict = verify_pdf(data)
    seconds = int(getattr(settings, "MOTCUA_SIGNATURE_CACHE_SECONDS", DEFAULT_SECONDS))
    cache.set(key, verdict, seconds)
    return verdict


def is_signed(file: DossierFile) -> bool:
    """Whether `file` is a PDF whose signatures all verify (PdfVerification.valid)."""
    verdict = file_verification(file)
    return bool(verdict is not None and verdict.valid)
