"""The public address follows the port the site is served on (issue 14, item 10: with
`make run PORT=8123` every e-mail link and the receipt's QR code still pointed to :8000)."""

import os
import runpy
import subprocess
from pathlib import Path

import pytest
from django.core import mail

from motcua.dossiers import slips

from .conftest import receive

ROOT = Path(__file__).resolve().parents[3]


def public_url(monkeypatch, **environment: str) -> str:
    """settings.MOTCUA_PUBLIC_URL as config/settings.py computes it in that environment."""
    for name in ("PORT", "MOTCUA_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", os.environ.get("SECRET_KEY") or "test-only-secret-key")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))["MOTCUA_PUBLIC_URL"]


def test_the_default_public_url_is_on_the_served_port(monkeypatch):
    assert public_url(monkeypatch) == "http://127.0.0.1:8000"
    assert public_url(monkeypatch, PORT="8123") == "http://127.0.0.1:8123"
    # As .env.example lists it: empty means unset.
    assert public_url(monkeypatch, PORT="8123", MOTCUA_PUBLIC_URL="") == "http://127.0.0.1:8123"
    # An installation's own address wins over the port it listens on behind a proxy.
    assert (
        public_url(monkeypatch, PORT="8123", MOTCUA_PUBLIC_URL="https://dvc.example.vn/")
        == "https://dvc.example.vn"
    )


def test_make_run_hands_its_port_to_the_server_and_the_worker():
    dry_run = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    served = next(line for line in dry_run.splitlines() if "manage.py worker" in line)
    assert "export PORT=8123" in served.split("manage.py worker")[0]
    assert "runserver 127.0.0.1:8123" in dry_run


@pytest.mark.django_db
def test_a_notice_link_and_the_receipt_qr_use_the_port(
    monkeypatch, settings, province, django_capture_on_commit_callbacks
):
    settings.MOTCUA_PUBLIC_URL = public_url(monkeypatch, PORT="8123")
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(province, user=None, email="an.nguyen@example.vn")
    lookup = f"http://127.0.0.1:8123/tra-cuu/?ma={dossier.code}"
    assert slips.slip_receipt(dossier)["lookup_url"] == lookup
    links = [m.body for m in mail.outbox if "http://127.0.0.1:" in m.body]
    assert links and all("http://127.0.0.1:8123/" in body for body in links)
    assert not any(":8000" in m.body for m in mail.outbox)
