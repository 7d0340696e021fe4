"""Fixtures of the documents tests."""

import pytest
from django.utils import translation


@pytest.fixture
def english(settings):
    """The signing layer's messages in English (its msgids), for tests that match on them; the
    pages' Vietnamese is tested where the pages are."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
