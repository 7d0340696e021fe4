"""The built stylesheet refers only to files the build vendored (issue 14, item 6: the checkbox
tick was a 404, so a ticked box showed as a plain coloured block)."""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "css" / "motcua.css"
URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)""")


def referenced_files(css: str) -> set[str]:
    """The relative file references of a stylesheet (not data: URIs or empty feature tests)."""
    return {
        target.split("?", 1)[0].split("#", 1)[0]
        for _, target in URL.findall(css)
        if target and not target.startswith(("data:", "http:", "https:", "/", "#"))
    }


def test_referenced_files_finds_quoted_and_bare_urls():
    css = 'a{b:url("../img/x.svg")}c{d:url(../fonts/y.woff2)}@supports(mask: url("")){}'
    css += "e{f:url('data:image/svg+xml,<svg/>')}"
    assert referenced_files(css) == {"../img/x.svg", "../fonts/y.woff2"}


def test_every_url_in_the_built_stylesheet_exists():
    if not CSS.exists():
        pytest.fail("front-end assets are not built: run `make assets`")
    targets = referenced_files(CSS.read_text(encoding="utf-8"))
    assert "../img/correct8.svg" in targets  # the tick of a checked checkbox
    missing = sorted(t for t in targets if not (CSS.parent / t).resolve().is_file())
    assert missing == []
