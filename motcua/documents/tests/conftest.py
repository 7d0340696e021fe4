"""Fixtures of the documents tests."""

import pytest
from django.utils import translation


@pytest.fixture
def english():
    """The signing layer's messages in English (its msgids), for tests that match on them; the
    pages' Vietnamese is tested where the pages are."""
    with translation.override("en"):
        yield
