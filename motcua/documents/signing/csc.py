"""Remote signing through the Cloud Signature Consortium (CSC) API v2: the key stays with the
trust service provider, MotCua sends the hash and gets the signature value back.

Flow (one PDF signature):
1. ``POST {service}/csc/v2/auth/login`` with HTTP Basic (account name, secret) -> ``access_token``
   (service authorisation, "explicit"); every later call carries ``Authorization: Bearer``.
2. ``POST credentials/info`` {credentialID, certificates: "chain", certInfo, authInfo} -> the
   signer certificate and its chain (``cert.certificates``, signer first), ``key.algo`` (OIDs),
   ``SCAL`` and ``auth`` (mode "explicit", objects: the PIN).
3. pyHanko builds the CMS signed attributes; their SHA-256 is the hash to sign.
4. ``POST credentials/authorize`` {credentialID, numSignatures: 1, hashes: [hash],
   hashAlgorithmOID, authData: [{"id": "PIN", "value": PIN}]} -> ``SAD`` (bound to that hash:
   SCAL 2) and ``expiresIn``.
5. ``POST signatures/signHash`` {credentialID, SAD, hashes: [hash], hashAlgorithmOID, signAlgo}
   -> ``signatures: [base64]``, the raw RSA PKCS#1 v1.5 value pyHanko puts into the CMS.

What comes from where:
- **Published (CSC API v2.0.0.2)**: the ``/csc/v2/`` prefix; ``auth/login`` with Basic
  credentials; ``credentials/list|info|authorize``; ``signatures/signHash``; the v2 field names
  ``hashes`` and ``hashAlgorithmOID`` (v1 used ``hash`` and ``hashAlgo``); the ``auth`` object of
  credentials/info (``mode`` explicit|oauth2code, ``expression``, ``objects``); SCAL "1"/"2"
  (hash-bound SAD); ``multisign``; ``operationMode`` S/A; errors as JSON
  ``{"error", "error_description"}`` with HTTP 400 ``invalid_request`` for bad parameters.
  Read from public implementations (CZERTAINLY-CSC-API v2 controllers and DTOs, A-SIT Plus
  csc-data-classes for v2.0.0.2, pyHanko's v1 client and test server); the PDF of the standard
  itself was not read, so this reading is second-hand.
- **v2 ``authData``** ([{"id": "PIN", "value": ...}]) for the PIN in credentials/authorize is
  what public v2 clients send; the local test server also accepts the v1 ``PIN`` field.
- **Assumed** (not verified against the standard's text): the exact ``error_description``
  strings (e.g. "Invalid PIN"), 401 ``invalid_token`` for a bad bearer token (RFC 6750 style) and
  401 ``authentication_error`` for a failed auth/login. The client does not depend on them: it
  reads the HTTP status and shows the service's description in the log, not to the user.
- **Vietnamese services** (public sample code only, no vendor documentation): VNPT SmartCA uses
  its own "SP769" REST API, not CSC (credentials/get_certificate, signatures/sign with the hash,
  then the user confirms in the SmartCA app and the client polls a status URL); Viettel MySign's
  older ADSS paths are CSC **v1**-shaped (``.../ras/csc/v1/credentials/...``, ``hash``,
  ``hashAlgo``) and its newer paths are its own (``/vtss/service/signHash`` + polling). Both ask
  the signer to approve on a phone, so they are asynchronous and need the interrupted (external)
  signing flow, not this synchronous backend. This backend suits a CSC v2 service with explicit
  PIN authorisation (SCAL 2), e.g. a provincial or in-house signing server.

Every failure (service unreachable, login refused, wrong PIN, a SAD the service rejects, an answer
that cannot be read) raises SigningFailed with a translated message; the service's own error text
goes to the log only.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from asn1crypto import algos, x509
from cryptography.hazmat.primitives import hashes
from django.utils.translation import gettext as _
from pyhanko.sign.signers import Signer
from pyhanko.sign.signers.csc_signer import CSCServiceSessionInfo
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from motcua.documents.signing.backends import SigningFailed

if TYPE_CHECKING:
    from motcua.documents.models import SigningCredential

logger = logging.getLogger(__name__)

API_VERSION = "v2"
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class CredentialInfo:
    """What credentials/info told us about the key."""

    signing_cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    algorithms: frozenset[str]  # signAlgo OIDs, dotted
    needs_pin: bool  # auth mode "explicit" with a PIN object


def _unreachable() -> SigningFailed:
    return SigningFailed(
        _(
            "The remote signing service cannot be reached. "
            "Try again later or tell the administrator."
        )
    )


def _unreadable() -> SigningFailed:
    return SigningFailed(
        _("The remote signing service sent an answer MotCua cannot read. Tell the administrator.")
    )


def _refused(endpoint: str, status: int, answer: dict[str, Any]) -> SigningFailed:
    """The translated message for an error answer of `endpoint`."""
    description = str(answer.get("error_description") or answer.get("error") or "")
    logger.warning("CSC %s answered %s: %s", endpoint, status, description)
    if endpoint == "auth/login" and status in (400, 401, 403):
        return SigningFailed(
            _("The remote signing service refused the account. Check its name and secret.")
        )
    if status in (401, 403):
        return SigningFailed(_("The remote signing service ended the session. Sign again."))
    if endpoint == "credentials/authorize" and "pin" in description.lower():
        return SigningFailed(_("The PIN is wrong."))
    if endpoint in ("credentials/info", "credentials/list") and status == 400:
        return SigningFailed(
            _("The remote signing service does not know this signing key. Tell the administrator.")
        )
    return SigningFailed(
        _("The remote signing service refused to sign (%(reason)s).")
        % {"reason": description or status}
    )


class CscClient:
    """The calls of the CSC API v2 this backend needs, with errors mapped to SigningFailed."""

    def __init__(self, http: aiohttp.ClientSession, session: CSCServiceSessionInfo) -> None:
        self.http = http
        self.session = session

    async def post(
        self, endpoint: str, body: dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        url = self.session.endpoint_url(endpoint)
        sent = headers if headers is not None else self.session.auth_headers
        try:
            async with self.http.post(url, json=body, headers=sent) as response:
                status = response.status
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.warning("CSC %s unreachable: %s", endpoint, error)
            raise _unreachable() from error
        if not isinstance(answer, dict):  # not a CSC service (or a proxy's error page)
            logger.warning("CSC %s answered %s without a JSON object", endpoint, status)
            if status in (401, 403):
                raise _refused(endpoint, status, {})
            raise _unreadable()
        if status >= 400:
            raise _refused(endpoint, status, answer)
        return answer

    async def login(self, username: str, password: str) -> str:
        """auth/login with HTTP Basic; the bearer token."""
        pair = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        answer = await self.post("auth/login", {}, headers={"Authorization": f"Basic {pair}"})
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise _unreadable()
        return token

    async def credential_info(self) -> CredentialInfo:
        body = {
            "credentialID": self.session.credential_id,
            "certificates": "chain",
            "certInfo": True,
            "authInfo": True,
        }
        return _parse_info(await self.post("credentials/info", body))

    async def authorize(self, digest_b64: str, hash_oid: str, pin: str | None) -> str:
        """credentials/authorize for one hash; the SAD."""
        body: dict[str, Any] = {
            "credentialID": self.session.credential_id,
            "numSignatures": 1,
            "hashes": [digest_b64],
            "hashAlgorithmOID": hash_oid,
        }
        if pin is not None:
            body["authData"] = [{"id": "PIN", "value": pin}]
        sad = (await self.post("credentials/authorize", body)).get("SAD")
        if not isinstance(sad, str) or not sad:
            raise _unreadable()
        return sad

    async def sign_hash(self, digest_b64: str, hash_oid: str, sign_algo: str, sad: str) -> bytes:
        body = {
            "credentialID": self.session.credential_id,
            "SAD": sad,
            "hashes": [digest_b64],
            "hashAlgorithmOID": hash_oid,
            "signAlgo": sign_algo,
            "operationMode": "S",
        }
        signatures = (await self.post("signatures/signHash", body)).get("signatures")
        if not isinstance(signatures, list) or len(signatures) != 1:
            raise _unreadable()
        try:
            return base64.b64decode(signatures[0], validate=True)
        except (ValueError, TypeError) as error:
            raise _unreadable() from error


def _parse_info(answer: dict[str, Any]) -> CredentialInfo:
    try:
        certs = [x509.Certificate.load(base64.b64decode(c)) for c in answer["cert"]["certificates"]]
        algorithms = frozenset(str(oid) for oid in answer["key"]["algo"])
        auth = answer.get("auth") or {}
        objects = (auth.get("objects") or []) if auth.get("mode") == "explicit" else []
        needs_pin = any(isinstance(o, dict) and o.get("id") == "PIN" for o in objects)
        certs[0].public_key.native  # noqa: B018 -- parse now, not deep inside pyHanko
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as error:
        raise _unreadable() from error
    return CredentialInfo(
        signing_cert=certs[0],
        chain=tuple(certs[1:]),
        algorithms=algorithms,
        needs_pin=needs_pin,
    )


class CscSigner(Signer):
    """A pyHanko signer whose raw signatures come from credentials/authorize + signHash."""

    def __init__(self, client: CscClient, info: CredentialInfo, pin: str | None) -> None:
        registry = SimpleCertificateStore()
        registry.register(info.signing_cert)
        registry.register_multiple(info.chain)
        super().__init__(signing_cert=info.signing_cert, cert_registry=registry)
        self.client = client
        self.info = info
        self.pin = pin

    def sign_algo(self, digest_algorithm: str) -> str:
        """The signAlgo OID: the mechanism pyHanko chose, or plain rsaEncryption when the service
        only offers that (the raw PKCS#1 v1.5 value is the same)."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        chosen = mechanism["algorithm"].dotted
        if chosen in self.info.algorithms:
            return str(chosen)
        if (
            mechanism["algorithm"].native.endswith("_rsa")
            and RSA_ENCRYPTION in self.info.algorithms
        ):
            return RSA_ENCRYPTION
        raise SigningFailed(
            _("The remote signing key does not support the signature algorithm MotCua uses.")
        )

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(512)
        if self.info.needs_pin and not self.pin:
            raise SigningFailed(_("Type the PIN of your signing key."))
        digest = hashes.Hash(get_pyca_cryptography_hash(digest_algorithm))
        digest.update(data)
        digest_b64 = base64.b64encode(digest.finalize()).decode("ascii")
        hash_oid = str(algos.DigestAlgorithmId(digest_algorithm).dotted)
        sign_algo = self.sign_algo(digest_algorithm)
        sad = await self.client.authorize(digest_b64, hash_oid, self.pin)
        return await self.client.sign_hash(digest_b64, hash_oid, sign_algo, sad)


class CscBackend:
    """SigningBackend over a CSC API v2 service (explicit login + PIN, SCAL 2)."""

    def __init__(
        self,
        *,
        service_url: str,
        credential_id: str,
        username: str,
        password: str,
        pin: str | None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.service_url = service_url.rstrip("/")
        self.credential_id = credential_id
        self.username = username
        self.password = password
        self.pin = pin
        self.timeout = timeout

    @classmethod
    def from_credential(cls, credential: SigningCredential, *, pin: str | None) -> CscBackend:
        """The backend for a stored credential (way "csc"); its secret is decrypted here."""
        from motcua.documents.signing.secrets import SecretUnreadable, decrypt

        fields = (credential.csc_service_url, credential.csc_credential_id, credential.csc_username)
        if not all(fields) or not credential.csc_secret_encrypted:
            raise SigningFailed(
                _("The remote signing credential is not set up completely. Tell the administrator.")
            )
        try:
            password = decrypt(bytes(credential.csc_secret_encrypted)).decode("utf-8")
        except SecretUnreadable as error:
            raise SigningFailed(error.message) from error
        return cls(
            service_url=credential.csc_service_url,
            credential_id=credential.csc_credential_id,
            username=credential.csc_username,
            password=password,
            pin=pin,
        )

    @contextlib.asynccontextmanager
    async def open(self) -> AsyncIterator[Signer]:
        """Log in, read the certificate chain, and yield the signer (one HTTP session)."""
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            anonymous = CSCServiceSessionInfo(
                self.service_url, self.credential_id, api_ver=API_VERSION
            )
            token = await CscClient(http, anonymous).login(self.username, self.password)
            session = CSCServiceSessionInfo(
                self.service_url, self.credential_id, oauth_token=token, api_ver=API_VERSION
            )
            client = CscClient(http, session)
            info = await client.credential_info()
            yield CscSigner(client, info, self.pin)
