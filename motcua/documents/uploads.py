"""Checks on an uploaded file before it is kept: not empty, not too large, a type we accept, and
content that is what its name says.

The type is sniffed from the content with libmagic (python-magic, the first 2048 bytes), never
taken from the browser's Content-Type or trusted from the name alone: an HTML page or a program
renamed "giay-to.pdf" is refused. A DOCX is a ZIP archive, so libmagic may only say "ZIP"; it
counts as DOCX when the archive holds `word/document.xml` (its table of contents is read, nothing
is extracted).
"""

import hashlib
import posixpath
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any, NoReturn

import magic
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc

SNIFF_BYTES = 2048
MAX_NAME_LENGTH = 255  # DossierFile.original_name
ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed"})
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Kind:
    """A type of file we know: its label for people, its MIME type, the names it goes by."""

    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first one is used for stored names


KINDS: dict[str, Kind] = {
    "pdf": Kind("PDF", "application/pdf", (".pdf",)),
    "jpeg": Kind("JPEG", "image/jpeg", (".jpg", ".jpeg")),
    "png": Kind("PNG", "image/png", (".png",)),
    "docx": Kind("Word (DOCX)", DOCX_TYPE, (".docx",)),
}
_SNIFFED = {kind.content_type: key for key, kind in KINDS.items()}


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks found out about an accepted upload."""

    name: str  # the name it came with: NFC, no folders, at most 255 characters
    kind: str  # a key of KINDS
    content_type: str  # the sniffed MIME type of `kind`
    size: int
    sha256: str  # hex digest of the content

    @property
    def extension(self) -> str:
        """The extension of its kind (".pdf"), for the name it is stored under."""
        return KINDS[self.kind].extensions[0]


def check_upload(upload: File, *, allowed: frozenset[str], max_bytes: int) -> CheckedUpload:
    """Check `upload` (an UploadedFile or any Django File) against the `allowed` kinds (keys of
    KINDS) and the size limit; ValidationFailed names the file and says what is wrong."""
    unknown = allowed - KINDS.keys()
    if unknown:
        raise ValueError(f"unknown kinds of file: {sorted(unknown)}")
    name = clean_name(upload.name or "")
    shown = name or _("(no name)")
    size = upload.size or 0
    if size <= 0:
        _refuse(shown, _("“%(name)s” is empty.") % {"name": shown})
    if size > max_bytes:
        _refuse(
            shown,
            _("“%(name)s” is too large: a file may be at most %(limit)s.")
            % {"name": shown, "limit": filesizeformat(max_bytes)},
        )
    claimed = _kind_of_name(name)
    if claimed is None or claimed not in allowed:
        labels = ", ".join(KINDS[key].label for key in KINDS if key in allowed)
        _refuse(
            shown,
            _("“%(name)s” is not a type of file accepted here. Accepted: %(kinds)s.")
            % {"name": shown, "kinds": labels},
        )
    if sniff(upload) != claimed:
        _refuse(
            shown,
            _("The content of “%(name)s” is not what its name says: it is not a %(kind)s file.")
            % {"name": shown, "kind": KINDS[claimed].label},
        )
    return CheckedUpload(
        name=name,
        kind=claimed,
        content_type=KINDS[claimed].content_type,
        size=size,
        sha256=sha256_of(upload),
    )


def sniff(upload: File) -> str | None:
    """The kind (a key of KINDS) the content is, or None when it is none of them."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    try:
        mime = magic.from_buffer(head, mime=True)
    except magic.MagicException:
        return None
    if mime == DOCX_TYPE or mime in ZIP_TYPES:
        return "docx" if _is_docx(upload) else None
    return _SNIFFED.get(mime)


def _is_docx(upload: IO[Any] | File) -> bool:
    """A ZIP archive with the main part of a Word document (only its directory is read)."""
    try:
        with zipfile.ZipFile(upload) as archive:  # type: ignore[arg-type]
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)


def sha256_of(upload: File) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():  # from the start
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def clean_name(name: str) -> str:
    """The file's own name, NFC, without folders or control characters, at most 255 characters
    (cut before the extension, so it keeps it)."""
    name = posixpath.basename(nfc(name).replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, extension = posixpath.splitext(name)
        extension = extension[:16]
        name = stem[: MAX_NAME_LENGTH - len(extension)] + extension
    return name


def _kind_of_name(name: str) -> str | None:
    extension = posixpath.splitext(name)[1].lower()
    return next((key for key, kind in KINDS.items() if extension in kind.extensions), None)


def _refuse(name: str, problem: str) -> NoReturn:
    raise ValidationFailed(
        _("The file “%(name)s” was not accepted.") % {"name": name}, errors=[problem]
    )


def accept_attribute(kinds: Iterable[str]) -> str:
    """The `accept` of a file input: the MIME types and extensions of `kinds` (a hint to the
    browser; the content is what `check_upload` judges)."""
    chosen = [KINDS[kind] for kind in KINDS if kind in set(kinds)]
    return ",".join(
        [kind.content_type for kind in chosen] + [ext for kind in chosen for ext in kind.extensions]
    )


def kind_labels(kinds: Iterable[str]) -> str:
    """ "PDF, JPEG, PNG": the kinds a file input takes, in the order of KINDS."""
    return ", ".join(KINDS[kind].label for kind in KINDS if kind in set(kinds))
