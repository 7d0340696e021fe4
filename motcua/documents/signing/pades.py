"""Signing PDFs (PAdES B-LT): an RFC 3161 time stamp on every signature and the revocation data
(OCSP responses, CRLs, certificates) embedded in the document security store, so the signature
can be checked years later without reaching the CA.

Each signature is an incremental update, so earlier signatures stay intact. `sign_pdf` signs in
one go with a backend (PKCS#12, PKCS#11, CSC); `prepare_external` / `finish_external` split the
work for signers that answer later (a phone app approving a remote signature): the hash goes out,
the signature value comes back, and the state between the two is plain JSON (no pickle).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509 as pyca_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation.dss import async_add_validation_info
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import aio, trust
from .appearance import Appearance, VerificationStamp, default_box, stamp_style
from .backends import SigningBackend, SigningFailed
from .errors import failure_message

logger = logging.getLogger(__name__)

MD = "sha256"
EXTERNAL_RESERVED = 24_000  # bytes kept for the CMS of an outside signer (chain + time stamp)
QR_SIZE = 64.0  # points (about 22 mm)
STATE_VERSION = 1


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        writer.root  # noqa: B018 - parses the trailer and catalogue
    except Exception as error:
        raise SigningFailed(_("The file is not a readable PDF.")) from error
    if writer.prev.encrypted:
        raise SigningFailed(_("Encrypted PDFs cannot be signed."))
    return writer


def _stamp_qr(writer: IncrementalPdfFileWriter, url: str) -> None:
    """A verification QR code at the bottom left of page 1. Only on an unsigned PDF: drawing on
    a page after a signature would count as changing the signed document."""
    if writer.prev.embedded_signatures:
        return
    VerificationStamp(writer, url, size=QR_SIZE).apply(0, 40, 20)


def _placement(
    writer: IncrementalPdfFileWriter, appearance: Appearance
) -> tuple[int, tuple[int, int, int, int]]:
    pages = int(writer.root["/Pages"]["/Count"])
    page = appearance.page if appearance.page >= 0 else pages + appearance.page
    if not 0 <= page < pages:
        raise SigningFailed(_("The document has no page %(page)s.") % {"page": appearance.page + 1})
    box = appearance.box
    if box is None:
        media_box = writer.prev.find_page_for_modification(page)[0].get_object()
        width = float(_media_box(media_box)[2])
        box = default_box(appearance.purpose, width)
    return page, (round(box[0]), round(box[1]), round(box[2]), round(box[3]))


def _media_box(page: Any) -> list[float]:
    node = page
    while node is not None:
        if "/MediaBox" in node:
            return [float(v) for v in node["/MediaBox"]]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return [0.0, 0.0, 595.0, 842.0]


def _field_spec(writer: IncrementalPdfFileWriter, field_name: str, page: int, box: Any) -> Any:
    existing = {name: value for name, value, _ref in fields.enumerate_sig_fields(writer.prev)}
    if field_name in existing:
        if existing[field_name] is not None:
            raise SigningFailed(
                _("This document is already signed in “%(field)s”.") % {"field": field_name}
            )
        return None  # an empty field prepared in the document: sign it where it is
    return fields.SigFieldSpec(field_name, box=box, on_page=page)


def _metadata(
    field_name: str, reason: str, location: str, vc: ValidationContext, *, embed: bool
) -> signers.PdfSignatureMetadata:
    return signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=MD,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=embed,
        validation_context=vc if embed else None,
        reason=reason or None,
        location=location or None,
    )


def _require_timestamper() -> TimeStamper:
    stamper = trust.timestamper()
    if stamper is None:
        raise SigningFailed(
            _(
                "No trusted time source is configured (time-stamping service or local TSA), "
                "so the document cannot be signed."
            )
        )
    return stamper


def sign_pdf(
    pdf: bytes,
    *,
    backend: SigningBackend,
    appearance: Appearance,
    field_name: str,
    reason: str = "",
    location: str = "",
    qr_url: str | None = None,
) -> bytes:
    """Sign `pdf` (PAdES B-LT, SHA-256) with a visible appearance; the signed file.

    The QR code (`qr_url`) is drawn on page 1 only when the PDF has no signature yet. Raises
    SigningFailed, with a message for the signer, on any failure (never pyHanko's errors)."""
    vc = trust.validation_context(for_signing=True)
    stamper = _require_timestamper()
    try:
        return aio.run(
            _sign(pdf, backend, appearance, field_name, reason, location, qr_url, vc, stamper)
        )
    except SigningFailed:
        raise
    except Exception as error:
        logger.warning("signing failed", exc_info=True)
        raise SigningFailed(failure_message(error)) from error


async def _sign(
    pdf: bytes,
    backend: SigningBackend,
    appearance: Appearance,
    field_name: str,
    reason: str,
    location: str,
    qr_url: str | None,
    vc: ValidationContext,
    stamper: TimeStamper,
) -> bytes:
    writer = _writer(pdf)
    if qr_url:
        _stamp_qr(writer, qr_url)
    page, box = _placement(writer, appearance)
    spec = _field_spec(writer, field_name, page, box)
    async with backend.open() as signer:
        pdf_signer = signers.PdfSigner(
            _metadata(field_name, reason, location, vc, embed=True),
            signer=signer,
            timestamper=stamper,
            stamp_style=stamp_style(appearance),
            new_field_spec=spec,
        )
        output = await pdf_signer.async_sign_pdf(writer, output=io.BytesIO())
    return bytes(output.getvalue())


# ---------------------------------------------------------------- interrupted signing


@dataclass(frozen=True)
class PreparedSignature:
    """Step 1 of interrupted signing: what the outside signer signs, and the state to finish."""

    digest: bytes  # SHA-256 of `to_be_signed`: what a hash-signing service signs
    to_be_signed: bytes  # DER of the signed attributes (a SET): what a raw signer signs
    state: bytes  # JSON (UTF-8); opaque to callers


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def prepare_external(
    pdf: bytes,
    *,
    certificate_der: bytes,
    chain_der: Sequence[bytes],
    appearance: Appearance,
    field_name: str,
    qr_url: str | None = None,
) -> PreparedSignature:
    """Prepare the PDF for a signature made outside MotCua with the key of `certificate_der`.

    The time shown in the appearance is the preparation time; the signature's trusted time
    comes from the time stamp added when it is finished."""
    try:
        cert = asn1_x509.Certificate.load(bytes(certificate_der))
        chain = [asn1_x509.Certificate.load(bytes(der)) for der in chain_der]
        cert.native  # noqa: B018 - a damaged certificate fails here
    except Exception as error:
        raise SigningFailed(_("The signer's certificate cannot be read.")) from error
    try:
        return aio.run(_prepare(pdf, cert, chain, appearance, field_name, qr_url))
    except SigningFailed:
        raise
    except Exception as error:
        logger.warning("preparing an outside signature failed", exc_info=True)
        raise SigningFailed(failure_message(error)) from error


async def _prepare(
    pdf: bytes,
    cert: asn1_x509.Certificate,
    chain: list[asn1_x509.Certificate],
    appearance: Appearance,
    field_name: str,
    qr_url: str | None,
) -> PreparedSignature:
    writer = _writer(pdf)
    if qr_url:
        _stamp_qr(writer, qr_url)
    page, box = _placement(writer, appearance)
    spec = _field_spec(writer, field_name, page, box)
    registry = SimpleCertificateStore.from_certs(chain)
    external = signers.ExternalSigner(
        signing_cert=cert, cert_registry=registry, signature_value=256
    )
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=field_name, md_algorithm=MD, subfilter=fields.SigSeedSubFilter.PADES
        ),
        signer=external,
        stamp_style=stamp_style(appearance),
        new_field_spec=spec,
    )
    prep_digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
        writer, bytes_reserved=EXTERNAL_RESERVED
    )
    signed_attrs = await external.signed_attrs(prep_digest.document_digest, MD, use_pades=True)
    to_be_signed = bytes(signed_attrs.dump())
    state = {
        "v": STATE_VERSION,
        "pdf": _b64(_read_all(output)),
        "document_digest": _b64(prep_digest.document_digest),
        "start": prep_digest.reserved_region_start,
        "end": prep_digest.reserved_region_end,
        "signed_attrs": _b64(to_be_signed),
        "certificate": _b64(bytes(cert.dump())),
        "chain": [_b64(bytes(c.dump())) for c in chain],
    }
    return PreparedSignature(
        digest=hashlib.sha256(to_be_signed).digest(),
        to_be_signed=to_be_signed,
        state=json.dumps(state).encode("utf-8"),
    )


def _read_all(stream: Any) -> bytes:
    stream.seek(0)
    return bytes(stream.read())


def _load_state(state: bytes) -> dict[str, Any]:
    try:
        data = json.loads(bytes(state).decode("utf-8"))
        if data.get("v") != STATE_VERSION:
            raise ValueError("version")
        return dict(data)
    except (ValueError, UnicodeDecodeError, AttributeError) as error:
        raise SigningFailed(
            _("The prepared signature cannot be read; prepare the document again.")
        ) from error


def check_signature_value(
    certificate_der: bytes, to_be_signed: bytes, signature_value: bytes
) -> None:
    """SigningFailed unless `signature_value` is the certificate key's SHA-256 signature of
    `to_be_signed` (RSA PKCS#1 v1.5 or ECDSA)."""
    public_key = pyca_x509.load_der_x509_certificate(certificate_der).public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature_value, to_be_signed, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature_value, to_be_signed, ec.ECDSA(hashes.SHA256()))
        else:
            raise SigningFailed(_("This kind of signing key is not supported."))
    except InvalidSignature as error:
        raise SigningFailed(
            _("The signature returned by the signer does not match the document and certificate.")
        ) from error


def finish_external(state: bytes, signature_value: bytes) -> bytes:
    """Step 2: embed the outside signature value, time-stamp it and add the revocation data
    (B-LT); the signed PDF. SigningFailed if the value does not verify."""
    data = _load_state(state)
    certificate_der = base64.b64decode(data["certificate"])
    to_be_signed = base64.b64decode(data["signed_attrs"])
    check_signature_value(certificate_der, to_be_signed, bytes(signature_value))
    vc = trust.validation_context(for_signing=True)
    stamper = _require_timestamper()
    try:
        return aio.run(_finish(data, bytes(signature_value), vc, stamper))
    except SigningFailed:
        raise
    except Exception as error:
        logger.warning("finishing an outside signature failed", exc_info=True)
        raise SigningFailed(failure_message(error)) from error


async def _finish(
    data: dict[str, Any], value: bytes, vc: ValidationContext, stamper: TimeStamper
) -> bytes:
    cert = asn1_x509.Certificate.load(base64.b64decode(data["certificate"]))
    chain = [asn1_x509.Certificate.load(base64.b64decode(item)) for item in data["chain"]]
    external = signers.ExternalSigner(
        signing_cert=cert,
        cert_registry=SimpleCertificateStore.from_certs(chain),
        signature_value=value,
    )
    signed_attrs = cms.CMSAttributes.load(base64.b64decode(data["signed_attrs"]))
    sig_cms = await external.async_sign_prescribed_attributes(
        MD, signed_attrs=signed_attrs, timestamper=stamper
    )
    prepared = PreparedByteRangeDigest(
        document_digest=base64.b64decode(data["document_digest"]),
        reserved_region_start=int(data["start"]),
        reserved_region_end=int(data["end"]),
    )
    output = io.BytesIO(base64.b64decode(data["pdf"]))
    prepared.fill_with_cms(output, sig_cms)
    reader = PdfFileReader(output, strict=False)
    signature = reader.embedded_signatures[-1]
    result = await async_add_validation_info(signature, vc, output=io.BytesIO())
    return bytes(result.getvalue())
