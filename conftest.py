"""Fixtures shared by every app's tests."""

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples on every run, so a landing never hinges on a lucky draw;
# local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

DEMO_DATA = Path(__file__).resolve().parent / "motcua" / "demo" / "data"


@pytest.fixture
def demo_catalogue(db):
    """The real demo catalogue (65 procedures of Quảng Ninh's published list)."""
    from motcua.catalogue.services import catalogue_import

    document = json.loads((DEMO_DATA / "catalogue.json").read_text(encoding="utf-8"))
    catalogue_import(document=document, actor=None)
    return document


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's logged-in superuser client, with the user at hand as `client.user`."""
    client.force_login(admin_user)
    client.user = admin_user
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher's 1M PBKDF2 rounds would dominate."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
