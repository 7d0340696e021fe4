"""Reading certificates, CRLs and PKCS#12 files that people upload (PEM or DER)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed


def _der(data: bytes, *, pem_types: tuple[str, ...]) -> bytes:
    data = bytes(data)
    if pem.detect(data.strip()):  # never strip DER: its last byte may look like a space
        kind, _headers, der = pem.unarmor(data.strip())
        if kind not in pem_types:
            raise ValueError(kind)
        return bytes(der)
    return data


def load_certificate(data: bytes) -> asn1_x509.Certificate:
    """A certificate from PEM or DER; ValidationFailed if the file is not one."""
    try:
        cert = asn1_x509.Certificate.load(_der(data, pem_types=("CERTIFICATE",)))
        cert.native  # noqa: B018 - parses everything, so a damaged file fails here
    except Exception as error:  # asn1crypto raises many kinds on junk
        raise ValidationFailed(_("The file is not an X.509 certificate (PEM or DER).")) from error
    return cert


def load_crl(data: bytes) -> asn1_crl.CertificateList:
    """A certificate revocation list from PEM or DER; ValidationFailed if the file is not one."""
    try:
        crl = asn1_crl.CertificateList.load(_der(data, pem_types=("X509 CRL",)))
        crl.native  # noqa: B018
    except Exception as error:
        raise ValidationFailed(_("The file is not a certificate revocation list (CRL).")) from error
    return crl


@dataclass(frozen=True)
class CertificateFacts:
    """What the admin sees of a certificate."""

    der: bytes
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    sha256: str
    is_ca: bool


def certificate_facts(data: bytes) -> CertificateFacts:
    cert = load_certificate(data)
    validity = cert["tbs_certificate"]["validity"]
    der = bytes(cert.dump())
    return CertificateFacts(
        der=der,
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        not_before=validity["not_before"].native,
        not_after=validity["not_after"].native,
        sha256=hashlib.sha256(der).hexdigest(),
        is_ca=bool(cert.ca),
    )


@dataclass(frozen=True)
class CrlFacts:
    der: bytes
    issuer: str
    this_update: datetime
    next_update: datetime | None
    sha256: str


def crl_facts(data: bytes) -> CrlFacts:
    crl = load_crl(data)
    tbs = crl["tbs_cert_list"]
    der = bytes(crl.dump())
    return CrlFacts(
        der=der,
        issuer=crl.issuer.human_friendly,
        this_update=tbs["this_update"].native,
        next_update=tbs["next_update"].native,
        sha256=hashlib.sha256(der).hexdigest(),
    )


@dataclass(frozen=True)
class Pkcs12Contents:
    certificate_der: bytes
    chain_der: list[bytes]


def read_pkcs12(data: bytes, passphrase: bytes | None) -> Pkcs12Contents:
    """The signer certificate and chain of a PKCS#12 file; ValidationFailed when it does not open
    with the passphrase or holds no key and certificate."""
    try:
        loaded = pkcs12.load_pkcs12(bytes(data), passphrase or None)
    except ValueError as error:
        raise ValidationFailed(
            _("The PKCS#12 file cannot be opened: the file is damaged or the passphrase is wrong.")
        ) from error
    if loaded.key is None or loaded.cert is None:
        raise ValidationFailed(_("The PKCS#12 file must hold a private key and its certificate."))
    return Pkcs12Contents(
        certificate_der=loaded.cert.certificate.public_bytes(Encoding.DER),
        chain_der=[
            extra.certificate.public_bytes(Encoding.DER) for extra in loaded.additional_certs
        ],
    )
