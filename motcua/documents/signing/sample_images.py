"""Drawn signature and seal images for the demo and the tests (Decree 30/2020/NĐ-CP,
Appendix I): a handwritten-looking signature in blue and an agency's round seal in red, both
transparent PNGs.

A real installation uploads the scanned signature and the registered seal of each credential in
the admin; these are drawn, and carry the word DEMO so they cannot be taken for real ones."""

import io
import math

from PIL import Image, ImageDraw, ImageFont

BLUE = (20, 50, 170, 255)
RED = (210, 20, 30, 255)
SERIF_ITALIC = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf"
SERIF_BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"


def signature_png(full_name: str) -> bytes:
    """The signer's name written in blue italics over a flourish, on a transparent ground."""
    image = Image.new("RGBA", (420, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    name = full_name.split("(")[0].strip() or full_name
    size = 46
    font = ImageFont.truetype(SERIF_ITALIC, size)
    while size > 16 and font.getlength(name) > 400:  # a long name is written smaller
        size -= 2
        font = ImageFont.truetype(SERIF_ITALIC, size)
    draw.text((210, 70), name, font=font, fill=BLUE, anchor="mm")
    flourish = [(30 + x, 118 + 14 * math.sin(x / 38)) for x in range(0, 360, 4)]
    draw.line(flourish, fill=BLUE, width=4, joint="curve")
    draw.text((210, 145), "DEMO", font=ImageFont.truetype(SERIF_BOLD, 16), fill=BLUE, anchor="mm")
    return _png(image)


def seal_png(agency_name: str, place: str) -> bytes:
    """A round red seal: the agency's name along the upper rim, `place` along the lower rim, a
    star in the middle and the words "MẪU DEMO" across it."""
    size = 360
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    for radius, width in ((172, 7), (132, 3)):
        draw.ellipse(
            (centre - radius, centre - radius, centre + radius, centre + radius),
            outline=RED,
            width=width,
        )
    rim = ImageFont.truetype(SERIF_BOLD, 24)
    _arc_text(image, agency_name.upper(), rim, radius=150, centre=centre, top=True)
    _arc_text(image, place.upper(), rim, radius=150, centre=centre, top=False)
    _star(draw, centre, centre - 38, 30)
    draw.text(
        (centre, centre + 22),
        "MẪU DEMO",
        font=ImageFont.truetype(SERIF_BOLD, 34),
        fill=RED,
        anchor="mm",
    )
    return _png(image)


def _arc_text(
    image: Image.Image,
    text: str,
    font: ImageFont.FreeTypeFont,
    *,
    radius: float,
    centre: float,
    top: bool,
) -> None:
    """Letters set one by one along a circle, upright to the reader (clockwise on the top rim,
    counter-clockwise on the bottom one)."""
    widths = [font.getlength(letter) + 1 for letter in text]
    span = sum(widths) / radius  # radians the text covers
    span = min(span, math.radians(200))
    scale = span * radius / sum(widths)
    angle = (-math.pi / 2 - span / 2) if top else (math.pi / 2 + span / 2)
    for letter, width in zip(text, widths, strict=True):
        step = width * scale / radius
        middle = angle + (step / 2 if top else -step / 2)
        x, y = centre + radius * math.cos(middle), centre + radius * math.sin(middle)
        tile = Image.new("RGBA", (48, 48), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((24, 24), letter, font=font, fill=RED, anchor="mm")
        degrees = -math.degrees(middle) - 90 if top else -math.degrees(middle) + 90
        tile = tile.rotate(degrees, resample=Image.Resampling.BICUBIC)
        image.alpha_composite(tile, (round(x - 24), round(y - 24)))
        angle += step if top else -step


def _star(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float) -> None:
    points = []
    for corner in range(10):
        reach = radius if corner % 2 == 0 else radius * 0.4
        theta = -math.pi / 2 + corner * math.pi / 5
        points.append((x + reach * math.cos(theta), y + reach * math.sin(theta)))
    draw.polygon(points, fill=RED)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
