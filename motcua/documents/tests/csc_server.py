"""A local remote-signing service speaking the Cloud Signature Consortium API v2 (test infra).

Written from the CSC API v2.0.0.2 standard (motcua.documents.signing.csc says what is published
and what is assumed); real HTTP on 127.0.0.1 from a thread. POST /csc/v2/: info (also GET),
auth/login (HTTP Basic), oauth2/token (client_credentials), credentials/list|info,
credentials/authorize (PIN in ``authData`` or the v1 ``PIN`` field; the SAD is bound to the
hashes, SCAL 2, and spent by use) and signatures/signHash (RSA PKCS#1 v1.5: sha256/384/512
WithRSAEncryption, or rsaEncryption with ``hashAlgorithmOID``). Errors are
``{"error", "error_description"}``: 400 ``invalid_request`` (bad input, wrong PIN, a SAD that does
not cover the hashes), 401 ``invalid_token`` (bearer token), 401 ``authentication_error`` (login),
400 ``invalid_client`` (OAuth client). Every request is recorded in ``requests``.
Keys live in memory; never use real keys with it.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from asn1crypto import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from motcua.documents.tests.aiohttp_thread import ThreadedApp

SPECS = "2.0.0.2"
PREFIX = "/csc/v2"
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
SHA256_WITH_RSA = "1.2.840.113549.1.1.11"
SHA384_WITH_RSA = "1.2.840.113549.1.1.12"
SHA512_WITH_RSA = "1.2.840.113549.1.1.13"
SHA256 = "2.16.840.1.101.3.4.2.1"
SHA384 = "2.16.840.1.101.3.4.2.2"
SHA512 = "2.16.840.1.101.3.4.2.3"

HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    SHA256: hashes.SHA256,
    SHA384: hashes.SHA384,
    SHA512: hashes.SHA512,
}
# signAlgo -> the hash it implies (None: the request must name it in hashAlgorithmOID).
SIGN_ALGOS: dict[str, str | None] = {
    SHA256_WITH_RSA: SHA256,
    SHA384_WITH_RSA: SHA384,
    SHA512_WITH_RSA: SHA512,
    RSA_ENCRYPTION: None,
}
METHODS = [
    "auth/login",
    "oauth2/token",
    "credentials/list",
    "credentials/info",
    "credentials/authorize",
    "signatures/signHash",
]

INFO = {  # info (the standard's §11.1)
    "specs": SPECS,
    "name": "MotCua test CSC service",
    "logo": "",
    "region": "VN",
    "lang": "vi-VN",
    "description": "Local CSC API v2 service for MotCua's tests",
    "authType": ["basic", "oauth2client"],
    "methods": METHODS,
    "asynchronousOperationMode": False,
    "validationInfo": False,
    "signAlgorithms": {"algos": list(SIGN_ALGOS)},
}
# credentials/info "auth" when authInfo is asked: the application collects the PIN itself.
PIN_OBJECT = {"type": "Password", "id": "PIN", "format": "N", "label": "PIN"}
AUTH_INFO = {"mode": "explicit", "expression": "PIN", "objects": [PIN_OBJECT]}


@dataclass
class CscCredential:
    """One signing key held by the service, with its certificate chain (signer first)."""

    credential_id: str
    owner: str
    pin: str
    private_key: rsa.RSAPrivateKey
    certificates: Sequence[bytes]
    description: str = ""
    multisign: int = 1


@dataclass(frozen=True)
class RecordedRequest:
    """What the client sent: the endpoint (without the /csc/v2/ prefix), the body and the
    authorisation scheme used ("Basic", "Bearer" or "")."""

    endpoint: str
    body: dict[str, Any]
    auth_scheme: str


@dataclass
class _Grant:
    """An issued SAD: which credential, which hashes, how many uses are left, until when."""

    credential_id: str
    hashes: list[bytes]
    hash_oid: str
    remaining: int
    expires_at: float


@dataclass
class _Token:
    user: str | None  # None: a service token from the client-credentials grant
    expires_at: float


class CscError(Exception):
    """An error answer of the CSC API."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def response(self) -> web.Response:
        headers = {"WWW-Authenticate": f'Bearer error="{self.error}"'} if self.status == 401 else {}
        body = {"error": self.error, "error_description": self.description}
        return web.json_response(body, status=self.status, headers=headers)


def invalid(description: str) -> CscError:
    return CscError(400, "invalid_request", description)


def _b64_list(value: Any, name: str) -> list[bytes]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise invalid(f"Missing (or invalid type) array parameter {name}")
    try:
        return [base64.b64decode(v, validate=True) for v in value]
    except (binascii.Error, ValueError) as exc:
        raise invalid(f"Invalid Base64 {name} parameter") from exc


def _hash_oid(value: Any, digests: list[bytes]) -> str:
    if not isinstance(value, str) or value not in HASHES:
        raise invalid("Missing (or invalid type) string parameter hashAlgorithmOID")
    size = HASHES[value]().digest_size
    if any(len(d) != size for d in digests):
        raise invalid("Invalid parameter hashes")
    return value


def _cert_info(der: bytes) -> dict[str, Any]:
    cert = x509.Certificate.load(der)
    validity = cert["tbs_certificate"]["validity"]
    return {
        "issuerDN": cert.issuer.human_friendly,
        "subjectDN": cert.subject.human_friendly,
        "serialNumber": format(cert.serial_number, "x"),
        "validFrom": validity["not_before"].native.strftime("%Y%m%d%H%M%SZ"),
        "validTo": validity["not_after"].native.strftime("%Y%m%d%H%M%SZ"),
    }


class CscServer:
    """The service; use as a context manager (or call start()/stop())."""

    def __init__(
        self,
        *,
        users: Mapping[str, str],
        credentials: Sequence[CscCredential],
        clients: Mapping[str, str] | None = None,
        sad_lifetime: int = 300,
        token_lifetime: int = 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.users = dict(users)
        self.clients = dict(clients or {})
        self.credentials = {c.credential_id: c for c in credentials}
        self.sad_lifetime = sad_lifetime
        self.token_lifetime = token_lifetime
        self.clock = clock
        self.requests: list[RecordedRequest] = []
        self._tokens: dict[str, _Token] = {}
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()
        self._http = ThreadedApp(self.app, name="csc-server")

    @property
    def url(self) -> str:
        """The base URL, which precedes ``/csc/v2/...``."""
        return self._http.url

    def endpoint(self, name: str) -> str:
        return f"{self.url}{PREFIX}/{name}"

    def start(self) -> CscServer:
        self._http.start()
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> CscServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._errors])
        app.router.add_get(f"{PREFIX}/info", self.info)
        routes = {
            "info": self.info,
            "auth/login": self.auth_login,
            "oauth2/token": self.oauth2_token,
            "credentials/list": self.credentials_list,
            "credentials/info": self.credentials_info,
            "credentials/authorize": self.credentials_authorize,
            "signatures/signHash": self.sign_hash,
        }
        for name, handler in routes.items():
            app.router.add_post(f"{PREFIX}/{name}", handler)
        return app

    @web.middleware
    async def _errors(self, request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            response: web.StreamResponse = await handler(request)
            return response
        except CscError as exc:
            return exc.response()

    # --- request helpers -------------------------------------------------------------------
    async def _body(self, request: web.Request) -> dict[str, Any]:
        endpoint = request.path.removeprefix(f"{PREFIX}/")
        scheme = request.headers.get("Authorization", "").partition(" ")[0]
        if request.method == "GET":
            body: Any = dict(request.query)
        elif request.content_type == "application/x-www-form-urlencoded":
            body = dict(await request.post())
        else:
            raw = await request.read()
            try:
                body = await request.json() if raw else {}
            except ValueError:
                body = None
        with self._lock:
            self.requests.append(RecordedRequest(endpoint, body or {}, scheme))
        if not isinstance(body, dict):
            raise invalid("The request body is not a JSON object")
        return body

    def _token_user(self, request: web.Request) -> str | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token:
            raise CscError(401, "invalid_token", "The access token is missing")
        with self._lock:
            found = self._tokens.get(token)
        if found is None or found.expires_at <= self.clock():
            raise CscError(401, "invalid_token", "The access token is not valid")
        return found.user

    def _issue_token(self, user: str | None) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = _Token(user, self.clock() + self.token_lifetime)
        return token

    def _credential(self, body: dict[str, Any], user: str | None) -> CscCredential:
        credential_id = body.get("credentialID")
        if not isinstance(credential_id, str):
            raise invalid("Missing (or invalid type) string parameter credentialID")
        credential = self.credentials.get(credential_id)
        if credential is None or (user is not None and credential.owner != user):
            raise invalid("Invalid parameter credentialID")
        return credential

    # --- endpoints -------------------------------------------------------------------------
    async def info(self, request: web.Request) -> web.Response:
        await self._body(request)
        return web.json_response(INFO)

    async def auth_login(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        user, password = "", ""
        if scheme == "Basic":
            try:
                user, _, password = base64.b64decode(encoded).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                user = ""
        expected = self.users.get(user)
        if expected is None or not secrets.compare_digest(expected, password):
            raise CscError(401, "authentication_error", "Authentication error")
        answer: dict[str, Any] = {
            "access_token": self._issue_token(user),
            "expires_in": self.token_lifetime,
        }
        if body.get("rememberMe") is True:
            answer["refresh_token"] = secrets.token_urlsafe(32)
        return web.json_response(answer)

    async def oauth2_token(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if body.get("grant_type") != "client_credentials":
            raise CscError(400, "unsupported_grant_type", "Only client_credentials is supported")
        client_id, secret = str(body.get("client_id", "")), str(body.get("client_secret", ""))
        expected = self.clients.get(client_id)
        if expected is None or not secrets.compare_digest(expected, secret):
            raise CscError(400, "invalid_client", "Invalid client_id or client_secret")
        token = self._issue_token(None)
        return web.json_response(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}
        )

    async def credentials_list(self, request: web.Request) -> web.Response:
        user = self._token_user(request)
        body = await self._body(request)
        owner = user if user is not None else body.get("userID")
        if owner is None:
            raise invalid("Missing (or invalid type) string parameter userID")
        found = [c for c in self.credentials.values() if c.owner == owner]
        answer: dict[str, Any] = {"credentialIDs": [c.credential_id for c in found]}
        if body.get("credentialInfo") is True:
            answer["credentialInfos"] = [
                {"credentialID": c.credential_id, **self._describe(c, body)} for c in found
            ]
        return web.json_response(answer)

    async def credentials_info(self, request: web.Request) -> web.Response:
        user = self._token_user(request)
        body = await self._body(request)
        return web.json_response(self._describe(self._credential(body, user), body))

    def _describe(self, credential: CscCredential, body: dict[str, Any]) -> dict[str, Any]:
        wanted = body.get("certificates", "single")
        if wanted not in ("none", "single", "chain"):
            raise invalid("Invalid parameter certificates")
        answer: dict[str, Any] = {
            "description": credential.description,
            "key": {
                "status": "enabled",
                "algo": list(SIGN_ALGOS),
                "len": credential.private_key.key_size,
            },
            "SCAL": "2",
            "multisign": credential.multisign,
            "lang": "vi-VN",
        }
        cert: dict[str, Any] = {"status": "valid"}
        if wanted != "none":
            chosen = credential.certificates if wanted == "chain" else credential.certificates[:1]
            cert["certificates"] = [base64.b64encode(der).decode() for der in chosen]
        if body.get("certInfo") is True:
            cert.update(_cert_info(credential.certificates[0]))
        answer["cert"] = cert
        if body.get("authInfo") is True:
            answer["auth"] = AUTH_INFO
        return answer

    async def credentials_authorize(self, request: web.Request) -> web.Response:
        user = self._token_user(request)
        body = await self._body(request)
        credential = self._credential(body, user)
        count = body.get("numSignatures")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise invalid("Missing (or invalid type) integer parameter numSignatures")
        if count > credential.multisign:
            raise invalid("Numbers of signatures is too high")
        digests = _b64_list(body.get("hashes"), "hashes")  # SCAL 2: the SAD is bound to them
        if len(digests) != count:
            raise invalid("Invalid parameter hashes: their number differs from numSignatures")
        hash_oid = _hash_oid(body.get("hashAlgorithmOID"), digests)
        pin = _pin(body)
        if pin is None:
            raise invalid("Missing PIN")
        if not secrets.compare_digest(pin, credential.pin):
            raise invalid("Invalid PIN")
        sad = secrets.token_urlsafe(32)
        with self._lock:
            expires_at = self.clock() + self.sad_lifetime
            self._grants[sad] = _Grant(
                credential.credential_id, digests, hash_oid, count, expires_at
            )
        return web.json_response({"SAD": sad, "expiresIn": self.sad_lifetime})

    async def sign_hash(self, request: web.Request) -> web.Response:
        user = self._token_user(request)
        body = await self._body(request)
        credential = self._credential(body, user)
        digests = _b64_list(body.get("hashes"), "hashes")
        sign_algo = body.get("signAlgo")
        if not isinstance(sign_algo, str) or sign_algo not in SIGN_ALGOS:
            raise invalid("Invalid parameter signAlgo")
        if body.get("signAlgoParams") is not None:
            raise invalid("Invalid parameter signAlgoParams")
        if body.get("operationMode", "S") != "S":
            raise invalid("Invalid parameter operationMode")
        implied = SIGN_ALGOS[sign_algo]
        named = body.get("hashAlgorithmOID")
        if implied is not None and named is not None and named != implied:
            raise invalid("Invalid parameter hashAlgorithmOID: it does not match signAlgo")
        hash_oid = _hash_oid(implied or named, digests)
        self._use_grant(body.get("SAD"), credential, digests, hash_oid)
        algorithm = HASHES[hash_oid]()
        signatures = [
            credential.private_key.sign(d, padding.PKCS1v15(), Prehashed(algorithm))
            for d in digests
        ]
        return web.json_response({"signatures": [base64.b64encode(s).decode() for s in signatures]})

    def _use_grant(
        self, sad: Any, credential: CscCredential, digests: list[bytes], hash_oid: str
    ) -> None:
        """Check the SAD covers these hashes of this credential, then spend it."""
        if not isinstance(sad, str):
            raise invalid("Missing (or invalid type) string parameter SAD")
        with self._lock:
            grant = self._grants.get(sad)
            if grant is None or grant.credential_id != credential.credential_id:
                raise invalid("Invalid parameter SAD")
            if grant.expires_at <= self.clock():
                del self._grants[sad]
                raise invalid("SAD expired")
            if hash_oid != grant.hash_oid or not all(d in grant.hashes for d in digests):
                raise invalid("Invalid parameter hashes: the SAD does not authorise them")
            if len(digests) > grant.remaining:
                raise invalid("Invalid parameter SAD: no signatures left")
            grant.remaining -= len(digests)
            for d in digests:
                grant.hashes.remove(d)
            if grant.remaining == 0:
                del self._grants[sad]


def _pin(body: dict[str, Any]) -> str | None:
    """The PIN from v2 ``authData`` ([{"id": "PIN", "value": ...}]) or the v1 ``PIN`` field."""
    for item in body.get("authData") or []:
        if (
            isinstance(item, dict)
            and item.get("id") == "PIN"
            and isinstance(item.get("value"), str)
        ):
            return str(item["value"])
    legacy = body.get("PIN")
    return legacy if isinstance(legacy, str) else None


CREDENTIAL_ID = "leader-key"
USERNAME = "nguyen.van.an"
PASSWORD = "mat-khau-dich-vu"
PIN = "123456"
CLIENT_ID = "motcua"
CLIENT_SECRET = "client-secret"


@dataclass(frozen=True)
class CscFixture:
    """What the tests get: the server and the details of its one credential ("leader")."""

    server: CscServer
    credential_id: str = CREDENTIAL_ID
    username: str = USERNAME
    password: str = PASSWORD
    pin: str = PIN
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET


def build_server(
    private_key: rsa.RSAPrivateKey, certificates: Sequence[bytes], **kwargs: Any
) -> CscFixture:
    """A (not yet started) server holding one credential of the user USERNAME."""
    credential = CscCredential(
        credential_id=CREDENTIAL_ID,
        owner=USERNAME,
        pin=PIN,
        private_key=private_key,
        certificates=list(certificates),
        description="Chữ ký số cá nhân của Nguyễn Văn An",
    )
    server = CscServer(
        users={USERNAME: PASSWORD},
        clients={CLIENT_ID: CLIENT_SECRET},
        credentials=[credential],
        **kwargs,
    )
    return CscFixture(server=server)
