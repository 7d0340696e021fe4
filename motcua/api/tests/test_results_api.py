"""Result documents in the API: sign, seal, interrupted signing (prepare, complete), the
download, and `results` in the dossier detail; bad input, the wrong user and strangers."""

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from motcua.accounts.constants import Role
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import ResultSignature
from motcua.dossiers.tests.results_scenes import (
    PIN,
    add_result,
    organisation_credential,
    personal_credential,
    processed,
    stored_bytes,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def pki(trust_store, province):
    personal_credential(trust_store, province.users[Role.LEADER])
    organisation_credential(trust_store, province.commune)
    return trust_store


@pytest.fixture
def scene(province, pki):
    dossier = processed(province)
    return dossier, add_result(province, dossier, name="Quyết định.pdf")


def url(dossier, row, step: str) -> str:
    return f"{URL}/{dossier.key}/results/{row.pk}/{step}"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_sign_seal_and_the_detail_lists_the_signed_result(api, province, scene):
    dossier, row = scene
    detail = api(Role.LEADER).get(f"{URL}/{dossier.key}").json()
    assert detail["results"] == [
        {
            "id": row.pk,
            "name": "Quyết định.pdf",
            "signed": False,
            "download_url": f"http://testserver{URL}/{dossier.key}/results/{row.pk}/file",
            "sha256": row.sha256,
        }
    ]
    answer = api(Role.LEADER).post(url(dossier, row, "sign"), {"pin": PIN}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["signed"] is False  # no seal yet
    answer = api(Role.CLERK).post(
        url(dossier, row, "seal"), {"number_notation": "21/QĐ-UBND"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    item = answer.json()
    assert item["signed"] is True and item["sha256"] == stored_bytes_sha(row)
    detail = api(Role.CLERK).get(f"{URL}/{dossier.key}").json()
    assert detail["result_number"] == "21/QĐ-UBND"
    assert detail["results"][0]["signed"] is True

    download = api(Role.LEADER).get(item["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == item["sha256"]


def stored_bytes_sha(row) -> str:
    return hashlib.sha256(stored_bytes(row)).hexdigest()


def test_the_applicant_sees_results_once_returned(api, province, scene):
    dossier, row = scene
    own = api("citizen").get(f"{URL}/{dossier.key}")
    assert own.status_code == 200 and own.json()["results"] == []
    file_url = url(dossier, row, "file")
    assert api("citizen").get(file_url).status_code == 404
    dossier.status = DossierStatus.RESULT_RETURNED
    dossier.save()
    assert [r["id"] for r in api("citizen").get(f"{URL}/{dossier.key}").json()["results"]] == [
        row.pk
    ]
    assert api("citizen").get(file_url).status_code == 200
    assert api("citizen_b").get(file_url).status_code == 404


@pytest.mark.parametrize(
    ("who", "step", "payload", "status", "code"),
    [
        (Role.CLERK, "sign", {"pin": PIN}, 403, "act_not_permitted"),
        (Role.SPECIALIST, "seal", {"number_notation": "1/QĐ-UBND"}, 403, "act_not_permitted"),
        (Role.LEADER, "sign", {}, 400, None),
        (Role.LEADER, "sign", {"pin": ""}, 400, None),
        (Role.LEADER, "sign", {"pin": "0000"}, 409, "signing_failed"),
        (Role.CLERK, "seal", {"number_notation": "QĐ"}, 400, "validation_failed"),
        (Role.CLERK, "seal", {"number_notation": "1/QĐ-UBND"}, 400, "validation_failed"),
        (Role.LEADER, "prepare", {"purpose": "x", "certificate": "AA=="}, 400, None),
        (Role.LEADER, "prepare", {"purpose": "personal", "certificate": "@@"}, 400, None),
        (Role.LEADER, "prepare", {"purpose": "personal", "certificate": "AAAA"}, 400, None),
        (Role.LEADER, "complete", {"pending_id": 99, "signature": "AAAA"}, 400, None),
        (Role.LEADER, "complete", {"pending_id": "x", "signature": "AAAA"}, 400, None),
    ],
)
def test_bad_input_and_the_wrong_user(api, province, scene, who, step, payload, status, code):
    dossier, row = scene
    answer = api(who).post(url(dossier, row, step), payload, format="json")
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"] == PROBLEM
    if code:
        assert answer.json()["code"] == code
    assert not ResultSignature.objects.exists()


def test_strangers_and_unknown_files_get_404(api, province, scene):
    dossier, row = scene
    for who in ("outsider", "citizen_b"):
        answer = api(who).post(url(dossier, row, "sign"), {"pin": PIN}, format="json")
        assert answer.status_code == 404
    other = processed(province)
    answer = api(Role.LEADER).post(url(other, row, "sign"), {"pin": PIN}, format="json")
    assert answer.status_code == 404
    for junk in ("abc", "١", "9" * 30):
        answer = api(Role.LEADER).post(
            f"{URL}/{dossier.key}/results/{junk}/sign", {"pin": PIN}, format="json"
        )
        assert (answer.status_code, answer["Content-Type"]) == (404, PROBLEM)
    assert api(None).post(url(dossier, row, "sign"), {"pin": PIN}, format="json").status_code == 401


def test_interrupted_signing_through_the_api(api, province, scene, pki):
    dossier, row = scene
    answer = api(Role.LEADER).post(
        url(dossier, row, "prepare"),
        {"purpose": "personal", "certificate": b64(pki.cert_der("leader"))},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    prepared = answer.json()
    to_be_signed = base64.b64decode(prepared["to_be_signed"])
    assert base64.b64decode(prepared["digest"]) == hashlib.sha256(to_be_signed).digest()
    value = pki.private_key("leader").sign(to_be_signed, padding.PKCS1v15(), hashes.SHA256())

    # someone else cannot complete it
    answer = api(Role.CLERK).post(
        url(dossier, row, "complete"),
        {"pending_id": prepared["pending_id"], "signature": b64(value)},
        format="json",
    )
    assert answer.status_code in (400, 403)

    answer = api(Role.LEADER).post(
        url(dossier, row, "complete"),
        {"pending_id": prepared["pending_id"], "signature": b64(value)},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert ResultSignature.objects.get().way == "external"
