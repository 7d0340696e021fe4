"""Signing a dossier's result documents (kết quả điện tử, Decree 45/2020, Decree 30/2020).

Two signatures make an e-result, in this order:
- `result_sign`: a leader of the agency holding the dossier at its result stage (files.
  `_result_stage`: processed, or in processing at the last step) signs with their personal
  signing credential, unlocked by the PIN they type. The first signature also stamps the QR code
  of the public verification link (/xac-thuc/<verify_token>/) on page 1.
- `result_seal`: the clerk (văn thư) of that agency gives the document its number and notation
  (số, ký hiệu, e.g. "125/QĐ-STP") and applies the organisation's signature, which plays the part
  of the seal, with the agency's organisation credential (kept by the server, no PIN). An agency
  with no clerk among its members has its leader do it. It needs a valid personal signature on
  the document first, and sets the dossier's result number.
- `result_prepare_external` / `result_complete_external`: the same two signatures by a signing
  plugin on the official's own computer (interrupted signing): the server prepares the PDF and
  the digest, the plugin returns the signature value, the server embeds it.

Each service is one transaction with the dossier row locked and one event in the dossier's own
audit chain; the dossier's status and version do not change (signing is not an act). The slow
part (pyHanko: time stamp, revocation data) runs before the lock; under the lock the file is
checked not to have changed meanwhile. The signed PDF is stored under a new name and the row
points at it; the version before stays in the storage (`ResultSignature.previous_file`).
Bad input raises ValidationFailed, the wrong user DomainError("act_not_permitted"), a signer
that fails (wrong PIN, unreachable service) documents.signing.backends.SigningFailed.

The reads (does a result verify with both signatures, which result has this hash or token) are
in dossiers.results_check and re-exported here.
"""

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.accounts.models import Membership, User
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.text import nfc
from motcua.documents.models import SigningCredential
from motcua.documents.signing import pades
from motcua.documents.signing.appearance import Appearance
from motcua.documents.signing.backends import backend_for
from motcua.documents.signing.certificates import certificate_facts

from . import files
from .constants import DossierStatus, FilePurpose
from .models import Dossier, DossierFile
from .result_models import PendingSignature, ResultSignature, SignaturePurpose
from .results_check import (
    check_signed_result,
    issued_result_by_sha256,
    issued_result_by_token,
    read_file,
    result_state,
)
from .results_signer import has_signatures, last_signer_certificate

__all__ = [
    "check_signed_result",
    "decode_base64",
    "issued_result_by_sha256",
    "issued_result_by_token",
    "result_complete_external",
    "result_prepare_external",
    "result_seal",
    "result_sign",
    "signing_rights",
]

P = SignaturePurpose
# "125/QĐ-STP", "05/2024/QĐ-UBND": the number, optionally the year, then the abbreviations of
# the kind of document and of the issuing body, joined by hyphens (Decree 30/2020, Appendix I).
NUMBER_NOTATION = re.compile(r"^(?P<number>\d{1,7})(?:/\d{4})?/[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)+$")


# --- who may sign ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningRights:
    """What `user` may do to the results of the dossier now."""

    sign: bool  # the personal signature (a leader)
    seal: bool  # number, notation and the organisation's signature (the clerk)


def signing_rights(dossier: Dossier, user: Any) -> SigningRights:
    """The leader signs, the clerk numbers and seals (the leader when the agency has no clerk),
    of the agency holding the dossier, at its result stage. Reads roles; changes nothing."""
    if not getattr(user, "is_authenticated", False):
        return SigningRights(False, False)
    if not files._result_stage(dossier, DossierStatus(dossier.status)):
        return SigningRights(False, False)
    agency_id = dossier.current_agency_id
    roles = set(
        Membership.objects.filter(user=user, agency_id=agency_id).values_list("role", flat=True)
    )
    leader = Role.LEADER in roles
    clerk = Role.CLERK in roles or (
        leader and not Membership.objects.filter(agency_id=agency_id, role=Role.CLERK).exists()
    )
    return SigningRights(sign=leader, seal=clerk)


def check_signing_rights(dossier: Dossier, actor: Any, purpose: str) -> None:
    rights = signing_rights(dossier, actor)
    allowed = rights.sign if purpose == P.PERSONAL else rights.seal
    if allowed:
        return
    if not files._result_stage(dossier, DossierStatus(dossier.status)):
        message = _("A result document cannot be signed while the dossier is “%(status)s”.") % {
            "status": dossier.get_status_display()
        }
    elif purpose == P.PERSONAL:
        message = _("Only a leader of %(agency)s signs the result.") % {
            "agency": dossier.current_agency
        }
    else:
        message = _("Only the clerk of %(agency)s numbers and seals the result.") % {
            "agency": dossier.current_agency
        }
    raise DomainError(message, code="act_not_permitted")


def check_result_file(dossier: Dossier, row: DossierFile) -> None:
    if row.dossier_id != dossier.pk or row.purpose != FilePurpose.RESULT:
        raise ValidationFailed(_("Choose a result document of this dossier."))
    if row.content_type != "application/pdf":
        raise ValidationFailed(_("Only a PDF result document can be signed."))


def personal_credential(user: Any) -> SigningCredential | None:
    """The user's active personal signing credential (the newest), if any."""
    return (
        SigningCredential.objects.filter(user=user, purpose="personal", active=True)
        .exclude(way="external")
        .order_by("-created_at", "-id")
        .first()
    )


def organisation_credential(dossier: Dossier) -> SigningCredential | None:
    """The active organisation credential of the agency holding the dossier (the newest)."""
    return (
        SigningCredential.objects.filter(
            agency_id=dossier.current_agency_id, purpose="organisation", active=True
        )
        .order_by("-created_at", "-id")
        .first()
    )


def clean_number_notation(value: str) -> str:
    """The number and notation as the document shows it ("125/QĐ-STP"); ValidationFailed when
    it is not a number, a slash and the abbreviations."""
    text = nfc(value).strip().replace(" ", "")
    match = NUMBER_NOTATION.match(text)
    if not match or int(match["number"]) == 0:
        raise ValidationFailed(
            _("The number and notation is not valid."),
            errors=[
                _(
                    "Write the number, a slash and the abbreviations of the kind of document "
                    "and of the agency, e.g. 125/QĐ-STP."
                )
            ],
        )
    return text


# --- signing with a credential the server reaches -------------------------------------------


@dataclass(frozen=True)
class Signed:
    """A signed version, made before the row lock, to be stored under it."""

    pdf: bytes
    sha256_before: str
    purpose: str
    way: str
    credential: SigningCredential | None
    field_name: str
    token: str
    number_notation: str = ""


def result_sign(*, dossier: Dossier, actor: User, file: DossierFile, pin: str) -> DossierFile:
    """The leader's personal digital signature on the result document (see the module doc)."""
    check_result_file(dossier, file)
    check_signing_rights(dossier, actor, P.PERSONAL)
    if not pin:
        raise ValidationFailed(_("Type the PIN of your signing certificate."))
    credential = personal_credential(actor)
    if credential is None:
        raise ValidationFailed(
            _("You have no active personal signing certificate; ask the administrator.")
        )
    data, token = current_content(file)
    if ResultSignature.objects.filter(file=file, purpose=P.ORGANISATION).exists():
        raise DomainError(
            _("The result is already sealed; it cannot be signed again."), code="already_sealed"
        )
    appearance = Appearance(
        purpose=P.PERSONAL,
        signer_name=actor.full_name or actor.get_username(),
        title=in_document_language(Role.LEADER.label),
        image_png=bytes(credential.image_png or b"") or None,
    )
    field_name = field_name_for(file, P.PERSONAL)
    pdf = pades.sign_pdf(
        data,
        backend=backend_for(credential, pin=pin),
        appearance=appearance,
        field_name=field_name,
        reason=in_document_language(_("Signed the result")),
        qr_url=qr_url_for(file, token, data),
    )
    signed = Signed(pdf, file.sha256, P.PERSONAL, credential.way, credential, field_name, token)
    return store_signed(dossier, actor, file, signed)


def result_seal(
    *, dossier: Dossier, actor: User, file: DossierFile, number_notation: str
) -> DossierFile:
    """The clerk's number and notation and the organisation's signature (see the module doc)."""
    check_result_file(dossier, file)
    check_signing_rights(dossier, actor, P.ORGANISATION)
    number = clean_number_notation(number_notation)
    credential = organisation_credential(dossier)
    if credential is None or credential.way == "external":
        raise ValidationFailed(
            _("%(agency)s has no organisation signing certificate on the server.")
            % {"agency": dossier.current_agency}
        )
    data, token = current_content(file)
    check_ready_for_seal(file)
    field_name = field_name_for(file, P.ORGANISATION)
    pdf = pades.sign_pdf(
        data,
        backend=backend_for(credential),
        appearance=seal_appearance(dossier, number, credential),
        field_name=field_name,
        reason=in_document_language(_("Issued the result")),
        qr_url=qr_url_for(file, token, data),
    )
    signed = Signed(
        pdf, file.sha256, P.ORGANISATION, credential.way, credential, field_name, token, number
    )
    return store_signed(dossier, actor, file, signed)


def seal_appearance(
    dossier: Dossier, number: str, credential: SigningCredential | None
) -> Appearance:
    image = bytes(credential.image_png or b"") if credential is not None else b""
    return Appearance(
        purpose=P.ORGANISATION,
        signer_name=dossier.current_agency.name,
        image_png=image or None,
        number_notation=number,
    )


def check_ready_for_seal(file: DossierFile) -> None:
    """The seal comes after a valid personal signature, and only once."""
    if ResultSignature.objects.filter(file=file, purpose=P.ORGANISATION).exists():
        raise DomainError(_("The result is already sealed."), code="already_sealed")
    state = result_state(file)
    if not state.personal or state.verification is None or not state.verification.valid:
        raise ValidationFailed(
            _(
                "The result must carry a valid signature of the competent person before it is "
                "numbered and sealed."
            )
        )


def current_content(file: DossierFile) -> tuple[bytes, str]:
    """The stored bytes (checked against the recorded hash) and the verification token the
    file has, or a new one for its first signature."""
    data = read_file(file)
    if data is None or hashlib.sha256(data).hexdigest() != file.sha256:
        raise DomainError(
            _("The stored result document cannot be read or has changed; upload it again."),
            code="file_unreadable",
        )
    return data, file.verify_token or secrets.token_urlsafe(32)


def qr_url_for(file: DossierFile, token: str, data: bytes) -> str | None:
    """The verification link, stamped as a QR code at the first signature only (not on a PDF
    signed elsewhere before it was uploaded: that would change what its signer signed)."""
    if file.verify_token or file.signatures.exists() or has_signatures(data):
        return None
    return verify_url(token)


def verify_url(token: str) -> str:
    """The public verification page of an issued result (what its QR code holds)."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("portal:verify-issued", args=[token])
    return f"{settings.MOTCUA_PUBLIC_URL}{path}"


def field_name_for(file: DossierFile, purpose: str) -> str:
    kind = "Personal" if purpose == P.PERSONAL else "Organisation"
    return f"MotCua{kind}Signature{file.signatures.count() + 1}"


def in_document_language(text: Any) -> str:
    """Texts drawn on the document are in the installation's language (Vietnamese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


# --- storing a signed version ---------------------------------------------------------------


def store_signed(
    dossier: Dossier,
    actor: User,
    file: DossierFile,
    signed: Signed,
    *,
    pending: PendingSignature | None = None,
) -> DossierFile:
    """Under the dossier's lock: check nothing moved, store the signed version, point the row at
    it, record the signature and one audit event. The new stored file is removed again if the
    transaction fails."""
    certificate = certificate_facts(last_signer_certificate(signed.pdf))
    new_name = f"{uuid.uuid4().hex}.pdf"
    stored = None
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            row = DossierFile.objects.get(pk=file.pk)
            check_signing_rights(locked, actor, signed.purpose)
            if row.sha256 != signed.sha256_before:
                raise DomainError(
                    _("The result document was changed while it was being signed; try again."),
                    code="stale_version",
                )
            now = timezone.now()
            previous = row.file.name
            row.file.save(new_name, ContentFile(signed.pdf), save=False)
            stored = row.file.name
            row.size = len(signed.pdf)
            row.sha256 = hashlib.sha256(signed.pdf).hexdigest()
            row.verify_token = row.verify_token or signed.token
            row.save(update_fields=["file", "size", "sha256", "verify_token"])
            if signed.number_notation:
                locked.result_number = signed.number_notation
                locked.save(update_fields=["result_number", "updated_at"])
            event = _record(locked, actor, row, signed, certificate.subject, now)
            ResultSignature.objects.create(
                file=row,
                purpose=signed.purpose,
                way=signed.way,
                signer=actor,
                credential=signed.credential,
                signed_at=now,
                field_name=signed.field_name,
                certificate_subject=certificate.subject[:500],
                certificate_sha256=certificate.sha256,
                number_notation=signed.number_notation,
                sha256_before=signed.sha256_before,
                sha256_after=row.sha256,
                previous_file=previous,
                event=event,
            )
            if pending is not None:
                pending.delete()
    except BaseException:
        if stored:
            files.delete_stored(DossierFile(file=stored).file)
        raise
    return row


def _record(
    dossier: Dossier,
    actor: User,
    row: DossierFile,
    signed: Signed,
    subject: str,
    now: datetime,
) -> audit.AuditEvent:
    action = "result_signed" if signed.purpose == P.PERSONAL else "result_sealed"
    data = {
        "code": dossier.code or "",
        "at": now.isoformat(),
        "file_id": row.pk,
        "file": row.original_name,
        "purpose": signed.purpose,
        "way": signed.way,
        "certificate": subject,
        "sha256_before": signed.sha256_before,
        "sha256": row.sha256,
    }
    if signed.number_notation:
        data["result_number"] = signed.number_notation
    return audit.record(
        action=f"dossier.{action}",
        actor=actor,
        subject=dossier,
        chain=audit.chain_of(dossier),
        data=data,
    )


# The interrupted signing lives in its own module, which builds on this one.
from .results_external import (  # noqa: E402
    decode_base64,
    result_complete_external,
    result_prepare_external,
)
