"""Re-using a document of the citizen's e-warehouse in a new online application, instead of
uploading the paper again (Decree 45/2020: agencies must not ask again for papers already
digitised and still valid).

1. On the application page the citizen picks, for a component, one of their own still-valid
   documents (`warehouse_reuse_in_draft`): its bytes are kept as a file of the draft like an
   upload (checked by content as an upload is), and a DraftReuse row remembers where it came
   from. Another citizen's document, an expired one or a bad id is a ValidationFailed with a
   clear message, and nothing is kept.
2. Submitting (`dossier_submit_online_reusing`, in place of dossiers.online.dossier_submit_online)
   turns each such draft file, now a file of the dossier's component, into a ComponentReuse row,
   in the same transaction as the submission, with one "dossier.components_reused" event in the
   dossier's chain.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalogue.models import Component
from motcua.core import audit
from motcua.core.errors import ValidationFailed
from motcua.eforms.models import Draft, DraftFile
from motcua.eforms.services import draft_add_file

from .constants import FilePurpose
from .files import delete_stored
from .models import Dossier
from .online import dossier_submit_online
from .warehouse import is_valid, warehouse_document_get
from .warehouse_models import ComponentReuse, DraftReuse, WarehouseDocument


def not_yours() -> str:
    return _("This document is not in your e-warehouse.")


def warehouse_reuse_in_draft(
    *, draft: Draft, component: Component, document_id: Any, actor: User
) -> DraftFile:
    """Keep the actor's e-warehouse document `document_id` as a file of `component` in their
    draft (see the module doc). Picking the same document again for the same component keeps
    the one already there."""
    document = warehouse_document_get(user=actor, document_id=document_id)
    if document is None:
        raise ValidationFailed(not_yours(), errors=[not_yours()])
    if not is_valid(document):
        message = _("“%(name)s” is no longer valid (until %(day)s).") % {
            "name": document.name,
            "day": document.valid_until.strftime("%d/%m/%Y") if document.valid_until else "",
        }
        raise ValidationFailed(message, errors=[message])
    existing = DraftReuse.objects.filter(
        draft_file__draft=draft, draft_file__component=component, document=document
    ).first()
    if existing is not None and draft.owner_id == actor.pk:
        return existing.draft_file
    return _copy_into_draft(draft, component, document, actor)


def _copy_into_draft(
    draft: Draft, component: Component, document: WarehouseDocument, actor: User
) -> DraftFile:
    stored = document.source_file.file
    try:
        handle = stored.storage.open(stored.name or "", "rb")
    except OSError:
        message = _("The file of “%(name)s” cannot be read; upload the paper instead.") % {
            "name": document.name
        }
        raise ValidationFailed(message, errors=[message]) from None
    row: DraftFile | None = None
    try:
        with handle, transaction.atomic():
            row = draft_add_file(
                draft=draft,
                component=component,
                upload=File(handle, name=document.file_name),
                actor=actor,
            )
            DraftReuse.objects.create(draft_file=row, document=document)
    except BaseException:
        if row is not None and row.file.name:  # kept by draft_add_file, then rolled back
            with suppress(OSError):
                row.file.storage.delete(row.file.name)
        raise
    return row


def draft_reused_file_ids(draft: Draft | None) -> set[int]:
    """The ids of the draft's files that came from the e-warehouse."""
    if draft is None:
        return set()
    return set(
        DraftReuse.objects.filter(draft_file__draft=draft).values_list("draft_file_id", flat=True)
    )


def dossier_submit_online_reusing(*, draft: Draft, actor: User, **kwargs: Any) -> Dossier:
    """dossiers.online.dossier_submit_online (same arguments), then the files that came from the
    e-warehouse are recorded as re-used on their components, all in one transaction; if that
    fails, nothing is left (no dossier, no stored file)."""
    picks = [
        (row.draft_file.component_id, row.draft_file.sha256, row.document)
        for row in DraftReuse.objects.filter(draft_file__draft=draft).select_related(
            "draft_file", "document", "document__source_dossier"
        )
    ]
    dossier: Dossier | None = None
    try:
        with transaction.atomic():
            dossier = dossier_submit_online(draft=draft, actor=actor, **kwargs)
            if picks:
                _record_reuses(dossier, actor, picks)
    except BaseException:
        if dossier is not None:  # submitted, then the re-use record failed: rolled back
            for stored in dossier.files.all():
                delete_stored(stored.file)
        raise
    return dossier


def _record_reuses(
    dossier: Dossier, actor: User, picks: list[tuple[int | None, str, WarehouseDocument]]
) -> None:
    files = dossier.files.filter(purpose=FilePurpose.COMPONENT).select_related("component")
    by_key = {(f.component.component_id, f.sha256): f for f in files if f.component is not None}
    now, rows = timezone.now(), []
    for component_id, sha256, document in picks:
        file = by_key.pop((component_id, sha256), None)
        if file is None or file.component is None:
            continue
        rows.append(
            ComponentReuse(
                component=file.component,
                file=file,
                document=document,
                source_kind=document.kind,
                source_dossier_code=document.source_dossier.code or "",
                reused_at=now,
            )
        )
    ComponentReuse.objects.bulk_create(rows)
    if rows:
        audit.record(
            action="dossier.components_reused",
            actor=actor,
            subject=dossier,
            chain=audit.chain_of(dossier),
            data={
                "at": now.isoformat(),
                "components": [
                    {
                        "component": row.component.name,
                        "file_id": row.file_id,
                        "document_id": row.document_id,
                        "kind": row.source_kind,
                        "from_dossier": row.source_dossier_code,
                    }
                    for row in rows
                ],
            },
        )
