"""Tiny real files for the upload tests: a PDF from the renderer, PNG and JPEG from Pillow, a
DOCX built as a ZIP with word/document.xml, and liars (content that is not what the name says)."""

import io
import zipfile
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from motcua.documents import engine

HTML = (
    b"<!DOCTYPE html>\n<html><head><title>Gi\xe1\xba\xa5y t\xe1\xbb\x9d</title></head>"
    b"<body><script>document.location='https://example.invalid/'</script></body></html>\n"
)
# The start of a Windows program (MZ header, PE offset, the DOS stub's message).
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8"
    + b"\x00" * 43
    + b"\x80\x00\x00\x00"
    + b"\x0e\x1f\xba\x0e\x00\xb4\t\xcd!\xb8\x01L\xcd!"
    + b"This program cannot be run in DOS mode.\r\r\n$"
    + b"\x00" * 64
)


@cache
def pdf() -> bytes:
    return engine.write_pdf("<p>Đơn đăng ký biến động</p>", base_url="http://127.0.0.1:8000/")


def _image(format_: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=format_)
    return buffer.getvalue()


@cache
def png() -> bytes:
    return _image("PNG")


@cache
def jpeg() -> bytes:
    return _image("JPEG")


def _zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Tờ khai</w:t></w:r></w:p></w:body></w:document>"
)


@cache
def docx() -> bytes:
    return _zip(
        {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, "word/document.xml": DOCUMENT}
    )


@cache
def plain_zip() -> bytes:
    """A ZIP archive that is not a Word document."""
    return _zip({"readme.txt": "không phải tờ khai", "data/list.csv": "a,b\n1,2\n"})


def upload(name: str, content: bytes, claimed: str = "application/pdf") -> SimpleUploadedFile:
    """An upload as the browser sends it; `claimed` (its Content-Type) is never trusted."""
    return SimpleUploadedFile(name, content, content_type=claimed)
