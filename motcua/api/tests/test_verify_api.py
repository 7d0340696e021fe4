"""POST /api/v1/verify: the signatures of an uploaded PDF and, for a result MotCua issued, its
dossier; bad input answers 400 problem+json, never 500."""

import hashlib

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.documents.tests.signed_samples import sample  # noqa: F401 - fixture
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.models import DossierFile
from motcua.dossiers.tests.conftest import build_province, receive

pytestmark = pytest.mark.django_db

URL = "/api/v1/verify"
SIGNATURE_KEYS = {
    "signer",
    "organisation",
    "signed_at",
    "intact",
    "trusted",
    "revocation_checked",
    "timestamped",
}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def post(data: bytes | None, name: str = "file.pdf", **extra):
    files = {} if data is None else {"file": SimpleUploadedFile(name, data, "application/pdf")}
    return APIClient().post(URL, files, format="multipart", **extra)


def issue(data: bytes) -> DossierFile:
    """Record `data` as the result document of a dossier, as MotCua keeps an issued result."""
    dossier = receive(build_province())
    return DossierFile.objects.create(
        dossier=dossier,
        purpose=FilePurpose.RESULT,
        file=ContentFile(data, name="ket-qua.pdf"),
        original_name="ket-qua.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_at=timezone.now(),
        verify_token="tok-" + hashlib.sha256(data).hexdigest()[:20],
    )


# kind -> valid, number of signatures,
#   (intact, trusted, revocation_checked, timestamped) of the first (None: not asserted)
CASES = {
    "genuine": (True, 2, (True, True, True, True)),
    "tampered": (False, 2, (False, True, None, True)),
    "outsider": (False, 1, (True, False, None, False)),
    "revoked": (False, 1, (True, False, True, False)),
    "expired": (False, 1, (True, False, None, False)),
    "unsigned": (False, 0, None),
    "damaged": (False, 0, None),
    "not_pdf": (False, 0, None),
}


@pytest.mark.parametrize("kind", CASES)
def test_verify(kind, sample):  # noqa: F811
    valid, count, checks = CASES[kind]
    response = post(sample(kind))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["valid"] is valid
    assert bool(body["problem"]) is not valid
    assert body["dossier"] is None
    assert len(body["signatures"]) == count
    if checks is None:
        return
    first = body["signatures"][0]
    assert set(first) == SIGNATURE_KEYS
    got = (first["intact"], first["trusted"], first["revocation_checked"], first["timestamped"])
    assert tuple(g if e is not None else None for g, e in zip(got, checks, strict=True)) == checks


def test_an_issued_result_names_its_dossier(sample):  # noqa: F811
    data = sample("genuine")
    row = issue(data)
    body = post(data).json()
    assert body["valid"] is True
    assert body["sha256"] == row.sha256
    assert body["dossier"] == {
        "code": row.dossier.code,
        "procedure": row.dossier.procedure.name,
        "agency": (row.dossier.current_agency or row.dossier.receiving_agency).name,
    }
    leader, org = body["signatures"]
    assert leader["signer"] == "Nguyễn Văn An"
    assert org["organisation"] == "Sở Tư pháp tỉnh Thái Nguyên"
    assert leader["signed_at"].endswith("+07:00")


@pytest.mark.parametrize(
    ("files", "field"),
    [
        ({}, "file"),
        ({"file": SimpleUploadedFile("empty.pdf", b"", "application/pdf")}, "file"),
        ({"other": SimpleUploadedFile("a.pdf", b"%PDF-1.7", "application/pdf")}, "file"),
    ],
    ids=["no file", "empty file", "wrong field"],
)
def test_bad_input_is_400(files, field):
    response = APIClient().post(URL, files, format="multipart")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_a_file_over_the_upload_limit_is_400(settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1000
    response = post(b"%PDF-1.7\n" + b"0" * 2000)
    assert response.status_code == 400
    assert response.json()["errors"]["file"]


def test_json_instead_of_multipart_is_415():
    response = APIClient().post(URL, {"file": "x"}, format="json")
    assert response.status_code == 415


def test_verifications_are_limited_per_client(settings):
    settings.MOTCUA_VERIFY_RATE = (2, 600)
    assert [post(b"not a pdf").status_code for _ in range(3)] == [200, 200, 429]
    response = post(b"not a pdf")
    assert int(response["Retry-After"]) > 0


def test_documented_in_the_schema():
    schema = APIClient().get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/verify"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {"200", "400", "429"} <= set(operation["responses"])
