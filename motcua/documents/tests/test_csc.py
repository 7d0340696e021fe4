"""Remote signing over the CSC API v2: the local server against the standard, and CscBackend
signing real PDFs through it with the test PKI's "leader" key."""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from asn1crypto import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.documents.signing import aio
from motcua.documents.signing.appearance import Appearance
from motcua.documents.signing.backends import SigningFailed
from motcua.documents.signing.csc import CscBackend
from motcua.documents.signing.pades import sign_pdf
from motcua.documents.tests import samples
from motcua.documents.tests.csc_server import (
    RSA_ENCRYPTION,
    SHA256,
    SHA256_WITH_RSA,
    SHA512,
    CscFixture,
    build_server,
)

pytestmark = pytest.mark.usefixtures("english")  # they match the English messages

DIGEST = hashlib.sha256(b"to be signed").digest()
OTHER = hashlib.sha256(b"something else").digest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def csc(test_pki: Any) -> Iterator[CscFixture]:
    chain = [test_pki.cert_der("leader"), *test_pki.chain_der("leader")]
    fixture = build_server(test_pki.private_key("leader"), chain)
    with fixture.server:
        yield fixture


class Client:
    """A plain HTTP client for talking to the server as the standard describes."""

    def __init__(self, csc: CscFixture) -> None:
        self.csc = csc
        self.token = ""

    def post(self, endpoint: str, body: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return requests.post(
            self.csc.server.endpoint(endpoint),
            json=body or {},
            headers=headers,
            timeout=10,
            **kwargs,
        )

    def login(self) -> Client:
        answer = self.post("auth/login", auth=(self.csc.username, self.csc.password))
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["access_token"]
        return self

    def authorize(self, *digests: bytes, pin: str | None = None) -> str:
        answer = self.post(
            "credentials/authorize",
            {
                "credentialID": self.csc.credential_id,
                "numSignatures": len(digests),
                "hashes": [b64(d) for d in digests],
                "hashAlgorithmOID": SHA256,
                "authData": [{"id": "PIN", "value": pin or self.csc.pin}],
            },
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["SAD"])

    def sign_hash(self, sad: str, *digests: bytes, **extra: Any) -> Any:
        body = {
            "credentialID": self.csc.credential_id,
            "SAD": sad,
            "hashes": [b64(d) for d in digests],
            "hashAlgorithmOID": SHA256,
            "signAlgo": SHA256_WITH_RSA,
            **extra,
        }
        return self.post("signatures/signHash", {k: v for k, v in body.items() if v is not None})


def assert_error(answer: Any, status: int, error: str, description: str = "") -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["error"] == error
    assert description in body["error_description"]


def verifies(test_pki: Any, signature: bytes, digest: bytes) -> bool:
    public_key = test_pki.private_key("leader").public_key()
    try:
        public_key.verify(signature, digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
    except Exception:
        return False
    return True


# --- the server against the standard ------------------------------------------------------


def test_info_describes_a_v2_service(csc: CscFixture) -> None:
    body = Client(csc).post("info").json()
    assert body["specs"] == "2.0.0.2"
    assert {"auth/login", "credentials/authorize", "signatures/signHash"} <= set(body["methods"])
    assert requests.get(csc.server.endpoint("info"), timeout=10).json()["specs"] == "2.0.0.2"


def test_login_gives_a_token_for_basic_credentials_only(csc: CscFixture) -> None:
    client = Client(csc)
    assert client.login().token
    wrong = client.post("auth/login", auth=(csc.username, "wrong"))
    assert_error(wrong, 401, "authentication_error")
    assert_error(Client(csc).post("auth/login"), 401, "authentication_error")


def test_client_credentials_grant(csc: CscFixture) -> None:
    url = csc.server.endpoint("oauth2/token")
    good = {"grant_type": "client_credentials", "client_id": csc.client_id}
    answer = requests.post(url, data={**good, "client_secret": csc.client_secret}, timeout=10)
    assert answer.json()["token_type"] == "Bearer"
    client = Client(csc)
    client.token = answer.json()["access_token"]
    listed = client.post("credentials/list", {"userID": csc.username}).json()
    assert listed["credentialIDs"] == [csc.credential_id]
    bad = requests.post(url, data={**good, "client_secret": "nope"}, timeout=10)
    assert_error(bad, 400, "invalid_client")
    grant = requests.post(url, data={**good, "grant_type": "password"}, timeout=10)
    assert_error(grant, 400, "unsupported_grant_type")


@pytest.mark.parametrize(
    "endpoint", ["credentials/list", "credentials/info", "signatures/signHash"]
)
@pytest.mark.parametrize("token", ["", "not-a-token"])
def test_protected_endpoints_need_a_valid_bearer_token(
    csc: CscFixture, endpoint: str, token: str
) -> None:
    client = Client(csc)
    client.token = token
    answer = client.post(endpoint, {"credentialID": csc.credential_id})
    assert_error(answer, 401, "invalid_token")
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_credentials_list_and_info(csc: CscFixture, test_pki: Any) -> None:
    client = Client(csc).login()
    listed = client.post("credentials/list", {"credentialInfo": True}).json()
    assert listed["credentialIDs"] == [csc.credential_id]
    assert listed["credentialInfos"][0]["SCAL"] == "2"
    body = {"credentialID": csc.credential_id, "certificates": "chain", "certInfo": True}
    info = client.post("credentials/info", {**body, "authInfo": True}).json()
    certs = [base64.b64decode(c) for c in info["cert"]["certificates"]]
    assert certs == [test_pki.cert_der("leader"), test_pki.cert_der("interm"), test_pki.root_der]
    assert info["cert"]["subjectDN"] == x509.Certificate.load(certs[0]).subject.human_friendly
    assert info["cert"]["validTo"] == "20351231235959Z"
    assert {SHA256_WITH_RSA, RSA_ENCRYPTION} <= set(info["key"]["algo"])
    assert info["key"]["len"] == 2048
    assert info["SCAL"] == "2"
    assert info["auth"]["mode"] == "explicit"
    assert info["auth"]["objects"][0]["id"] == "PIN"
    single = client.post("credentials/info", {"credentialID": csc.credential_id}).json()
    assert len(single["cert"]["certificates"]) == 1
    assert "auth" not in single


def authorize_body(csc: CscFixture, **changes: Any) -> dict[str, Any]:
    body = {
        "credentialID": csc.credential_id,
        "numSignatures": 1,
        "hashes": [b64(DIGEST)],
        "hashAlgorithmOID": SHA256,
        "authData": [{"id": "PIN", "value": csc.pin}],
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


AUTHORIZE_ERRORS = [
    ({"authData": [{"id": "PIN", "value": "000000"}]}, "Invalid PIN"),
    ({"authData": None}, "Missing PIN"),
    ({"credentialID": "someone-else"}, "Invalid parameter credentialID"),
    ({"credentialID": None}, "parameter credentialID"),
    ({"numSignatures": 0}, "numSignatures"),
    ({"numSignatures": "1"}, "numSignatures"),
    ({"numSignatures": 2, "hashes": [b64(DIGEST), b64(OTHER)]}, "too high"),
    ({"hashes": None}, "hashes"),  # SCAL 2: a SAD is always bound to hashes
    ({"hashes": ["not base64!"]}, "Base64"),
    ({"hashes": [b64(DIGEST[:20])]}, "hashes"),
    ({"hashAlgorithmOID": None}, "hashAlgorithmOID"),
    ({"hashAlgorithmOID": SHA512}, "hashes"),  # a SHA-256 value is no SHA-512 hash
]


@pytest.mark.parametrize(("changes", "description"), AUTHORIZE_ERRORS)
def test_authorize_rejects_bad_requests(
    csc: CscFixture, changes: dict[str, Any], description: str
) -> None:
    answer = Client(csc).login().post("credentials/authorize", authorize_body(csc, **changes))
    assert_error(answer, 400, "invalid_request", description)


def test_authorize_accepts_the_v1_pin_field(csc: CscFixture) -> None:
    body = authorize_body(csc, authData=None, PIN=csc.pin)
    answer = Client(csc).login().post("credentials/authorize", body)
    assert answer.json()["expiresIn"] == 300
    assert answer.json()["SAD"]


@pytest.mark.parametrize(
    ("sign_algo", "hash_oid"),
    [(SHA256_WITH_RSA, SHA256), (SHA256_WITH_RSA, None), (RSA_ENCRYPTION, SHA256)],
)
def test_sign_hash_gives_pkcs1_signatures(
    csc: CscFixture,
    test_pki: Any,
    sign_algo: str,
    hash_oid: str | None,
) -> None:
    client = Client(csc).login()
    answer = client.sign_hash(
        client.authorize(DIGEST), DIGEST, signAlgo=sign_algo, hashAlgorithmOID=hash_oid
    )
    assert answer.status_code == 200, answer.text
    (signature,) = [base64.b64decode(s) for s in answer.json()["signatures"]]
    assert verifies(test_pki, signature, DIGEST)


def test_a_sad_signs_only_the_hashes_it_was_given_and_only_once(csc: CscFixture) -> None:
    client = Client(csc).login()
    sad = client.authorize(DIGEST)
    assert_error(client.sign_hash(sad, OTHER), 400, "invalid_request", "SAD does not authorise")
    assert client.sign_hash(sad, DIGEST).status_code == 200
    assert_error(client.sign_hash(sad, DIGEST), 400, "invalid_request", "Invalid parameter SAD")


def test_a_sad_covers_several_hashes_when_multisign_allows(test_pki: Any) -> None:
    chain = [test_pki.cert_der("leader")]
    fixture = build_server(test_pki.private_key("leader"), chain)
    fixture.server.credentials[fixture.credential_id].multisign = 2
    with fixture.server:
        client = Client(fixture).login()
        sad = client.authorize(DIGEST, OTHER)
        assert client.sign_hash(sad, OTHER).status_code == 200
        assert_error(client.sign_hash(sad, OTHER), 400, "invalid_request", "SAD")
        assert client.sign_hash(sad, DIGEST).status_code == 200


SIGN_HASH_ERRORS = [
    ({"SAD": None}, "parameter SAD"),
    ({"SAD": "forged"}, "Invalid parameter SAD"),
    ({"signAlgo": "1.2.840.10045.4.3.2"}, "signAlgo"),  # ECDSA: not this RSA key
    ({"signAlgo": RSA_ENCRYPTION, "hashAlgorithmOID": None}, "hashAlgorithmOID"),
    ({"hashAlgorithmOID": SHA512}, "does not match signAlgo"),
    ({"signAlgoParams": "MAA="}, "signAlgoParams"),
    ({"operationMode": "A"}, "operationMode"),
    ({"credentialID": "someone-else"}, "credentialID"),
]


@pytest.mark.parametrize(("changes", "description"), SIGN_HASH_ERRORS)
def test_sign_hash_rejects_bad_requests(
    csc: CscFixture, changes: dict[str, Any], description: str
) -> None:
    client = Client(csc).login()
    sad = client.authorize(DIGEST)
    body = {"SAD": sad, **changes}
    answer = client.sign_hash(body.pop("SAD"), DIGEST, **body)
    assert_error(answer, 400, "invalid_request", description)


def test_an_expired_sad_is_refused(test_pki: Any) -> None:
    now = [1000.0]
    fixture = build_server(
        test_pki.private_key("leader"), [test_pki.cert_der("leader")], clock=lambda: now[0]
    )
    with fixture.server:
        client = Client(fixture).login()
        sad = client.authorize(DIGEST)
        now[0] += 301
        assert_error(client.sign_hash(sad, DIGEST), 400, "invalid_request", "SAD expired")


# --- CscBackend through the server ---------------------------------------------------------


def backend(csc: CscFixture, **changes: Any) -> CscBackend:
    values = {
        "service_url": csc.server.url,
        "credential_id": csc.credential_id,
        "username": csc.username,
        "password": csc.password,
        "pin": csc.pin,
        **changes,
    }
    return CscBackend(**values)


def sign(pdf: bytes, backend: CscBackend) -> bytes:
    """Sign with pyHanko's PdfSigner (PAdES, SHA-256) through the backend's signer."""

    async def run() -> bytes:
        async with backend.open() as signer:
            meta = signers.PdfSignatureMetadata(
                field_name="Signature1", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
            )
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
            output = await signers.PdfSigner(meta, signer=signer).async_sign_pdf(writer)
            return bytes(output.getvalue())

    return aio.run(run())


def sign_pades(pdf: bytes, backend: CscBackend) -> bytes:
    """Sign as MotCua does: PAdES B-LT with a time stamp and a visible appearance."""
    appearance = Appearance(purpose="personal", signer_name="Nguyễn Văn An", title="Giám đốc")
    return sign_pdf(pdf, backend=backend, appearance=appearance, field_name="Signature1")


def test_backend_signs_a_pdf_that_validates_against_the_root(
    csc: CscFixture, trust_store: Any
) -> None:
    test_pki = trust_store
    signed = sign_pades(samples.pdf(), backend(csc))
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    context = ValidationContext(
        trust_roots=[x509.Certificate.load(test_pki.root_der)], allow_fetching=True
    )
    status = validate_pdf_signature(embedded, context)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert embedded.signer_cert.dump() == test_pki.cert_der("leader")
    endpoints = [r.endpoint for r in csc.server.requests]
    assert endpoints == [
        "auth/login",
        "credentials/info",
        "credentials/authorize",
        "signatures/signHash",
    ]
    assert csc.server.requests[0].auth_scheme == "Basic"
    assert {r.auth_scheme for r in csc.server.requests[1:]} == {"Bearer"}


def test_backend_sends_v2_bodies(csc: CscFixture) -> None:
    sign(samples.pdf(), backend(csc))
    by_endpoint = {r.endpoint: r.body for r in csc.server.requests}
    info = by_endpoint["credentials/info"]
    assert info["certificates"] == "chain" and info["authInfo"] is True
    authorize = by_endpoint["credentials/authorize"]
    assert authorize["numSignatures"] == 1
    assert authorize["hashAlgorithmOID"] == SHA256
    assert authorize["authData"] == [{"id": "PIN", "value": csc.pin}]
    assert len(base64.b64decode(authorize["hashes"][0])) == 32
    sign_hash = by_endpoint["signatures/signHash"]
    assert sign_hash["hashes"] == authorize["hashes"]
    assert sign_hash["hashAlgorithmOID"] == SHA256
    assert sign_hash["signAlgo"] == SHA256_WITH_RSA
    for body in (authorize, sign_hash):
        assert "hash" not in body and "hashAlgo" not in body  # the v1 names


def test_backend_uses_plain_rsa_when_the_service_offers_only_that(
    csc: CscFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motcua.documents.tests import csc_server

    monkeypatch.setattr(csc_server, "SIGN_ALGOS", {RSA_ENCRYPTION: None})
    signed = sign(samples.pdf(), backend(csc))
    assert len(PdfFileReader(io.BytesIO(signed)).embedded_signatures) == 1
    sign_hash = next(r.body for r in csc.server.requests if r.endpoint == "signatures/signHash")
    assert sign_hash["signAlgo"] == RSA_ENCRYPTION
    assert sign_hash["hashAlgorithmOID"] == SHA256


def test_wrong_pin_fails_clearly(csc: CscFixture, trust_store: Any) -> None:
    with pytest.raises(SigningFailed) as caught:
        sign_pades(samples.pdf(), backend(csc, pin="000000"))
    assert caught.value.code == "signing_failed"
    assert caught.value.message == "The PIN is wrong."
    assert csc.server.requests[-1].endpoint == "credentials/authorize"


def test_missing_pin_is_asked_for_before_authorizing(csc: CscFixture) -> None:
    with pytest.raises(SigningFailed, match="Type the PIN"):
        sign(samples.pdf(), backend(csc, pin=None))
    assert "credentials/authorize" not in [r.endpoint for r in csc.server.requests]


def test_wrong_password_fails_clearly(csc: CscFixture, trust_store: Any) -> None:
    with pytest.raises(SigningFailed, match="refused the account"):
        sign_pades(samples.pdf(), backend(csc, password="wrong"))
    assert [r.endpoint for r in csc.server.requests] == ["auth/login"]


def test_unknown_credential_fails_clearly(csc: CscFixture) -> None:
    with pytest.raises(SigningFailed, match="does not know this signing key"):
        sign(samples.pdf(), backend(csc, credential_id="missing"))


def test_server_down_fails_clearly(trust_store: Any) -> None:
    fixture = build_server(trust_store.private_key("leader"), [trust_store.cert_der("leader")])
    with fixture.server:
        url = fixture.server.url
    with pytest.raises(SigningFailed, match="cannot be reached"):
        sign_pades(samples.pdf(), backend(fixture, service_url=url))


def test_a_service_that_is_not_csc_fails_clearly(csc: CscFixture, test_pki: Any) -> None:
    # The test PKI's web server answers 404 pages, not CSC JSON.
    with pytest.raises(SigningFailed, match="cannot read"):
        sign(samples.pdf(), backend(csc, service_url=test_pki.url_prefix))


def test_from_credential_decrypts_the_secret(csc: CscFixture) -> None:
    from motcua.documents.signing.secrets import encrypt

    credential = SimpleNamespace(
        csc_service_url=csc.server.url,
        csc_credential_id=csc.credential_id,
        csc_username=csc.username,
        csc_secret_encrypted=encrypt(csc.password.encode()),
    )
    made = CscBackend.from_credential(credential, pin=csc.pin)  # type: ignore[arg-type]
    assert (made.username, made.password, made.pin) == (csc.username, csc.password, csc.pin)
    assert len(PdfFileReader(io.BytesIO(sign(samples.pdf(), made))).embedded_signatures) == 1
    incomplete = SimpleNamespace(**{**vars(credential), "csc_credential_id": ""})
    with pytest.raises(SigningFailed, match="not set up completely"):
        CscBackend.from_credential(incomplete, pin=csc.pin)  # type: ignore[arg-type]
    garbled = SimpleNamespace(**{**vars(credential), "csc_secret_encrypted": b"garbled"})
    with pytest.raises(SigningFailed, match="cannot be read"):
        CscBackend.from_credential(garbled, pin=csc.pin)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("handler", "answer"),
    [
        ("credentials_info", {"key": {"algo": [SHA256_WITH_RSA]}}),  # no certificates
        ("credentials_info", {"cert": {"certificates": ["bm90IGEgY2VydA=="]}, "key": {"algo": []}}),
        ("credentials_authorize", {"expiresIn": 300}),  # no SAD
        ("sign_hash", {"signatures": []}),
        ("sign_hash", {"signatures": ["***"]}),
    ],
)
def test_answers_that_break_the_standard_fail_clearly(
    test_pki: Any, handler: str, answer: dict[str, Any]
) -> None:
    from aiohttp import web

    fixture = build_server(test_pki.private_key("leader"), [test_pki.cert_der("leader")])
    server = fixture.server

    async def spoiled(request: web.Request) -> web.Response:
        server._token_user(request)
        await server._body(request)
        return web.json_response(answer)

    setattr(server, handler, spoiled)
    with server, pytest.raises(SigningFailed, match="cannot read"):
        sign(samples.pdf(), backend(fixture))
