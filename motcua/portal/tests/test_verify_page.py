"""The public verification page (/xac-thuc/): upload a PDF, read the verdict and each signature;
/xac-thuc/<token>/ (the QR code of an e-result) verifies the stored result."""

import hashlib
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.documents.tests.signed_samples import sample  # noqa: F401 - fixture
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.models import DossierFile
from motcua.dossiers.tests.conftest import build_province

from . import dossier_scenes as scenes

pytestmark = pytest.mark.django_db

URL = "/xac-thuc/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def upload(client: Client, data: bytes, name: str = "van-ban.pdf"):
    return client.post(URL, {"tep": SimpleUploadedFile(name, data, "application/pdf")})


def issue(data: bytes, token: str = "qr-token-0123456789") -> DossierFile:  # noqa: S107
    """Record `data` as the result document of a dossier, as MotCua keeps an issued result."""
    dossier = scenes.accepted(build_province())
    return DossierFile.objects.create(
        dossier=dossier,
        purpose=FilePurpose.RESULT,
        file=ContentFile(data, name="ket-qua.pdf"),
        original_name="ket-qua.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_at=timezone.now(),
        verify_token=token,
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_form_needs_no_account(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


# kind -> the verdict shown, the reason shown (msgid) or None, signatures listed
CASES = {
    "genuine": (True, None, 2),
    "tampered": (False, "The document was changed after it was signed.", 2),
    "outsider": (
        False,
        "The signer's certificate was not issued by a trusted certification authority.",
        1,
    ),
    "revoked": (False, "The signer's certificate has been revoked.", 1),
    "expired": (False, "The signer's certificate had expired when the document was signed.", 1),
    "unsigned": (False, "The document has no digital signature.", 0),
    "damaged": (False, "The PDF file is damaged and cannot be read.", 0),
    "not_pdf": (False, "This file is not a PDF document.", 0),
}


@pytest.mark.parametrize("kind", CASES)
def test_verdict(client, kind, sample):  # noqa: F811
    valid, reason, count = CASES[kind]
    response = upload(client, sample(kind))
    assert response.status_code == 200
    page = text(response)
    verdict = _("Valid") if valid else _("Not valid")
    assert f'<h2 class="usa-alert__heading">{verdict}</h2>' in page
    assert ("usa-alert--success" in page) is valid
    if reason:
        assert reason.replace("'", "&#x27;") in page or _(reason).replace("'", "&#x27;") in page
    assert page.count('aria-labelledby="signature-') == count
    assert hashlib.sha256(sample(kind)).hexdigest() in page


def test_each_signature_shows_signer_time_and_checks(client, sample):  # noqa: F811
    response = upload(client, sample("genuine"))
    page = text(response)
    assert "Nguyễn Văn An" in page and "Sở Tư pháp tỉnh Thái Nguyên" in page
    assert re.search(r"<dd>\d{2}/\d{2}/\d{4} \d{2}:\d{2}</dd>", page)
    for check in (
        "Not changed since signing",
        "Certificate from a trusted authority",
        "Revocation status checked",
        "Trusted time stamp",
    ):
        assert page.count(_(check)) == 2


def test_an_issued_result_shows_its_dossier(client, sample):  # noqa: F811
    data = sample("genuine")
    row = issue(data)
    page = text(upload(client, data))
    assert row.dossier.code in page and row.dossier.procedure.name in page


def test_the_qr_link_verifies_the_stored_result(client, sample):  # noqa: F811
    row = issue(sample("genuine"), token="abcDEF_123-xyz")
    response = client.get(f"{URL}abcDEF_123-xyz/")
    assert response.status_code == 200
    page = text(response)
    assert f'<h2 class="usa-alert__heading">{_("Valid")}</h2>' in page
    assert row.dossier.code in page and row.dossier.procedure.name in page


@pytest.mark.parametrize("token", ["unknown-token", "x" * 300])
def test_an_unknown_qr_link_is_404(client, token):
    response = client.get(f"{URL}{token}/")
    assert response.status_code == 404
    assert _("No e-result matches this link. Check that the address is complete.") in (
        response.content.decode()
    )


def test_no_file_is_400(client):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "usa-error-message" in response.content.decode()


def test_an_empty_file_is_400(client):
    assert upload(client, b"").status_code == 400


def test_a_file_over_the_upload_limit_is_400(client, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1000
    response = upload(client, b"%PDF-1.7\n" + b"0" * 2000)
    assert response.status_code == 400
    assert "usa-error-message" in response.content.decode()


def test_uploads_need_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = upload(client, b"%PDF-1.7")
    assert response.status_code == 403


def test_verifications_are_limited_per_client(client, settings):
    settings.MOTCUA_VERIFY_RATE = (2, 600)
    codes = [upload(client, b"plain text").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert int(upload(client, b"plain text")["Retry-After"]) > 0
    assert client.get(f"{URL}any-token/").status_code == 429
