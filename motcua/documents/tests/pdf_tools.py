"""Reading PDFs back in tests with poppler-utils (pdftotext, pdffonts, pdftoppm)."""

import subprocess
import tempfile
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "pdf"


def _run(command: list[str], pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        done = subprocess.run(
            [*command, str(source), "-"], capture_output=True, check=True, timeout=60
        )
    return done.stdout.decode("utf-8")


def pdf_text(pdf: bytes, *, layout: bool = True) -> str:
    """The text of the PDF as `pdftotext` extracts it (with `-layout`: in reading order)."""
    return _run(["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else [])], pdf)


def pdf_fonts(pdf: bytes) -> str:
    """`pdffonts`' table: the fonts the PDF embeds."""
    return _tool("pdffonts", pdf)


def pdf_info(pdf: bytes) -> str:
    """`pdfinfo`'s summary (pages, page size, title)."""
    return _tool("pdfinfo", pdf)


def _tool(name: str, pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        done = subprocess.run([name, str(source)], capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def pdf_pages(pdf: bytes) -> int:
    for line in pdf_info(pdf).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo gave no page count")


def save_png(pdf: bytes, name: str, *, dpi: int = 60, page: int = 1) -> Path:
    """Page `page` as test-artifacts/pdf/<name>.png (to look at), and the PDF beside it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    target = ARTIFACTS / name
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(ARTIFACTS / f"{name}.pdf"),
            str(target),
        ],
        check=True,
        timeout=60,
    )
    return target.with_suffix(".png")
