"""QR codes as inline SVG (segno: pure Python, no Pillow)."""

import io

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str) -> SafeString:
    """`text` as a QR code (error correction level M), an `<svg>` element to put in a
    template as it is.

    Safe to embed: the text is encoded only into the modules' path, never written into the
    markup. The SVG has a viewBox and no fixed size, so CSS sizes it; the quiet zone (four
    modules) is included.
    """
    code = segno.make(text, error="m", boost_error=False, micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True, border=4)
    return mark_safe(out.getvalue().decode("ascii"))  # noqa: S308 (segno's markup, no input text)
