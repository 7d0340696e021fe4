"""WeasyPrint with this process's one font configuration and the print stylesheet.

Importing WeasyPrint takes about a second, so `pdf.render_pdf` imports this module with the
first PDF instead of every process paying for it at start-up.
"""

import mimetypes
import threading
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .paths import static_path

# One font configuration per process: fontconfig's font list is read once, not per PDF.
FONT_CONFIG = FontConfiguration()
PRINT_CSS = CSS(filename=str(Path(__file__).with_name("print.css")), font_config=FONT_CONFIG)

# Pango's font map (inside FONT_CONFIG) is shared by every render, so renders in one process
# take turns (a threaded server); an A4 page takes tens of milliseconds.
_RENDER_LOCK = threading.Lock()


def write_pdf(html: str, *, base_url: str) -> bytes:
    """The PDF of `html`, laid out with the print stylesheet."""
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticFetcher())
    with _RENDER_LOCK:
        pdf = document.write_pdf(stylesheets=[PRINT_CSS], font_config=FONT_CONFIG)
    assert pdf is not None  # no target given: the bytes are returned
    return pdf


class StaticFetcher(URLFetcher):
    """Loads static files from disk and `data:` URIs; refuses every other URL (WeasyPrint
    logs the refusal and renders without the resource)."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_path(url)
        if path is None:
            raise ValueError(f"documents load static files only, not {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
