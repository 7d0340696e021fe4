"""Upload checks: real PDF, JPEG, PNG and DOCX pass and are what they say; liars (HTML named
.pdf, a ZIP named .docx, a program named .png), empty and oversized files are refused with a
message naming the file; the name is cleaned and the digest is the content's."""

import hashlib
import unicodedata

import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from motcua.core.errors import ValidationFailed
from motcua.documents.uploads import (
    DOCX_TYPE,
    KINDS,
    MAX_NAME_LENGTH,
    CheckedUpload,
    check_upload,
    clean_name,
)

from . import samples

SCANS = frozenset({"pdf", "jpeg", "png"})
ALL = frozenset(KINDS)
MB = 1024 * 1024

DOCX_AS_ZIP = samples._zip({"docProps/app.xml": "<x/>", "word/document.xml": samples.DOCUMENT})
DOCX_WITHOUT_BODY = samples._zip(
    {"[Content_Types].xml": samples.CONTENT_TYPES, "word/other.xml": samples.DOCUMENT}
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def check(name: str, content: bytes, allowed: frozenset[str] = ALL, max_bytes: int = MB):
    return check_upload(samples.upload(name, content), allowed=allowed, max_bytes=max_bytes)


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("don-dang-ky.pdf", samples.pdf, "pdf", "application/pdf"),
        ("SCAN.PDF", samples.pdf, "pdf", "application/pdf"),
        ("anh-chup.jpg", samples.jpeg, "jpeg", "image/jpeg"),
        ("anh-chup.jpeg", samples.jpeg, "jpeg", "image/jpeg"),
        ("ban-sao.png", samples.png, "png", "image/png"),
        ("to-khai.docx", samples.docx, "docx", DOCX_TYPE),  # libmagic says DOCX
        ("to-khai.docx", lambda: DOCX_AS_ZIP, "docx", DOCX_TYPE),  # libmagic says ZIP
    ],
)
def test_real_files_pass_as_what_they_are(name, content, kind, content_type):
    data = content()
    checked = check(name, data)
    assert checked == CheckedUpload(
        name=name,
        kind=kind,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    assert checked.extension == KINDS[kind].extensions[0]


LIAR = "is not what its name says"
NOT_ACCEPTED = "is not a type of file accepted here"


@pytest.mark.parametrize(
    ("name", "content", "allowed", "problem"),
    [
        # Content that is not what the name says.
        ("giay-to.pdf", lambda: samples.HTML, ALL, LIAR + ": it is not a PDF file"),
        ("to-khai.docx", samples.plain_zip, ALL, LIAR + ": it is not a Word (DOCX) file"),
        ("to-khai.docx", lambda: DOCX_WITHOUT_BODY, ALL, LIAR),
        ("anh.png", lambda: samples.EXE, ALL, LIAR + ": it is not a PNG file"),
        ("anh.png", samples.jpeg, ALL, LIAR + ": it is not a PNG file"),
        ("anh.jpg", samples.png, ALL, LIAR + ": it is not a JPEG file"),
        ("don.pdf", samples.docx, ALL, LIAR + ": it is not a PDF file"),
        ("don.pdf", lambda: b"just some text\n", ALL, LIAR),
        # Names of kinds not accepted here (whatever the content).
        ("to-khai.docx", samples.docx, SCANS, NOT_ACCEPTED + ". Accepted: PDF, JPEG, PNG."),
        ("ket-qua.png", samples.png, frozenset({"pdf"}), NOT_ACCEPTED + ". Accepted: PDF."),
        ("setup.exe", lambda: samples.EXE, ALL, NOT_ACCEPTED),
        ("trang.html", lambda: samples.HTML, ALL, NOT_ACCEPTED),
        ("khong-duoi", samples.pdf, ALL, NOT_ACCEPTED),
        ("don.pdf.exe", lambda: samples.EXE, ALL, NOT_ACCEPTED),
        # Empty.
        ("rong.pdf", lambda: b"", ALL, "“rong.pdf” is empty."),
    ],
)
def test_refused_with_a_message_naming_the_file(name, content, allowed, problem):
    with pytest.raises(ValidationFailed) as refused:
        check(name, content(), allowed)
    assert refused.value.message == f"The file “{name}” was not accepted."
    [error] = refused.value.errors
    assert problem in error and f"“{name}”" in error


def test_the_size_limit_is_inclusive_and_named():
    data = samples.pdf()
    assert check("don.pdf", data, max_bytes=len(data)).size == len(data)
    with pytest.raises(ValidationFailed) as refused:
        check("don.pdf", data, max_bytes=len(data) - 1)
    [error] = refused.value.errors
    assert "“don.pdf” is too large: a file may be at most" in error


def test_the_limit_is_said_in_megabytes():
    big = samples.pdf() + b"\0" * (2 * MB)  # trailing bytes do not matter to the sniffing
    with pytest.raises(ValidationFailed) as refused:
        check("ho-so-day.pdf", big, max_bytes=2 * MB)
    assert refused.value.errors[0].endswith("at most 2.0\xa0MB.")


def test_the_file_is_read_again_from_the_start_afterwards():
    upload = samples.upload("don.pdf", samples.pdf())
    check_upload(upload, allowed=SCANS, max_bytes=MB)
    assert upload.read() == samples.pdf()


def test_any_django_file_can_be_checked():
    checked = check_upload(ContentFile(samples.png(), name="a.png"), allowed=SCANS, max_bytes=MB)
    assert checked.kind == "png"


def test_the_browsers_content_type_is_ignored():
    checked = check_upload(
        samples.upload("don.pdf", samples.pdf(), claimed="text/html"), allowed=SCANS, max_bytes=MB
    )
    assert checked.content_type == "application/pdf"
    with pytest.raises(ValidationFailed):
        check_upload(
            samples.upload("don.pdf", samples.HTML, claimed="application/pdf"),
            allowed=SCANS,
            max_bytes=MB,
        )


def test_unknown_kinds_are_a_programming_error():
    with pytest.raises(ValueError, match="gif"):
        check("a.pdf", samples.pdf(), frozenset({"pdf", "gif"}))


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\An\\Giấy tờ\\đơn.pdf", "đơn.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        (unicodedata.normalize("NFD", "Đơn đề nghị.pdf"), "Đơn đề nghị.pdf"),
        ("tab\tand\x00nul.pdf", "tabandnul.pdf"),
        ("a" * 300 + ".pdf", "a" * (MAX_NAME_LENGTH - 4) + ".pdf"),
        ("", ""),
    ],
)
def test_names_are_cleaned(given, kept):
    assert clean_name(given) == kept
    assert len(clean_name(given)) <= MAX_NAME_LENGTH
