"""Fixtures shared by every app's tests."""

import json
from pathlib import Path

import pytest

DEMO_DATA = Path(__file__).resolve().parent / "motcua" / "demo" / "data"


@pytest.fixture
def demo_catalogue(db):
    """The real demo catalogue (65 procedures of Quảng Ninh's published list)."""
    from motcua.catalogue.services import catalogue_import

    document = json.loads((DEMO_DATA / "catalogue.json").read_text(encoding="utf-8"))
    catalogue_import(document=document, actor=None)
    return document
