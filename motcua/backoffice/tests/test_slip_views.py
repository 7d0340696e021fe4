"""Slip downloads: the PDF for whoever may see the dossier, 404 for everyone else and for a slip
the dossier does not have, the login page for anonymous visitors."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.documents.tests.pdf_tools import pdf_text
from motcua.dossiers.tests.conftest import build_province, publish_process, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    province = build_province()
    publish_process(province)
    return province


@pytest.fixture
def dossier(province):
    return receive(province)  # accepted at the commune's counter, applicant: "citizen"


def url(dossier, kind: str, key: str | None = None) -> str:
    return reverse("backoffice:slip", args=[key or dossier.code, kind])


def test_the_receiving_official_downloads_the_receipt(client, province, dossier):
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    response = client.get(url(dossier, "receipt"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f'attachment; filename="mau-01-{dossier.code}.pdf"')
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert dossier.code in text


def test_every_slip_of_the_dossier_and_by_its_reference(client, province, dossier):
    client.force_login(province.users[Role.LEADER])
    control = client.get(url(dossier, "control"))
    assert control.status_code == 200
    assert control["Content-Disposition"].endswith(f'filename="mau-06-{dossier.code}.pdf"')
    assert client.get(url(dossier, "receipt", key=str(dossier.uid))).status_code == 200


def test_the_applicant_gets_their_own_receipt(client, province, dossier):
    client.force_login(province.users["citizen"])
    assert client.get(url(dossier, "receipt")).status_code == 200


def test_the_slip_stays_vietnamese_on_english_pages(client, province, dossier):
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    with translation.override("en"):
        address = url(dossier, "receipt")
    assert address.startswith("/en/")
    response = client.get(address)
    assert response.status_code == 200
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in pdf_text(response.content)


@pytest.mark.parametrize("who", ["outsider", "tax_specialist", "stranger"])
def test_people_who_may_not_see_the_dossier_get_404(client, province, dossier, who):
    if who == "stranger":  # a citizen who is not the applicant
        user = get_user_model().objects.create_user(username="stranger", password="x")
    else:
        user = province.users[who]
    client.force_login(user)
    for kind in ["receipt", "control"]:
        assert client.get(url(dossier, kind)).status_code == 404


@pytest.mark.parametrize("kind", ["refusal", "supplement", "apology", "receipt.pdf"])
def test_a_slip_the_dossier_does_not_have_is_404(client, province, dossier, kind):
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    assert client.get(url(dossier, kind)).status_code == 404


def test_an_unknown_dossier_is_404(client, province):
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    response = client.get(reverse("backoffice:slip", args=["000.00.01.H49-260302-9999", "receipt"]))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, dossier):
    address = url(dossier, "receipt")
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:login"))
    assert "next=" in response["Location"]


def test_only_get(client, province, dossier):
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    assert client.post(url(dossier, "receipt")).status_code == 405


def test_weasyprint_loads_with_the_first_pdf_not_with_the_urls():
    """Importing WeasyPrint takes about a second; start-up (the URLs) must not pay for it."""
    probe = (
        "import sys, django; django.setup(); from django.urls import reverse; "
        "reverse('backoffice:slip', args=['x', 'receipt']); "
        "print('weasyprint' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        timeout=120,
    )
    assert done.stdout.decode().strip() == "False"
