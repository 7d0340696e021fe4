"""PDFs from Django templates: template → HTML → WeasyPrint.

Every PDF gets the print stylesheet (`print.css`: A4, margins, Liberation Serif) and its text
NFC-normalised, so decomposed (NFD) Vietnamese renders and extracts like precomposed text.
Resources load only from the static files (and `data:` URIs): a template never makes the
renderer reach the network or the file system outside them.
"""

from django.template.loader import render_to_string

from motcua.core.text import nfc

from .paths import base_url


def render_pdf(template_name: str, context: dict) -> bytes:
    """The PDF of the Django template `template_name` rendered with `context`."""
    html = nfc(render_to_string(template_name, context))
    from . import engine  # WeasyPrint loads with the first PDF (see engine's docstring)

    return engine.write_pdf(html, base_url=base_url())
