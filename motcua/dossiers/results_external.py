"""Interrupted signing of result documents (dossiers.results): a signing plugin on the
official's own computer, or a remote service that asks the signer's phone, holds the key.

`result_prepare_external` prepares the PDF with the signature's appearance for the signer's
certificate (documents.signing.pades.prepare_external) and keeps the state as a
PendingSignature; the caller sends its digest out. `result_complete_external` embeds the
signature value that comes back (pades.finish_external checks it against the certificate) and
stores the signed version as the other signatures are stored (results.store_signed). A pending
signing belongs to the official who prepared it and expires after PENDING_MINUTES.
"""

import base64
import binascii
import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.documents.models import SigningCredential
from motcua.documents.signing import pades
from motcua.documents.signing.appearance import Appearance
from motcua.documents.signing.certificates import certificate_facts

from .models import Dossier, DossierFile
from .result_models import PendingSignature, SignaturePurpose
from .results import (
    Signed,
    check_ready_for_seal,
    check_result_file,
    check_signing_rights,
    clean_number_notation,
    current_content,
    field_name_for,
    in_document_language,
    qr_url_for,
    seal_appearance,
    store_signed,
)
from .results_check import organisation_certificates

P = SignaturePurpose
PENDING_MINUTES = 30  # how long an interrupted signing waits for its signature value


def result_prepare_external(
    *,
    dossier: Dossier,
    actor: User,
    file: DossierFile,
    purpose: str,
    certificate_der: bytes,
    number_notation: str = "",
) -> PendingSignature:
    """Step 1: prepare the signature of `purpose` with the signer's certificate and keep the
    prepared state; the caller sends `digest` (or `to_be_signed`) to the plugin. For the
    organisation's signature, the certificate must be the agency's organisation certificate
    and the number and notation is given now."""
    if purpose not in P.values:
        raise ValidationFailed(_("Say which signature: personal or organisation."))
    check_result_file(dossier, file)
    check_signing_rights(dossier, actor, purpose)
    facts = certificate_facts(certificate_der)
    organisations = organisation_certificates()
    number = ""
    credential: SigningCredential | None
    if purpose == P.ORGANISATION:
        number = clean_number_notation(number_notation)
        credential = _organisation_credential_for(dossier, facts.sha256)
    else:
        if facts.sha256 in organisations:
            raise ValidationFailed(_("This is an organisation's certificate, not a person's."))
        credential = _personal_credential_for(actor, facts.sha256)
    data, token = current_content(file)
    if purpose == P.ORGANISATION:
        check_ready_for_seal(file)
        appearance = seal_appearance(dossier, number, credential)
    else:
        appearance = Appearance(
            purpose=P.PERSONAL,
            signer_name=actor.full_name or actor.get_username(),
            title=in_document_language(Role.LEADER.label),
            image_png=(bytes(credential.image_png or b"") or None) if credential else None,
        )
    field_name = field_name_for(file, purpose)
    prepared = pades.prepare_external(
        data,
        certificate_der=facts.der,
        chain_der=credential.chain() if credential is not None else [],
        appearance=appearance,
        field_name=field_name,
        qr_url=qr_url_for(file, token, data),
    )
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        check_signing_rights(locked, actor, purpose)
        now = timezone.now()
        pending = PendingSignature.objects.create(
            file=file,
            purpose=purpose,
            actor=actor,
            credential=credential,
            certificate_der=facts.der,
            state=prepared.state,
            digest=base64.b64encode(prepared.digest).decode("ascii"),
            to_be_signed=prepared.to_be_signed,
            sha256_before=file.sha256,
            field_name=field_name,
            appearance={"number_notation": number, "token": token},
            created_at=now,
            expires_at=now + timedelta(minutes=PENDING_MINUTES),
        )
        audit.record(
            action="dossier.result_signing_prepared",
            actor=actor,
            subject=locked,
            chain=audit.chain_of(locked),
            data={
                "code": locked.code or "",
                "at": now.isoformat(),
                "file_id": file.pk,
                "file": file.original_name,
                "purpose": purpose,
                "certificate": facts.subject,
                "pending_id": pending.pk,
            },
        )
    return pending


def _organisation_credential_for(dossier: Dossier, sha256: str) -> SigningCredential:
    for credential in SigningCredential.objects.filter(
        agency_id=dossier.current_agency_id, purpose="organisation", active=True
    ):
        if hashlib.sha256(bytes(credential.certificate_der or b"")).hexdigest() == sha256:
            return credential
    raise ValidationFailed(
        _("This certificate is not an organisation certificate of %(agency)s.")
        % {"agency": dossier.current_agency}
    )


def _personal_credential_for(actor: User, sha256: str) -> SigningCredential | None:
    for credential in SigningCredential.objects.filter(user=actor, purpose="personal", active=True):
        if hashlib.sha256(bytes(credential.certificate_der or b"")).hexdigest() == sha256:
            return credential
    return None


def result_complete_external(
    *,
    dossier: Dossier,
    actor: User,
    pending_id: int,
    signature_value: bytes,
    file_id: int | None = None,
) -> DossierFile:
    """Step 2: embed the signature value the plugin returned for the prepared signature (of
    the result document `file_id`, when given); the value must verify against the certificate
    for the prepared digest (else SigningFailed)."""
    pending = (
        PendingSignature.objects.select_related("file", "credential")
        .filter(pk=pending_id, actor=actor, file__dossier=dossier)
        .first()
    )
    if pending is not None and file_id is not None and pending.file_id != file_id:
        pending = None
    if pending is None:
        raise ValidationFailed(_("No signing is waiting under this number."))
    if pending.expires_at <= timezone.now():
        pending.delete()
        raise ValidationFailed(_("The signing waited too long; prepare it again."))
    if not signature_value:
        raise ValidationFailed(_("The signature value is empty."))
    file = pending.file
    check_signing_rights(dossier, actor, pending.purpose)
    if file.sha256 != pending.sha256_before:
        raise DomainError(
            _("The result document was changed after the signing was prepared; prepare it again."),
            code="stale_version",
        )
    pdf = pades.finish_external(bytes(pending.state), signature_value)
    options = pending.appearance or {}
    signed = Signed(
        pdf,
        pending.sha256_before,
        pending.purpose,
        "external",
        pending.credential,
        pending.field_name,
        str(options.get("token") or file.verify_token or secrets.token_urlsafe(32)),
        str(options.get("number_notation") or ""),
    )
    return store_signed(dossier, actor, file, signed, pending=pending)


def decode_base64(value: str, *, what: str) -> bytes:
    """Base64 (standard or URL-safe) from an API client; ValidationFailed when it is not."""
    text = "".join(str(value).split())
    try:
        return base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        message = _("The field “%(what)s” is not valid base64.") % {"what": what}
        raise ValidationFailed(message) from None
