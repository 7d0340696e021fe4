"""Verify the digital signatures of a PDF (the public "Xác thực văn bản" page, the API, the QR
code printed on every e-result).

verify_pdf(data) reads the file with pyHanko and checks each signature against MotCua's trust
store (documents.signing.trust: the roots and intermediates the administrator loaded, the CRLs
they loaded, revocation data fetched online when allowed) plus the validation data the PDF
carries itself (its Document Security Store: certificates, OCSP responses, CRLs, as PAdES B-LT
embeds them). It never raises on bad input: a file that is not a PDF, a damaged one, one without
signatures, one changed after signing all come back as a PdfVerification with `valid` False and
a one-line translated `problem`.

A signature is valid when it is intact (the signed bytes hash to what was signed), its
certificate chains up to a trusted root, the certificate was neither revoked nor expired when it
signed (the time of a trusted RFC 3161 time stamp, else the time the signer claims), its time
stamp (when present) is trusted, and nothing suspicious was changed in later revisions. The
document is valid when every signature is, and the last one covers the whole file (only
validation data, such as the DSS or a document time stamp, may follow it).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import crypt
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

from . import aio

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024  # readers accept a header anywhere in the first kilobyte
EXPIRED = frozenset({AdESIndeterminate.OUT_OF_BOUNDS_NO_POE, AdESIndeterminate.EXPIRED})
NOT_YET_VALID = frozenset({AdESIndeterminate.NOT_YET_VALID, AdESFailure.NOT_YET_VALID})
NO_CHAIN = frozenset(
    {AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND, AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE}
)
REVOCATION_UNKNOWN = frozenset({AdESIndeterminate.TRY_LATER})
ONLY_VALIDATION_DATA = frozenset({ModificationLevel.NONE, ModificationLevel.LTA_UPDATES})


@dataclass(frozen=True)
class SignatureReport:
    """What one signature of the file says and whether it holds."""

    field: str
    signer: str
    organisation: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    revocation_checked: bool
    timestamped: bool
    valid: bool  # intact and trusted and not revoked/expired at signing time
    problem: str  # translated one-line reason when not valid ("" when valid)
    certificate_sha256: str  # of the signer certificate DER
    covers_whole_file: bool


@dataclass(frozen=True)
class PdfVerification:
    """The verdict on a whole file."""

    sha256: str
    is_pdf: bool
    signatures: tuple[SignatureReport, ...]
    valid: bool  # a PDF, >= 1 signature, every signature valid, the last covers the whole file
    problem: str  # translated reason when not valid ("" when valid)


# ---------------------------------------------------------------- the verdict on a file


def verify_pdf(data: bytes) -> PdfVerification:
    """Check every signature of `data`; never raises on bad input."""
    digest = hashlib.sha256(data).hexdigest()
    if PDF_MAGIC not in data[:MAGIC_WINDOW]:
        return PdfVerification(digest, False, (), False, _("This file is not a PDF document."))
    try:
        reader = _open(data)
        embedded = sorted(reader.embedded_regular_signatures, key=lambda s: s.signed_revision)
        dss = _dss_material(reader)
    except _Encrypted:
        problem = _("The PDF is protected by a password; its signatures cannot be checked.")
        return PdfVerification(digest, True, (), False, problem)
    except Exception as error:  # any parser failure means the same to the reader
        logger.info("verify_pdf: unreadable PDF %s: %r", digest, error)
        return PdfVerification(digest, True, (), False, _damaged())
    if not embedded:
        return PdfVerification(digest, True, (), False, _("The document has no digital signature."))
    reports = tuple(_report(signature, dss) for signature in embedded)
    return PdfVerification(digest, True, reports, *_document_verdict(reports))


def _document_verdict(reports: tuple[SignatureReport, ...]) -> tuple[bool, str]:
    for report in reports:
        if not report.valid:
            return False, report.problem
    if not reports[-1].covers_whole_file:
        return False, _("The document was changed after the last signature.")
    return True, ""


def _damaged() -> str:
    return _("The PDF file is damaged and cannot be read.")


class _Encrypted(Exception):
    """The PDF needs a password."""


def _open(data: bytes) -> PdfFileReader:
    reader = PdfFileReader(BytesIO(data), strict=True)
    handler = reader.security_handler
    if handler is not None:
        opened = (
            isinstance(handler, crypt.StandardSecurityHandler)
            and reader.decrypt("").status != crypt.AuthStatus.FAILED
        )
        if not opened:
            raise _Encrypted
    return reader


@dataclass(frozen=True)
class _DssMaterial:
    """The validation data the PDF carries in its Document Security Store."""

    certs: tuple[x509.Certificate, ...] = ()
    ocsps: tuple[asn1_ocsp.OCSPResponse, ...] = ()
    crls: tuple[asn1_crl.CertificateList, ...] = ()


def _dss_material(reader: PdfFileReader) -> _DssMaterial:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # no DSS (or an unusable one): nothing embedded
        return _DssMaterial()
    context = dss.as_validation_context({"trust_roots": [], "allow_fetching": False})
    return _DssMaterial(
        certs=tuple(context.certificate_registry),
        ocsps=tuple(context.ocsps),
        crls=tuple(context.crls),
    )


# ---------------------------------------------------------------- one signature


def _context(dss: _DssMaterial, *, moment: datetime | None = None) -> ValidationContext:
    """MotCua's trust store (documents.signing.trust) with the file's own validation data.

    Revocation is checked "soft-fail" as trust.validation_context() does for verification: a
    CA that cannot be reached does not by itself fail a signature (revocation_checked tells),
    a certificate known to be revoked always does. With `moment` (looking back at signing time)
    nothing is fetched: the file's revocation data speaks for that moment."""
    from . import trust  # the trust store's models load with the app registry

    fetching = trust.fetch_revocation() and moment is None
    return ValidationContext(
        trust_roots=trust.trust_roots(),
        other_certs=[*trust.intermediates(), *dss.certs],
        crls=[*trust.revocation_lists(), *dss.crls],
        ocsps=list(dss.ocsps),
        allow_fetching=fetching,
        revocation_mode="soft-fail",
        moment=moment,
        retroactive_revinfo=moment is not None,
        fetcher_backend=RequestsFetcherBackend() if fetching else None,
    )


def _report(signature: EmbeddedPdfSignature, dss: _DssMaterial) -> SignatureReport:
    field = str(signature.field_name or "")
    try:
        cert = signature.signer_cert
    except Exception as error:  # a signature without a usable certificate
        logger.info("verify_pdf: no signer certificate in %s: %r", field, error)
        return _broken(field, _("The signature is damaged and cannot be checked."))
    try:
        context = _context(dss)
        status = _validate(signature, context)
        status, context = _at_signing_time(signature, status, context, dss)
    except Exception as error:  # pyHanko's errors on malformed signatures vary
        logger.info("verify_pdf: signature %s could not be validated: %r", field, error)
        return _broken(field, _("The signature is damaged and cannot be checked."), cert)
    return _from_status(field, cert, status, context)


def _validate(signature: EmbeddedPdfSignature, context: ValidationContext) -> PdfSignatureStatus:
    return aio.run(async_validate_pdf_signature(signature, context))


def _at_signing_time(
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    context: ValidationContext,
    dss: _DssMaterial,
) -> tuple[PdfSignatureStatus, ValidationContext]:
    """A certificate that expired after a trusted time stamp still vouches for the signature:
    check once more at the time stamp's moment."""
    stamp = status.timestamp_validity
    stamp_ok = stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    if _chain_trusted(status) or not stamp_ok or status.trust_problem_indic not in EXPIRED:
        return status, context
    assert stamp is not None
    if stamp.timestamp > _not_after(status.signing_cert):
        return status, context
    earlier = _context(dss, moment=stamp.timestamp)
    return _validate(signature, earlier), earlier


def _from_status(
    field: str, cert: x509.Certificate, status: PdfSignatureStatus, context: ValidationContext
) -> SignatureReport:
    stamp = status.timestamp_validity
    timestamped = stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    signed_at = stamp.timestamp if stamp is not None else status.signer_reported_dt
    intact = bool(status.intact and status.valid)
    problem = _problem(status, intact=intact, stamp_broken=stamp is not None and not timestamped)
    signer, organisation = _names(cert)
    return SignatureReport(
        field=field,
        signer=signer,
        organisation=organisation,
        signed_at=signed_at,
        intact=intact,
        trusted=_chain_trusted(status),
        revocation_checked=status.revoked or _revocation_checked(cert, context),
        timestamped=timestamped,
        valid=not problem,
        problem=problem,
        certificate_sha256=cert.sha256.hex(),
        covers_whole_file=_covers_whole_file(status),
    )


def _problem(status: PdfSignatureStatus, *, intact: bool, stamp_broken: bool) -> str:
    """The first thing wrong with the signature, in one translated line ("" when none)."""
    indication = status.trust_problem_indic
    if not intact:
        return _("The document was changed after it was signed.")
    if status.revoked:
        return _("The signer's certificate has been revoked.")
    if indication in EXPIRED or indication == AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED:
        return _("The signer's certificate had expired when the document was signed.")
    if indication in NOT_YET_VALID:
        return _("The signer's certificate was not yet valid when the document was signed.")
    if indication in REVOCATION_UNKNOWN:
        return _("Whether the signer's certificate was revoked could not be checked.")
    if not _chain_trusted(status):
        if indication in NO_CHAIN or status.validation_path is None:
            return _(
                "The signer's certificate was not issued by a trusted certification authority."
            )
        return _("The signer's certificate cannot be trusted.")
    if stamp_broken:
        return _("The time stamp of the signature is not valid.")
    if isinstance(status.diff_result, SuspiciousModification):
        return _("The document was changed after it was signed.")
    return ""


def _chain_trusted(status: PdfSignatureStatus) -> bool:
    """The certificate chains up to a trusted root and is neither revoked nor expired, whether
    or not the document is intact (pyHanko's `trusted` also asks for the latter)."""
    return bool(
        status.valid and status.trust_problem_indic is None and status.validation_path is not None
    )


def _covers_whole_file(status: PdfSignatureStatus) -> bool:
    """The signature covers the file, or only validation data was added after it."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    return (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level in ONLY_VALIDATION_DATA
    )


def _broken(field: str, problem: str, cert: x509.Certificate | None = None) -> SignatureReport:
    signer, organisation = _names(cert) if cert is not None else ("", "")
    return SignatureReport(
        field=field,
        signer=signer,
        organisation=organisation,
        signed_at=None,
        intact=False,
        trusted=False,
        revocation_checked=False,
        timestamped=False,
        valid=False,
        problem=problem,
        certificate_sha256=cert.sha256.hex() if cert is not None else "",
        covers_whole_file=False,
    )


# ---------------------------------------------------------------- certificate details


def _names(cert: x509.Certificate) -> tuple[str, str]:
    """The subject's common name and organisation."""
    subject = cert.subject.native
    return _first(subject.get("common_name")), _first(subject.get("organization_name"))


def _first(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "")


def _not_after(cert: x509.Certificate) -> datetime:
    value: datetime = cert["tbs_certificate"]["validity"]["not_after"].native
    return value


def _revocation_checked(cert: x509.Certificate, context: ValidationContext) -> bool:
    """Whether revocation data about the signer's certificate was at hand (embedded, loaded by
    the administrator or fetched) and no revocation check failed softly."""
    if context.soft_fail_exceptions:
        return False
    serial = cert.serial_number
    for response in context.ocsps:
        if serial in _ocsp_serials(response):
            return True
    return any(_crl_issuer(item) == cert.issuer for item in context.crls)


def _ocsp_serials(response: asn1_ocsp.OCSPResponse) -> set[int]:
    try:
        data = response["response_bytes"]["response"].parsed["tbs_response_data"]
        return {single["cert_id"]["serial_number"].native for single in data["responses"]}
    except Exception:  # an unusable response tells nothing
        return set()


def _crl_issuer(item: asn1_crl.CertificateList) -> x509.Name | None:
    try:
        issuer: x509.Name = item["tbs_cert_list"]["issuer"]
        return issuer
    except Exception:
        return None
