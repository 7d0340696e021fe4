"""What signatures are checked against, and where trusted time comes from.

Trust anchors are the roots the administrator loads (TrustedCertificate kind="root"; in
production the NEAC root and, for "chuyên dùng công vụ" certificates, the Government Cipher
Committee root); the operating system's trust store is never used. Revocation data comes from the
loaded CRLs and, unless MOTCUA_SIGNING_FETCH_REVOCATION is off, from the CAs' OCSP/CRL services.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from asn1crypto.core import UTCTime
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from motcua.documents.models import RevocationList, SigningCredential, TrustedCertificate

from . import secrets
from .backends import asn1_certificate, key_info

TSA_TIMEOUT = 15  # seconds


def _certs(kind: str) -> list[asn1_x509.Certificate]:
    rows = TrustedCertificate.objects.filter(kind=kind).values_list("certificate_der", flat=True)
    return [asn1_x509.Certificate.load(bytes(der)) for der in rows]


def trust_roots() -> list[asn1_x509.Certificate]:
    """The trust anchors: every root CA in the trust store."""
    return _certs(TrustedCertificate.Kind.ROOT)


def intermediates() -> list[asn1_x509.Certificate]:
    return _certs(TrustedCertificate.Kind.INTERMEDIATE)


def revocation_lists() -> list[asn1_crl.CertificateList]:
    rows = RevocationList.objects.values_list("crl_der", flat=True)
    return [asn1_crl.CertificateList.load(bytes(der)) for der in rows]


def fetch_revocation() -> bool:
    return bool(getattr(settings, "MOTCUA_SIGNING_FETCH_REVOCATION", True))


def validation_context(
    *, for_signing: bool = False, moment: datetime | None = None
) -> ValidationContext:
    """A pyHanko validation context over the trust store.

    For signing, revocation checking is strict ("hard-fail"): a signature is only made when the
    signer's certificate is known not to be revoked, and that evidence is embedded (PAdES B-LT).
    For verification a CA that cannot be reached does not by itself fail a signature
    ("soft-fail"); a certificate known to be revoked always does."""
    return ValidationContext(
        trust_roots=trust_roots(),
        other_certs=intermediates(),
        crls=revocation_lists(),
        allow_fetching=fetch_revocation(),
        revocation_mode="hard-fail" if for_signing else "soft-fail",
        moment=moment,
        # requests (blocking, run in executor threads): no client session left to close
        fetcher_backend=RequestsFetcherBackend() if fetch_revocation() else None,
    )


class LocalTimeStamper(DummyTimeStamper):
    """An RFC 3161 time-stamping authority inside the MotCua process, with the key and TSA
    certificate of a SigningCredential(purpose="timestamp").

    For the demo and for a single-machine installation without access to a public TSA: the time
    is this server's clock, so the stamp is only as trustworthy as the server and its TSA
    certificate. Production installations set MOTCUA_TSA_URL to an accredited TSA instead.

    The key is unlocked once: pyHanko's DummyTimeStamper reads it from DER for every stamp, and
    `cryptography` checks an RSA key on every read (about 50 ms)."""

    def __init__(self, *, private_key: Any, tsa_cert: asn1_x509.Certificate, chain: list) -> None:
        super().__init__(
            tsa_cert=tsa_cert,
            tsa_key=key_info(private_key),
            certs_to_embed=SimpleCertificateStore.from_certs(chain),
        )
        self._private_key = private_key

    @classmethod
    def from_pkcs12(cls, data: bytes, passphrase: bytes | None) -> LocalTimeStamper:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase or None)
        if key is None or cert is None:
            raise ValueError("PKCS#12 without key or certificate")
        return cls(
            private_key=key,
            tsa_cert=asn1_certificate(cert),
            chain=[asn1_certificate(c) for c in extra],
        )

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        if not isinstance(self._private_key, rsa.RSAPrivateKey):
            return super()._sign_tst_info(tst_info_data, md_algorithm, dt)  # type: ignore[no-any-return]
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": UTCTime(dt)})),
                simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._private_key.sign(
            signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm)
        )
        return signature, signed_attrs


# Time stampers kept per process: each keeps the sample stamp pyHanko asks for first to size
# the signature (a round trip to the TSA, or a stamp signed by the local one) and its TSA's
# validated certificates. Keyed by URL, or by the credential and its stored file.
_STAMPERS: dict[tuple[str, ...], TimeStamper] = {}


def timestamper() -> TimeStamper | None:
    """Where signatures get their trusted time: the TSA at MOTCUA_TSA_URL, else the local TSA
    of an active time-stamping credential (demo / single machine), else None (signing then
    fails: a result without trusted time is not issued)."""
    url = getattr(settings, "MOTCUA_TSA_URL", "")
    if url:
        key: tuple[str, ...] = ("url", url)
        if key not in _STAMPERS:
            _STAMPERS[key] = HTTPTimeStamper(url, timeout=TSA_TIMEOUT)
        return _STAMPERS[key]
    credential = (
        SigningCredential.objects.filter(purpose=SigningCredential.Purpose.TIMESTAMP, active=True)
        .exclude(pkcs12_encrypted=b"")
        .order_by("-created_at")
        .only("pk", "pkcs12_encrypted", "passphrase_encrypted")
        .first()
    )
    if credential is None:
        return None
    stored = bytes(credential.pkcs12_encrypted)
    key = ("local", str(credential.pk), hashlib.sha256(stored).hexdigest())
    if key not in _STAMPERS:
        passphrase = bytes(credential.passphrase_encrypted or b"")
        _STAMPERS.clear()  # one local TSA at a time
        _STAMPERS[key] = LocalTimeStamper.from_pkcs12(
            secrets.decrypt(stored), secrets.decrypt(passphrase) if passphrase else None
        )
    return _STAMPERS[key]
