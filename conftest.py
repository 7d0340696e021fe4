"""Test settings shared by every app: DEBUG off-by-default values made safe for tests."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
