"""The bundled e-forms' sources read as plain Vietnamese for the administrators who see them
(issue 14, item 5: one said "[memory]", a note-taker's marker); the research behind them is in
docs/eforms.md."""

import json
import re

import pytest

from .conftest import DATA

MARKERS = re.compile(r"\[(memory|code|web|S\d+)[^\]]*\]|domain-vn|§", re.IGNORECASE)


@pytest.mark.parametrize("path", sorted(DATA.glob("*.json")), ids=lambda p: p.name)
def test_a_bundled_form_source_has_no_research_markers(path):
    source = json.loads(path.read_text(encoding="utf-8"))["source"]
    assert source.strip()
    assert MARKERS.findall(source) == []
