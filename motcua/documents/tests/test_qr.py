"""QR codes: a well-formed SVG element, level M, with nothing of the text in the markup."""

import xml.etree.ElementTree as ET

import segno

from motcua.documents.qr import qr_svg

SVG = "{http://www.w3.org/2000/svg}"
LINK = "http://127.0.0.1:8000/tra-cuu/?ma=000.00.01.H49-260302-0001"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own markup, in a test)


def test_qr_svg_is_an_svg_element_sized_by_its_view_box():
    svg = qr_svg(LINK)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert "width" not in root.attrib and "height" not in root.attrib
    # version 4 at level M: 33 modules and a quiet zone of 4 on each side
    assert root.attrib["viewBox"] == "0 0 41 41"
    assert [child.tag for child in root] == [f"{SVG}path"]
    assert not svg.startswith("<?xml")


def test_qr_svg_uses_error_correction_m():
    code = segno.make(LINK, error="m", boost_error=False)
    assert code.error == "M"
    assert qr_svg(LINK).count("<path") == 1
    low = segno.make("x" * 100, error="l", boost_error=False)
    medium = segno.make("x" * 100, error="m", boost_error=False)
    assert low.version < medium.version  # M needs a larger symbol than L for the same data
    size = medium.symbol_size(border=4)[0]
    assert parse(qr_svg("x" * 100)).attrib["viewBox"] == f"0 0 {size} {size}"


def test_the_text_never_reaches_the_markup():
    hostile = '"><script>alert(1)</script><text>Nguyễn</text>'
    svg = qr_svg(hostile)
    assert "script" not in svg and "Nguyễn" not in svg and "text" not in svg
    parse(svg)  # still well-formed


def test_different_texts_give_different_codes():
    assert qr_svg(LINK) != qr_svg(LINK.replace("0001", "0002"))
    assert qr_svg(LINK) == qr_svg(LINK)
