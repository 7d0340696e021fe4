"""What a signature looks like on the page (Decree 30/2020/NĐ-CP, Appendix I).

- Competent person: the blue signature image centred between the title (chức vụ) and the full
  name, in the signature block at the bottom right.
- Organisation: the red seal image at about actual size, over about 1/3 of the person's signature
  image, to the left; beside it the organisation name, the number/notation of the document and the
  signing time (ISO 8601, Vietnam time, +07:00), Times-like, regular, size 10, black.

The text uses Liberation Serif (metric-compatible with Times New Roman, full Vietnamese
coverage), embedded as a subset through pyHanko's OpenType support.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.stamp.base import BaseStamp, BaseStampStyle

logger = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_REGULAR = FONT_DIR / "LiberationSerif-Regular.ttf"
FONT_BOLD = FONT_DIR / "LiberationSerif-Bold.ttf"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "morx", "JSTF", "BASE")

# The signature block (points; A4 is 595 x 842): bottom right, above the bottom margin.
BLOCK_WIDTH = 200.0
BLOCK_HEIGHT = 130.0
RIGHT_MARGIN = 57.0  # 20 mm, Decree 30's right margin
BOTTOM = 60.0
SEAL = 100.0  # about 35 mm, the usual seal diameter
ORG_TEXT_WIDTH = 150.0
TEXT_SIZE = 10
NAME_SIZE = 12


@dataclass(frozen=True)
class Appearance:
    """What is drawn for one signature."""

    purpose: str  # "personal" | "organisation"
    signer_name: str  # personal: full name; organisation: organisation name
    title: str = ""  # personal: position, e.g. "Giám đốc"
    image_png: bytes | None = None  # blue signature / red seal, transparent PNG
    number_notation: str = ""  # organisation: e.g. "125/QĐ-STP"
    page: int = -1  # page index, -1 = last page
    box: tuple[float, float, float, float] | None = None  # None = default place for the purpose


def personal_box(page_width: float) -> tuple[float, float, float, float]:
    """The default signature block: bottom right of the page."""
    x2 = page_width - RIGHT_MARGIN
    return (x2 - BLOCK_WIDTH, BOTTOM, x2, BOTTOM + BLOCK_HEIGHT)


def organisation_box(
    personal: tuple[float, float, float, float],
) -> tuple[float, float, float, float]:
    """Left of the personal block, the seal covering about 1/3 of the signature image (which
    takes the middle 60% of the block) and the organisation's text left of the seal."""
    x1, y1, x2, y2 = personal
    seal_right = x1 + 0.4 * (x2 - x1)
    middle = (y1 + y2) / 2
    return (seal_right - SEAL - ORG_TEXT_WIDTH, middle - SEAL / 2, seal_right, middle + SEAL / 2)


def default_box(purpose: str, page_width: float) -> tuple[float, float, float, float]:
    personal = personal_box(page_width)
    return organisation_box(personal) if purpose == "organisation" else personal


def signing_time_text(moment: datetime | None = None) -> str:
    """ISO 8601 in Vietnam time, e.g. 2026-03-11T09:30:00+07:00."""
    return (moment or timezone.now()).astimezone(VIETNAM).isoformat(timespec="seconds")


@dataclass(frozen=True)
class LoadedFont:
    """A font ready for stamps, made once per process (see `loaded_font`)."""

    full: bytes  # rescaled to 1000 units per em, with its layout tables: what HarfBuzz shapes with
    lean: bytes  # the same glyphs without layout tables: what fontTools measures and subsets
    shaper: Any  # uharfbuzz Font over `full`, shared by every stamp


def _rescaled(path: Path) -> bytes:
    """The font rescaled to 1000 units per em: pyHanko 0.38 writes glyph widths (/W) in the
    font's own units, which PDF reads as thousandths of an em, so a 2048-unit font such as
    Liberation Serif would be drawn with every letter twice as far apart.

    Rescaling takes about a second per font, so the result is kept in VAR_DIR/cache/fonts/
    (named by the source font's hash and the fontTools version) for the next process."""
    import fontTools
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    source = path.read_bytes()
    name = f"{path.stem}-{hashlib.sha256(source).hexdigest()[:16]}-ft{fontTools.version}.ttf"
    cached = Path(settings.VAR_DIR) / "cache" / "fonts" / name
    try:
        return cached.read_bytes()
    except OSError:
        pass
    font = TTFont(io.BytesIO(source))
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    buffer = io.BytesIO()
    font.save(buffer)
    data = buffer.getvalue()
    _keep(cached, data)
    return data


def _keep(target: Path, data: bytes) -> None:
    """Write `data` to `target` atomically; a read-only disk only costs the next process time."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(data)
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, target)
    except OSError:
        logger.info("font cache %s not written", target, exc_info=True)


def _without_layout(data: bytes) -> bytes:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    for tag in LAYOUT_TABLES:
        if tag in font:
            del font[tag]
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@functools.cache
def loaded_font(path: str) -> LoadedFont:
    """The font at `path` for stamps. pyHanko's subset drops the layout tables (GSUB, GPOS,
    GDEF, kern) from the embedded font anyway, after fontTools has decompiled them for every
    stamp; so fontTools gets a copy without them, while shaping (kerning, Vietnamese marks)
    uses the whole font."""
    import uharfbuzz as hb

    full = _rescaled(Path(path))
    return LoadedFont(full=full, lean=_without_layout(full), shaper=hb.Font(hb.Face(full)))


class StampFont(GlyphAccumulator):
    """pyHanko's glyph accumulator over a LoadedFont: metrics and subset from the lean copy,
    shaping with the whole font."""

    def __init__(self, writer: Any, font: LoadedFont, font_size: int, obj_stream: Any) -> None:
        super().__init__(
            writer=writer,
            font_handle=io.BytesIO(font.lean),
            font_size=font_size,
            obj_stream=obj_stream,
        )
        self.hb_font = font.shaper


@dataclass(frozen=True)
class FontFactory(GlyphAccumulatorFactory):
    """GlyphAccumulatorFactory over the rescaled font (see _rescaled and loaded_font)."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return StampFont(writer, loaded_font(self.font_file), self.font_size, obj_stream)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Fonts:
    """One subset font per weight, shared by every line of the stamp."""

    def __init__(self, stamp: BaseStamp) -> None:
        self.stamp = stamp
        self.engines: dict[str, Any] = {}

    def engine(self, weight: str) -> Any:
        if weight not in self.engines:
            path = FONT_BOLD if weight == "bold" else FONT_REGULAR
            engine = FontFactory(str(path)).create_font_engine(self.stamp.writer)
            self.engines[weight] = engine
        return self.engines[weight]

    def width(self, text: str, *, weight: str, size: int) -> float:
        engine = self.engine(weight)
        engine.font_size = size
        return float(engine.shape(_nfc(text)).x_advance) * size

    def line(self, text: str, x: float, y: float, *, weight: str, size: int) -> bytes:
        engine = self.engine(weight)
        engine.font_size = size
        shaped = engine.shape(_nfc(text))
        name = f"/MotCua{weight.capitalize()}"
        self.stamp.set_resource(ResourceType.FONT, pdf_name(name), engine.as_resource())
        return b"BT 0 g %s %d Tf %g %g Td %s ET" % (
            name.encode("ascii"),
            size,
            x,
            y,
            shaped.graphics_ops,
        )

    def wrap(self, text: str, width: float, *, weight: str, size: int) -> list[str]:
        lines: list[str] = []
        for paragraph in _nfc(text).split("\n"):
            current = ""
            for word in paragraph.split():
                candidate = f"{current} {word}".strip()
                if current and self.width(candidate, weight=weight, size=size) > width:
                    lines.append(current)
                    current = word
                else:
                    current = candidate
            lines.append(current)
        return lines


def _fit(image: Image.Image, width: float, height: float) -> tuple[float, float]:
    scale = min(width / image.width, height / image.height)
    return image.width * scale, image.height * scale


@dataclass(frozen=True)
class DecreeStampStyle(BaseStampStyle):
    """pyHanko stamp style drawing an Appearance (no border, images at full opacity)."""

    appearance: Appearance = Appearance(purpose="personal", signer_name="")
    signing_time: str = ""
    border_width: int = 0

    def create_stamp(self, writer: Any, box: layout.BoxConstraints, text_params: dict) -> BaseStamp:
        return DecreeStamp(writer=writer, style=self, box=box)


class DecreeStamp(BaseStamp):
    style: DecreeStampStyle

    def _image(self, data: bytes, x: float, y: float, width: float, height: float) -> bytes:
        image: Image.Image = Image.open(io.BytesIO(data))
        image.load()
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        drawn_w, drawn_h = _fit(image, width, height)
        pdf_image = PdfImage(image, writer=self.writer, box=layout.BoxConstraints(drawn_w, drawn_h))
        commands = pdf_image.render()
        self.import_resources(pdf_image.resources)
        left = x + (width - drawn_w) / 2
        bottom = y + (height - drawn_h) / 2
        return b"q 1 0 0 1 %g %g cm %s Q" % (left, bottom, commands)

    def _render_inner_content(self) -> list[bytes]:
        if self.style.appearance.purpose == "organisation":
            return self._organisation()
        return self._personal()

    def _personal(self) -> list[bytes]:
        look = self.style.appearance
        fonts = _Fonts(self)
        width, height = float(self.box.width), float(self.box.height)
        commands: list[bytes] = []
        top = height - NAME_SIZE - 2
        if look.title:
            title = look.title
            commands.append(
                fonts.line(
                    title,
                    (width - fonts.width(title, weight="bold", size=NAME_SIZE)) / 2,
                    top,
                    weight="bold",
                    size=NAME_SIZE,
                )
            )
        name_width = fonts.width(look.signer_name, weight="bold", size=NAME_SIZE)
        commands.append(
            fonts.line(look.signer_name, (width - name_width) / 2, 4, weight="bold", size=NAME_SIZE)
        )
        if look.image_png:
            gap_bottom, gap_top = 4 + NAME_SIZE + 4, top - 4
            commands.append(
                self._image(
                    look.image_png, width * 0.2, gap_bottom, width * 0.6, gap_top - gap_bottom
                )
            )
        return commands

    def _organisation(self) -> list[bytes]:
        look = self.style.appearance
        fonts = _Fonts(self)
        width, height = float(self.box.width), float(self.box.height)
        seal = min(height, width)
        text_width = width - seal - 4
        commands: list[bytes] = []
        if look.image_png:
            commands.append(self._image(look.image_png, width - seal, 0, seal, seal))
        lines = fonts.wrap(look.signer_name, text_width, weight="regular", size=TEXT_SIZE)
        if look.number_notation:
            lines.append(_("No.: %(number)s") % {"number": look.number_notation})
        lines.append(self.style.signing_time)
        leading = TEXT_SIZE * 1.25
        y = (height + leading * len(lines)) / 2 - TEXT_SIZE
        for text in lines:
            commands.append(fonts.line(text, 0, y, weight="regular", size=TEXT_SIZE))
            y -= leading
        return commands


class VerificationStamp(BaseStamp):
    """A QR code of the public verification link, with the link beside it (page 1)."""

    def __init__(self, writer: Any, url: str, *, size: float = 64.0) -> None:
        super().__init__(
            writer=writer,
            style=BaseStampStyle(border_width=0),
            box=layout.BoxConstraints(width=size * 4, height=size),
        )
        self.url = url
        self.size = size

    def _render_inner_content(self) -> list[bytes]:
        import segno

        buffer = io.BytesIO()
        segno.make(self.url, error="m", micro=False).save(buffer, kind="png", scale=4, border=2)
        fonts = _Fonts(self)
        commands = [self._qr(buffer.getvalue())]
        label = _("Verify this document at:")
        commands.append(
            fonts.line(label, self.size + 4, self.size / 2 + 2, weight="regular", size=7)
        )
        commands.append(
            fonts.line(self.url, self.size + 4, self.size / 2 - 8, weight="regular", size=7)
        )
        return commands

    def _qr(self, png: bytes) -> bytes:
        image = Image.open(io.BytesIO(png)).convert("L")
        pdf_image = PdfImage(
            image, writer=self.writer, box=layout.BoxConstraints(self.size, self.size)
        )
        commands = pdf_image.render()
        self.import_resources(pdf_image.resources)
        return b"q %s Q" % commands


def stamp_style(appearance: Appearance, *, moment: datetime | None = None) -> DecreeStampStyle:
    return DecreeStampStyle(appearance=appearance, signing_time=signing_time_text(moment))
