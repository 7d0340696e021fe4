"""The demo's tests keep the files the demo makes (signed e-results) in a folder of their own."""

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
