"""Signers behind one interface: a PKCS#12 file, a PKCS#11 token (USB token, HSM, SoftHSM2 in tests)
or a remote signing service (CSC API, motcua.documents.signing.csc).

A backend's `open()` is an async context manager that yields a pyHanko Signer; wrong PINs, locked
tokens and unreachable services become SigningFailed with a message the signer can act on.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from django.utils import translation
from django.utils.translation import gettext as _
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from motcua.core.errors import DomainError

from . import secrets

if TYPE_CHECKING:
    from motcua.documents.models import SigningCredential


class SigningFailed(DomainError):
    """The document could not be signed; `message` says why, in words the signer understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="signing_failed")


class SigningBackend(Protocol):
    def open(self) -> contextlib.AbstractAsyncContextManager[Signer]: ...


def key_info(private_key: Any) -> asn1_keys.PrivateKeyInfo:
    """The asn1crypto form of a `cryptography` private key (what pyHanko's objects hold)."""
    der = private_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    return asn1_keys.PrivateKeyInfo.load(der)


def asn1_certificate(certificate: Any) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


class KeySigner(SimpleSigner):
    """pyHanko's SimpleSigner, signing with the key object unlocked once.

    SimpleSigner reads its key from DER for every signature it makes (two per document: the
    size estimate and the real one), and `cryptography` checks an RSA key each time it reads
    one (about 50 ms for RSA-2048); this signer keeps the key it was given."""

    def __init__(self, *, private_key: Any, certificate: Any, others: list[Any]) -> None:
        super().__init__(
            signing_key=key_info(private_key),
            signing_cert=asn1_certificate(certificate),
            cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(c) for c in others]),
        )
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = mechanism["algorithm"].native
        key = self._private_key
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return bytes(key.sign(data, PKCS1v15(), hash_algorithm))
        if algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return bytes(key.sign(data, ec.ECDSA(hash_algorithm)))
        return bytes(super().sign_raw(data, digest_algorithm))  # other schemes: pyHanko's way


def load_pkcs12(data: bytes, passphrase: bytes | None) -> tuple[Any, Any, list[Any]]:
    """(key, certificate, other certificates) of a PKCS#12 file; SigningFailed when it does
    not open with `passphrase` or holds no key and certificate."""
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, passphrase or None)
    except (ValueError, TypeError) as error:
        raise SigningFailed(
            _(
                "The signing key cannot be opened: the PIN (passphrase) is wrong "
                "or the file is damaged."
            )
        ) from error
    if key is None or certificate is None:
        raise SigningFailed(_("The signing key cannot be opened."))
    return key, certificate, list(others)


# Signers of server-held keys (organisation seals: the passphrase is stored, not typed), kept
# per process: unlocking a PKCS#12 file costs about 60 ms. Keyed by the file and passphrase, so
# a replaced credential is read afresh. Keys a person unlocks with a PIN are never kept.
_KEPT: dict[str, KeySigner] = {}
KEPT_MAX = 32


class Pkcs12Backend:
    """A key and certificate chain in a PKCS#12 file (.p12/.pfx), unlocked by its passphrase.

    `keep=True` (server-held keys only) keeps the unlocked signer for the next signature."""

    def __init__(self, pkcs12: bytes, passphrase: bytes | None, *, keep: bool = False) -> None:
        self._pkcs12 = bytes(pkcs12)
        self._passphrase = passphrase or None
        self._keep = keep

    def _key(self) -> str:
        digest = hashlib.sha256(self._pkcs12)
        digest.update(b"\0" + hashlib.sha256(self._passphrase or b"").digest())
        return digest.hexdigest()

    def signer(self) -> SimpleSigner:
        key = self._key() if self._keep else ""
        if key and key in _KEPT:
            return _KEPT[key]
        private_key, certificate, others = load_pkcs12(self._pkcs12, self._passphrase)
        signer = KeySigner(private_key=private_key, certificate=certificate, others=others)
        if key:
            if len(_KEPT) >= KEPT_MAX:
                _KEPT.clear()
            _KEPT[key] = signer
        return signer

    @contextlib.asynccontextmanager
    async def _open(self) -> AsyncIterator[Signer]:
        yield self.signer()

    def open(self) -> contextlib.AbstractAsyncContextManager[Signer]:
        return self._open()


def _pkcs11_message(error: Exception) -> str:
    import pkcs11.exceptions as p11

    if isinstance(error, p11.PinIncorrect | p11.PinInvalid | p11.PinLenRange):
        return _("The token PIN is wrong.")
    if isinstance(error, p11.PinLocked | p11.PinExpired):
        return _(
            "The token is locked: too many wrong PINs. Ask the certificate provider to unlock it."
        )
    if isinstance(error, p11.TokenNotPresent | p11.TokenNotRecognised | p11.NoSuchToken):
        return _("The signing token is not connected.")
    return _("The signing token cannot be used: %(error)s") % {"error": type(error).__name__}


class Pkcs11Backend:
    """A key on a PKCS#11 token or HSM (the organisation's "secret-key storage device")."""

    def __init__(
        self,
        *,
        module_path: str,
        token_label: str,
        pin: str,
        key_label: str,
        cert_label: str | None = None,
    ) -> None:
        self.module_path = module_path
        self.token_label = token_label
        self._pin = pin
        self.key_label = key_label
        self.cert_label = cert_label or key_label

    def _session(self):  # type: ignore[no-untyped-def]
        from pkcs11 import PKCS11Error
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import open_pkcs11_session

        try:
            return open_pkcs11_session(
                self.module_path,
                token_criteria=TokenCriteria(label=self.token_label),
                user_pin=self._pin,
            )
        except PKCS11Error as error:
            if "No token matching" in str(error):
                raise SigningFailed(_("The signing token is not connected.")) from error
            raise SigningFailed(_pkcs11_message(error)) from error
        except OSError as error:  # the module cannot be loaded
            raise SigningFailed(_("The PKCS#11 module cannot be loaded.")) from error

    @contextlib.asynccontextmanager
    async def _open(self) -> AsyncIterator[Signer]:
        from pkcs11 import PKCS11Error
        from pyhanko.sign.pkcs11 import PKCS11Signer

        loop = asyncio.get_running_loop()
        language = translation.get_language()  # a refusal is told in the caller's language

        def opened() -> Any:
            with translation.override(language):
                return self._session()

        session = await loop.run_in_executor(None, opened)
        try:
            signer = PKCS11Signer(session, cert_label=self.cert_label, key_label=self.key_label)
            try:
                await signer.ensure_objects_loaded()
            except PKCS11Error as error:
                raise SigningFailed(_pkcs11_message(error)) from error
            yield signer
        finally:
            session.close()

    def open(self) -> contextlib.AbstractAsyncContextManager[Signer]:
        return self._open()


def _secret(value: bytes | memoryview | None) -> bytes | None:
    data = bytes(value or b"")
    return secrets.decrypt(data) if data else None


def backend_for(credential: SigningCredential, *, pin: str | None = None) -> SigningBackend:
    """The backend that signs with `credential`. `pin` is what the signer typed (personal
    credentials); organisation and time-stamping credentials use the stored, encrypted one."""
    from motcua.documents.models import SigningCredential as Credential

    if not credential.active:
        raise SigningFailed(_("This signing credential is disabled."))
    try:
        if credential.way == Credential.Way.PKCS12:
            stored = _secret(credential.pkcs12_encrypted)
            if stored is None:
                raise SigningFailed(_("No PKCS#12 file is stored for this credential."))
            if pin:  # a person's key: unlocked by what they typed, never kept
                return Pkcs12Backend(stored, pin.encode("utf-8"))
            return Pkcs12Backend(stored, _secret(credential.passphrase_encrypted), keep=True)
        if credential.way == Credential.Way.PKCS11:
            stored_pin = _secret(credential.pkcs11_pin_encrypted)
            return Pkcs11Backend(
                module_path=credential.pkcs11_module,
                token_label=credential.pkcs11_token_label,
                pin=pin or (stored_pin.decode("utf-8") if stored_pin else ""),
                key_label=credential.pkcs11_key_label,
                cert_label=credential.pkcs11_cert_label or None,
            )
        if credential.way == Credential.Way.CSC:
            from .csc import CscBackend

            return CscBackend.from_credential(credential, pin=pin)
    except secrets.SecretUnreadable as error:
        raise SigningFailed(error.message) from error
    raise SigningFailed(
        _("This credential signs outside MotCua: prepare the document and send it to the signer.")
    )
