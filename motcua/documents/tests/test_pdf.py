"""PDF rendering: Vietnamese text (also decomposed, NFD) comes back from the PDF precomposed
and whole, in Liberation Serif on A4; static files load, nothing else does."""

import unicodedata
from pathlib import Path

import pytest

from motcua.documents.engine import StaticFetcher
from motcua.documents.paths import base_url, static_path
from motcua.documents.pdf import render_pdf
from motcua.documents.qr import qr_svg

from .pdf_tools import pdf_fonts, pdf_info, pdf_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
SAMPLE = "documents_tests/sample.html"

BASES = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # none, huyền, sắc, hỏi, ngã, nặng


def vietnamese_letters() -> list[str]:
    """All 146 precomposed Vietnamese letters: 12 vowels × 6 tones and đ, in both cases."""
    lower = [unicodedata.normalize("NFC", base + tone) for base in BASES for tone in TONES]
    letters = [*lower, "đ"]
    return letters + [letter.upper() for letter in letters]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.fixture(autouse=True)
def sample_templates(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}
    ]


def test_there_are_146_vietnamese_letters():
    letters = vietnamese_letters()
    assert len(set(letters)) == 146
    assert all(len(letter) == 1 for letter in letters)  # each one precomposed


def test_decomposed_vietnamese_comes_back_precomposed():
    title = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    text = "Nguyễn Thị Hường, Đặng Văn Ánh — phường Hoàn Kiếm: " + " ".join(vietnamese_letters())
    assert nfd(text) != text  # the input really is decomposed
    document = render_pdf(SAMPLE, {"title": nfd(title), "text": nfd(text)})
    assert document.startswith(b"%PDF-")
    extracted = pdf_text(document)
    assert title in extracted
    assert "Nguyễn Thị Hường, Đặng Văn Ánh" in extracted
    assert not any(unicodedata.combining(char) for char in extracted)
    # pdftotext runs single letters together; compare without the spaces
    assert "".join(vietnamese_letters()) in "".join(extracted.split())


def test_the_serif_is_liberation_serif_embedded():
    fonts = pdf_fonts(render_pdf(SAMPLE, {"title": "Mẫu", "text": "Độc lập - Tự do - Hạnh phúc"}))
    rows = [row for row in fonts.splitlines()[2:] if row.strip()]
    assert rows
    assert all("+Liberation-Serif" in row for row in rows), fonts
    assert all(" yes yes " in row for row in rows), fonts  # embedded and subset


def test_pages_are_a4():
    info = pdf_info(render_pdf(SAMPLE, {"title": "A4", "text": "x"}))
    assert "(A4)" in info, info


def test_static_files_load_and_other_urls_do_not(settings, tmp_path):
    (tmp_path / "probe.css").write_text('.probe::after { content: " STATIC-LOADED"; }')
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, tmp_path]
    document = render_pdf(
        SAMPLE,
        {
            "title": "t",
            "text": "x",
            "stylesheet": "probe.css",
            "remote": "https://example.org/a.css",
        },
    )
    assert "STATIC-LOADED" in pdf_text(document)
    assert static_path(f"{base_url()}static/probe.css") == tmp_path / "probe.css"
    assert static_path("https://example.org/static/probe.css") is None
    assert static_path(f"{base_url()}static/../config/settings.py") is None
    assert static_path(f"{base_url()}static/missing.css") is None
    with pytest.raises(ValueError, match="static files only"):
        StaticFetcher().fetch("https://example.org/a.css")
    with pytest.raises(ValueError, match="static files only"):
        StaticFetcher().fetch("file:///etc/passwd")


def test_a_qr_code_renders_inside_a_pdf():
    document = render_pdf(
        SAMPLE, {"title": "QR", "text": "Tra cứu", "qr": qr_svg("https://example.org/?ma=1")}
    )
    assert "Tra cứu" in pdf_text(document)
