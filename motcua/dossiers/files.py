"""Files of a dossier: scans of its components and the result documents the agency issues.

Who may add one (`may_add_file`):
- a component file: a reception officer of the receiving agency while the dossier is newly
  registered, accepted or waiting for a supplement; the official holding the current step while
  it is being processed; the applicant, for their own dossier, while it is newly registered or a
  supplement is asked of them;
- a result document: a leader or clerk of the agency holding the dossier at the last step of its
  processing, or once it is processed (before the result is returned).

Each file is checked (documents.uploads: size, type sniffed from the content), stored through
the storage API under a random name in dossiers/YYYY/MM/ (never the name it came with, which is
kept in `original_name`), and recorded with its SHA-256 and one "dossier.file_added" event in the
dossier's own audit chain. Adding a file is not an act: the dossier's status and `version` stay
as they are, so an official's open act form does not go stale because a scan was added.

The storage is not part of the database transaction: if the transaction fails after the file
was written, the file is deleted before the error goes on (so a rolled-back dossier leaves no
file behind). A caller wrapping `dossier_file_add` in a larger transaction that fails later must
delete the added files itself, as `dossier_receive_with_files` does.
"""

import uuid
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, Membership, User
from motcua.catalogue.models import Procedure
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.documents.uploads import CheckedUpload, check_upload
from motcua.workflow import engine

from . import states
from .constants import Act, DossierStatus, FilePurpose
from .models import Dossier, DossierComponent, DossierFile
from .selectors import step_agency
from .services import ActInput, Applicant, ComponentReceived, dossier_receive

S = DossierStatus

# What may be uploaded: scans and photos of the papers; the result is a (signed) PDF.
COMPONENT_KINDS = frozenset({"pdf", "jpeg", "png"})
RESULT_KINDS = frozenset({"pdf"})
KINDS_FOR = {FilePurpose.COMPONENT: COMPONENT_KINDS, FilePurpose.RESULT: RESULT_KINDS}

RECEPTION_STATUSES = frozenset(
    {S.REGISTERED, S.INTAKE_SUPPLEMENT_REQUESTED, S.ACCEPTED, S.SUPPLEMENT_REQUESTED}
)
STEP_HOLDER_STATUSES = frozenset(
    {S.ACCEPTED, S.IN_PROCESSING, S.IN_TRANSFER, S.SUPPLEMENT_REQUESTED}
)
APPLICANT_STATUSES = frozenset(
    {S.REGISTERED, S.INTAKE_SUPPLEMENT_REQUESTED, S.SUPPLEMENT_REQUESTED}
)


def max_upload_bytes() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def may_add_file(dossier: Dossier, user: Any, purpose: str) -> bool:
    """Whether `user` may add a file for `purpose` to the dossier now (see the module doc).
    Reads the user's roles; changes nothing."""
    return file_rights(dossier, user).get(purpose, False)


def file_rights(dossier: Dossier, user: Any) -> dict[str, bool]:
    """`may_add_file` for every purpose at once, reading the user's roles in one query."""
    rights = dict.fromkeys(FilePurpose.values, False)
    if not getattr(user, "is_authenticated", False):
        return rights
    status = DossierStatus(dossier.status)
    step = dossier.current_step if status in STEP_HOLDER_STATUSES else None
    holder_agency = step_agency(dossier=dossier, step=step) if step is not None else None
    wanted = {dossier.receiving_agency_id, dossier.current_agency_id}
    if holder_agency is not None:
        wanted.add(holder_agency.pk)
    roles: dict[int, set[str]] = {}
    for agency_id, role in Membership.objects.filter(user=user, agency_id__in=wanted).values_list(
        "agency_id", "role"
    ):
        roles.setdefault(agency_id, set()).add(role)
    rights[FilePurpose.COMPONENT] = bool(
        (status in APPLICANT_STATUSES and dossier.applicant_user_id == user.pk)
        or (
            status in RECEPTION_STATUSES
            and states.RECEPTION & roles.get(dossier.receiving_agency_id, set())
        )
        or (
            step is not None
            and holder_agency is not None
            and step.role in roles.get(holder_agency.pk, set())
        )
    )
    rights[FilePurpose.RESULT] = _result_stage(dossier, status) and bool(
        states.ISSUERS & roles.get(dossier.current_agency_id, set())
    )
    return rights


def _result_stage(dossier: Dossier, status: DossierStatus) -> bool:
    """Processed, or in processing at the last step (where finishing is the way on)."""
    if status == S.PROCESSED:
        return True
    if status != S.IN_PROCESSING:
        return False
    step, process = dossier.current_step, dossier.process
    return step is None or process is None or engine.is_last(process, step)


def dossier_file_add(
    *,
    dossier: Dossier,
    actor: User,
    upload: File,
    purpose: str,
    component: DossierComponent | None = None,
) -> DossierFile:
    """Check `upload` and keep it as a file of the dossier: a scan of `component` (one of the
    dossier's components) or a result document (no component). One transaction with the dossier
    row locked and one audit event; the dossier's status and version do not change (a file is
    not an act). Bad input raises ValidationFailed, a user who may not add it DomainError
    ("act_not_permitted"); either way nothing is stored."""
    if purpose not in FilePurpose.values:
        raise ValidationFailed(
            _("Unknown purpose of the file “%(purpose)s”.") % {"purpose": purpose}
        )
    purpose = FilePurpose(purpose)
    stored: FieldFile | None = None
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            _check_component(locked, purpose, component)
            if not may_add_file(locked, actor, purpose):
                raise DomainError(_not_permitted(purpose, locked), code="act_not_permitted")
            checked = check_upload(upload, allowed=KINDS_FOR[purpose], max_bytes=max_upload_bytes())
            now = timezone.now()
            row = DossierFile(
                dossier=locked,
                purpose=purpose,
                component=component,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_at=now,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            stored = row.file
            row.file.save(f"{uuid.uuid4().hex}{checked.extension}", upload, save=False)
            row.save()
            _record(locked, actor, row, checked, now)
    except BaseException:
        # Up to and including the commit: the storage is not transactional.
        if stored is not None:
            delete_stored(stored)
        raise
    return row


def _check_component(
    dossier: Dossier, purpose: FilePurpose, component: DossierComponent | None
) -> None:
    if purpose == FilePurpose.RESULT and component is not None:
        raise ValidationFailed(_("A result document does not belong to a component."))
    if purpose == FilePurpose.COMPONENT and (
        component is None or component.dossier_id != dossier.pk
    ):
        raise ValidationFailed(_("Choose which component of this dossier the file is for."))


def _not_permitted(purpose: FilePurpose, dossier: Dossier) -> str:
    if purpose == FilePurpose.RESULT:
        message = _("You may not add a result document to a dossier that is “%(status)s”.")
    else:
        message = _("You may not add a file to a dossier that is “%(status)s”.")
    return message % {"status": dossier.get_status_display()}


def _record(
    dossier: Dossier, actor: User, row: DossierFile, checked: CheckedUpload, now: datetime
) -> audit.AuditEvent:
    return audit.record(
        action="dossier.file_added",
        actor=actor,
        subject=dossier,
        chain=audit.chain_of(dossier),
        data={
            "code": dossier.code or "",
            "at": now.isoformat(),
            "file_id": row.pk,
            "file": row.original_name,
            "purpose": row.purpose,
            "component": row.component.name if row.component else "",
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
        },
    )


def delete_stored(field_file: FieldFile) -> None:
    """Remove a file from the storage, if it was written (errors are not the caller's)."""
    name = field_file.name
    if name:
        with suppress(OSError):
            field_file.storage.delete(name)


def dossier_receive_with_files(
    *,
    procedure: Procedure,
    agency: Agency,
    channel: str,
    applicant: Applicant,
    actor: User,
    components: Sequence[ComponentReceived] = (),
    scans: Sequence[tuple[int, File]] = (),
    outcome: Act = Act.ACCEPT,
    data: ActInput | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Counter intake (services.dossier_receive) with the scans of the components received, in
    one transaction: `scans` pairs a catalogue component's id (one that was received) with its
    upload. Every upload is checked before anything is written; if any step fails, no dossier
    and no file is left."""
    errors = []
    for _component_id, upload in scans:
        try:
            check_upload(upload, allowed=COMPONENT_KINDS, max_bytes=max_upload_bytes())
        except ValidationFailed as error:
            errors += error.errors or [error.message]
    if errors:
        raise ValidationFailed(_("The scans were not accepted."), errors=errors)
    added: list[DossierFile] = []
    try:
        with transaction.atomic():
            dossier = dossier_receive(
                procedure=procedure,
                agency=agency,
                channel=channel,
                applicant=applicant,
                actor=actor,
                components=components,
                outcome=outcome,
                data=data,
                at=at,
            )
            received = {c.component_id: c for c in dossier.components.all() if c.component_id}
            for component_id, upload in scans:
                component = received.get(component_id)
                if component is None:
                    raise ValidationFailed(
                        _("A scan was attached to a component that was not received.")
                    )
                added.append(
                    dossier_file_add(
                        dossier=dossier,
                        actor=actor,
                        upload=upload,
                        purpose=FilePurpose.COMPONENT,
                        component=component,
                    )
                )
    except BaseException:
        for row in added:
            delete_stored(row.file)
        raise
    return dossier


def dossier_files(dossier: Dossier, purpose: str | None = None) -> QuerySet[DossierFile]:
    """The dossier's files (of one purpose), oldest first, with their component and uploader.
    The caller has already decided the user may see the dossier (selectors.dossier_get_visible)."""
    files = DossierFile.objects.filter(dossier=dossier).select_related("component", "uploaded_by")
    if purpose is not None:
        files = files.filter(purpose=purpose)
    return files.order_by("uploaded_at", "id")
