"""Writes of e-forms and drafts. Each write is one transaction with its audit event.

What the portal's application page calls (keyword arguments as shown)
---------------------------------------------------------------------
Reads (selectors):
- ``selectors.offered_online(procedure) -> bool``: may citizens apply online at all.
- ``selectors.eform_for(procedure) -> FormDefinition(definition, version, custom)``: the
  published e-form, or the default form of the applicant's basic details (version 0).
- ``selectors.draft_for(user=, procedure=) -> Draft | None`` and ``selectors.drafts_of(user=)``:
  only ever the user's own drafts (another user gets None / nothing).
- ``selectors.component_slots(procedure=, draft=) -> list[Slot]`` (one upload slot per
  component with its files), ``selectors.orphan_files(draft)``, ``selectors.upload_hint()``,
  ``selectors.accept_attribute()``.
- ``selectors.draft_file_get(user=, file_id=) -> DraftFile | None`` for a download view, and
  ``selectors.draft_file_open(draft_file) -> File`` to hand a draft's file to
  ``dossiers.files.dossier_file_add`` when the application is submitted (close it after).

Answers (pure, motcua.eforms.answers):
- ``prefill(definition, user) -> dict``: the answers a new application starts with.
- ``answers_from_post(definition, request.POST) -> dict``: the answers typed on the page.
- ``row_action(definition, request.POST) -> RowAction | None`` and
  ``apply_row_action(definition, answers, action) -> dict``: "Add another" / "Remove" pressed.
- ``validate_answers(definition, answers) -> (clean, errors)``; errors by path
  ("members.1.birth_date").
- ``applicant_fields(clean) -> dict`` for ``dossiers.services.Applicant(**…, user=…)``.

Rendering (motcua.eforms.rendering and templates):
- ``bind(definition, answers, errors) -> BoundForm``, drawn by
  ``{% include "eforms/_form.html" with eform=bound %}`` inside the page's
  ``<form method="post" enctype="multipart/form-data" novalidate>``;
- ``{% include "eforms/_uploads.html" with slots=… orphans=… hint=… accept=… %}``: the upload
  slots (inputs named ``component-<id>``; "Remove" buttons post ``eform-remove-file=<file id>``).
- An Enter key press in a text field posts ``eform-enter`` (treat it as "save the draft").

Writes (this module):
- ``draft_save(user=, procedure=, data=, expected_version=) -> Draft``: keeps the answers as
  typed, valid or not; ``expected_version`` is the version the page was loaded with (0 when
  there was no draft); DomainError "stale_draft" if another device saved in between.
- ``draft_add_file(draft=, component=, upload=, actor=) -> DraftFile`` (content checked).
- ``draft_remove_file(draft_file=, actor=)`` and ``draft_delete(draft=, actor=)`` (call the
  latter in the transaction that creates the dossier: the stored files go after the commit).

Errors: ValidationFailed (bad input: show ``message`` and ``errors``), DomainError with ``code``
"not_online", "stale_draft" or "not_permitted". Nothing is changed when one is raised.
"""

import json
import uuid
from contextlib import suppress
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency
from motcua.catalogue.constants import PublicationStatus
from motcua.catalogue.models import Component, Procedure
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.documents.uploads import check_upload

from . import answers, selectors
from .definition import check_definition
from .models import Draft, DraftFile, EForm

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_DRAFT_BYTES = 256 * 1024  # the answers of one draft, as JSON


# ---------------------------------------------------------------- e-forms (administrators)


def eform_save(
    *,
    procedure: Procedure,
    definition: Any,
    status: str = PublicationStatus.DRAFT,
    source: str = "",
    actor: Any,
) -> EForm:
    """Create or change the e-form of a procedure; a definition with errors is refused with
    every problem listed. Each change raises `version` by one and is audited; saving what is
    already there changes nothing."""
    problems = check_definition(definition)
    if problems:
        raise ValidationFailed(
            _("The form definition has errors; nothing was saved."), errors=problems
        )
    if status not in PublicationStatus.values:
        raise ValidationFailed(_("Unknown status “%(status)s”.") % {"status": status})
    with transaction.atomic():
        eform = EForm.objects.select_for_update().filter(procedure=procedure).first()
        created = eform is None
        if eform is None:
            eform = EForm(procedure=procedure)
        wanted = {"definition": definition, "status": status, "source": source.strip()}
        changed = [name for name, value in wanted.items() if getattr(eform, name) != value]
        if not created and not changed:
            return eform
        for name, value in wanted.items():
            setattr(eform, name, value)
        eform.version += 1
        eform.save()
        audit.record(
            action="eforms.eform_created" if created else "eforms.eform_changed",
            actor=actor,
            subject=eform,
            data={
                "national_code": procedure.national_code,
                "version": eform.version,
                "status": status,
                "changed": sorted(wanted) if created else changed,
            },
        )
    return eform


@transaction.atomic
def eform_delete(*, eform: EForm, actor: Any) -> None:
    """Delete an e-form: the procedure offers the default form again."""
    data = {"id": eform.pk, "national_code": eform.procedure.national_code}
    eform.delete()
    audit.record(action="eforms.eform_deleted", actor=actor, data=data)


def eform_load_bundled(*, actor: Any = None, replace: bool = False) -> list[str]:
    """Load the e-forms shipped in motcua/eforms/data/*.json for the procedures present in the
    catalogue; an existing e-form is kept unless `replace` (an administrator's edits win).
    Returns the national codes loaded."""
    loaded = []
    for path in sorted(DATA_DIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        procedure = Procedure.objects.filter(national_code=document["national_code"]).first()
        if procedure is None:
            continue
        if not replace and EForm.objects.filter(procedure=procedure).exists():
            continue
        eform_save(
            procedure=procedure,
            definition=document["definition"],
            status=document.get("status", PublicationStatus.PUBLISHED),
            source=document.get("source", ""),
            actor=actor,
        )
        loaded.append(procedure.national_code)
    return loaded


# ---------------------------------------------------------------- drafts (citizens)


def _stale() -> DomainError:
    return DomainError(
        _(
            "This draft was saved from another device or window after you opened it, so these "
            "answers were not saved. Open the draft again to go on from its latest version."
        ),
        code="stale_draft",
    )


def _check_owner(draft: Draft, actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or draft.owner_id != actor.pk:
        raise DomainError(_("This draft is not yours."), code="not_permitted")


def draft_save(
    *,
    user: Any,
    procedure: Procedure,
    data: Any,
    expected_version: int,
    agency: Agency | None = None,
) -> Draft:
    """Save the user's answers for the procedure as they are, valid or not (only the keys of the
    form, as texts, choices and rows; see answers.shape), and the agency chosen to receive the
    application (None: not chosen yet). `expected_version` is the draft's
    version when the page was loaded, 0 if there was none; if the draft has moved on since (a
    save from another device), DomainError "stale_draft" and nothing is saved."""
    if not getattr(user, "is_authenticated", False):
        raise DomainError(_("Sign in to save a draft."), code="not_permitted")
    if not selectors.offered_online(procedure):
        raise DomainError(
            _("“%(name)s” cannot be applied for online.") % {"name": procedure.name},
            code="not_online",
        )
    form = selectors.eform_for(procedure)
    shaped = answers.shape(form.definition, data)
    if len(json.dumps(shaped, ensure_ascii=False).encode("utf-8")) > MAX_DRAFT_BYTES:
        raise ValidationFailed(_("The answers are too long to be saved."))
    try:
        with transaction.atomic():
            draft = (
                Draft.objects.select_for_update().filter(owner=user, procedure=procedure).first()
            )
            current = draft.version if draft is not None else 0
            if expected_version != current:
                raise _stale()
            created = draft is None
            if draft is None:
                draft = Draft(owner=user, procedure=procedure)
            draft.data = shaped
            draft.receiving_agency = agency
            draft.version = current + 1
            draft.eform_version = form.version
            draft.save()
            audit.record(
                action="eforms.draft_saved",
                actor=user,
                subject=draft,
                chain=audit.chain_of(draft),
                data={
                    "national_code": procedure.national_code,
                    "version": draft.version,
                    "eform_version": form.version,
                    "created": created,
                },
            )
    except IntegrityError:
        raise _stale() from None  # another device created the draft at the same moment
    return draft


def draft_add_file(*, draft: Draft, component: Component, upload: File, actor: Any) -> DraftFile:
    """Check an upload (size, kind sniffed from the content) and keep it for a component of the
    draft's procedure, under a random name in drafts/YYYY/MM/. The draft's answers and version
    do not change. If anything fails after the file was written, the file is deleted."""
    _check_owner(draft, actor)
    if component.procedure_id != draft.procedure_id:
        raise ValidationFailed(_("This paper is not one of the procedure's components."))
    checked = check_upload(
        upload, allowed=selectors.DRAFT_KINDS, max_bytes=selectors.max_upload_bytes()
    )
    stored: FieldFile | None = None
    try:
        with transaction.atomic():
            locked = Draft.objects.select_for_update().filter(pk=draft.pk).first()
            if locked is None:
                raise _stale()
            kept = DraftFile.objects.filter(draft=locked, component=component).count()
            if kept >= selectors.MAX_FILES_PER_COMPONENT:
                raise ValidationFailed(
                    _("“%(name)s” already has %(n)s files; remove one to add another.")
                    % {"name": component.name, "n": kept}
                )
            now = timezone.now()
            row = DraftFile(
                draft=locked,
                component=component,
                component_name=component.name,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_at=now,
            )
            stored = row.file
            row.file.save(f"{uuid.uuid4().hex}{checked.extension}", upload, save=False)
            row.save()
            Draft.objects.filter(pk=locked.pk).update(updated_at=now)
            _record_file(locked, actor, "eforms.draft_file_added", row)
    except BaseException:
        # Up to and including the commit: the storage is not transactional.
        if stored is not None:
            _delete_names(stored.storage, [stored.name])
        raise
    return row


def draft_remove_file(*, draft_file: DraftFile, actor: Any) -> None:
    """Remove a file from a draft; the stored file is deleted once the removal is committed.
    Removing a file that is already gone changes nothing."""
    draft = draft_file.draft
    _check_owner(draft, actor)
    with transaction.atomic():
        Draft.objects.select_for_update().filter(pk=draft.pk).first()
        deleted, _rows = DraftFile.objects.filter(pk=draft_file.pk, draft=draft).delete()
        if not deleted:
            return
        _record_file(draft, actor, "eforms.draft_file_removed", draft_file)
        storage, name = draft_file.file.storage, draft_file.file.name
        transaction.on_commit(lambda: _delete_names(storage, [name]))


def draft_delete(*, draft: Draft, actor: Any) -> None:
    """Delete a draft and its files (after submitting it, or when the citizen gives it up); the
    stored files are deleted once the deletion is committed."""
    _check_owner(draft, actor)
    with transaction.atomic():
        files = list(DraftFile.objects.filter(draft=draft))
        data = {
            "id": draft.pk,
            "national_code": draft.procedure.national_code,
            "version": draft.version,
            "files": len(files),
        }
        audit.record(
            action="eforms.draft_deleted",
            actor=actor,
            subject=draft,
            chain=audit.chain_of(draft),
            data=data,
        )
        draft.delete()
        if files:
            storage = files[0].file.storage
            names = [row.file.name for row in files]
            transaction.on_commit(lambda: _delete_names(storage, names))


def _record_file(draft: Draft, actor: Any, action: str, row: DraftFile) -> None:
    audit.record(
        action=action,
        actor=actor,
        subject=draft,
        chain=audit.chain_of(draft),
        data={
            "file_id": row.pk,
            "file": row.original_name,
            "component": row.component_name,
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
        },
    )


def _delete_names(storage: Storage, names: list[str | None]) -> None:
    """Remove files from the storage, if they were written (errors are not the caller's)."""
    for name in names:
        if name:
            with suppress(OSError):
                storage.delete(name)
