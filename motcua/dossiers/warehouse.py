"""The citizen's e-warehouse (kho quản lý dữ liệu điện tử của tổ chức, cá nhân): filling it, and
reading it (domain-vn §1.4, §6; models in dossiers.warehouse_models).

What goes in, for the applicant's account (`Dossier.applicant_user`; a dossier without an
account fills no warehouse):
- at acceptance (`warehouse_collect_papers`, called by the accept act inside its transaction):
  every file of the dossier's components, as a paper the reception officer verified;
- when the result is returned (`warehouse_collect_results`, called by the return act inside its
  transaction): every result file, as an e-result of the dossier.

A document points at the dossier file it came from (the same stored bytes, no copy). The same
bytes (SHA-256) are kept once per owner and kind, so collecting again (a dossier re-accepted, a
paper re-used and accepted in a new dossier) adds nothing. `signed` says whether the file is a
PDF whose digital signatures verified when it was added (dossiers.warehouse_signatures).
Each collection that adds documents appends one "warehouse.collected" event to the owner's
warehouse chain ("dossiers.warehouse:<user id>"); the act's own event stays the act's only
event in the dossier's chain.

Reads: `warehouse_documents`, `warehouse_document_get` (the owner's only: anyone else gets
None, which the pages turn into 404), `reusable_documents`, and the re-use facts the API, the
766 index and the national portal's `DuocTaiSuDung` need: `component_reused`,
`dossier_reused`, `component_digitisation_state`. Re-using a document in a new application is
dossiers.warehouse_reuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from motcua.core import audit

from .constants import FilePurpose
from .models import Dossier, DossierComponent, DossierFile
from .warehouse_models import ComponentReuse, DocumentKind, WarehouseDocument
from .warehouse_signatures import is_signed

# TrangThaiSoHoa of the national portal (domain-vn §1.4).
NOT_DIGITISED, DIGITISED, REUSED_PAPER, REUSED_RESULT = 0, 1, 2, 3


def chain_name(owner_id: int) -> str:
    return f"dossiers.warehouse:{owner_id}"


# --- filling it -------------------------------------------------------------------------------


def warehouse_collect_papers(dossier: Dossier, *, actor: Any = None) -> list[WarehouseDocument]:
    """The dossier's component files become verified papers of the applicant's account (see the
    module doc). Call inside the accept act's transaction; returns the documents added."""
    files = dossier.files.filter(purpose=FilePurpose.COMPONENT).select_related("component")
    return _collect(dossier, DocumentKind.PAPER, list(files), actor)


def warehouse_collect_result(
    dossier: Dossier, file: DossierFile, *, actor: Any = None
) -> WarehouseDocument | None:
    """One result file of the dossier becomes an e-result of the applicant's account; None when
    the dossier has no account or the document is already there."""
    if file.dossier_id != dossier.pk or file.purpose != FilePurpose.RESULT:
        raise ValueError("not a result file of this dossier")
    added = _collect(dossier, DocumentKind.RESULT, [file], actor)
    return added[0] if added else None


def warehouse_collect_results(dossier: Dossier, *, actor: Any = None) -> list[WarehouseDocument]:
    """Every result file of the dossier (see `warehouse_collect_result`). Call inside the return
    act's transaction; returns the documents added."""
    files = dossier.files.filter(purpose=FilePurpose.RESULT)
    return _collect(dossier, DocumentKind.RESULT, list(files), actor)


def _collect(
    dossier: Dossier, kind: str, files: list[DossierFile], actor: Any
) -> list[WarehouseDocument]:
    owner_id = dossier.applicant_user_id
    if owner_id is None or not files:
        return []
    with transaction.atomic():
        known = set(
            WarehouseDocument.objects.filter(
                owner_id=owner_id, kind=kind, sha256__in=[f.sha256 for f in files]
            ).values_list("sha256", flat=True)
        )
        now = timezone.now()
        added = []
        for file in files:
            if file.sha256 in known:
                continue
            known.add(file.sha256)
            added.append(_document(dossier, owner_id, kind, file, now))
        WarehouseDocument.objects.bulk_create(added)
        if added:
            _record(dossier, kind, owner_id, added, actor)
    return added


def _document(
    dossier: Dossier, owner_id: int, kind: str, file: DossierFile, now: Any
) -> WarehouseDocument:
    is_result = kind == DocumentKind.RESULT
    component = file.component
    if is_result:
        name = _result_name(dossier)
    else:
        name = component.name if component is not None else file.original_name
    agency = dossier.current_agency if is_result else dossier.receiving_agency
    return WarehouseDocument(
        owner_id=owner_id,
        kind=kind,
        name=name,
        file_name=file.original_name,
        content_type=file.content_type,
        size=file.size,
        sha256=file.sha256,
        source_dossier=dossier,
        source_file=file,
        added_at=now,
        signed=is_signed(file),
        owner_id_number=dossier.applicant_id_number,
        procedure_code=dossier.procedure.national_code,
        number_notation=dossier.result_number if is_result else "",
        issuer=agency.name,
        issued_at=(dossier.returned_at or now) if is_result else (dossier.accepted_at or now),
    )


def _result_name(dossier: Dossier) -> str:
    """What the procedure issues (its catalogue's results, e.g. "Giấy khai sinh"), else its
    name."""
    names = []
    for item in dossier.procedure.results or []:
        text = str(item.get("name", "") if isinstance(item, dict) else item).strip()
        if text:
            names.append(text)
    return "; ".join(names) or dossier.procedure.name


def _record(
    dossier: Dossier, kind: str, owner_id: int, added: list[WarehouseDocument], actor: Any
) -> None:
    audit.record(
        action="warehouse.collected",
        actor=actor,
        subject=dossier,
        chain=chain_name(owner_id),
        data={
            "code": dossier.code or "",
            "kind": kind,
            "documents": [
                {"file_id": d.source_file_id, "name": d.name, "sha256": d.sha256} for d in added
            ],
        },
    )


# --- reading it -------------------------------------------------------------------------------


def warehouse_documents(*, user: Any) -> QuerySet[WarehouseDocument]:
    """The user's documents, e-results first, newest first."""
    if not getattr(user, "is_authenticated", False):
        return WarehouseDocument.objects.none()
    return (
        WarehouseDocument.objects.filter(owner_id=user.pk)
        .select_related("source_dossier", "source_dossier__procedure", "source_file")
        .order_by("-kind", "-added_at", "-id")  # "result" sorts after "paper"
    )


def warehouse_document_get(*, user: Any, document_id: Any) -> WarehouseDocument | None:
    """The user's own document by id; None for anyone else's, a missing one or a bad id."""
    try:
        pk = int(str(document_id))
    except (TypeError, ValueError):
        return None
    return warehouse_documents(user=user).filter(pk=pk).first()


def is_valid(document: WarehouseDocument, today: date | None = None) -> bool:
    """Still valid: no end of validity, or it is not past."""
    day = today or timezone.localdate()
    return document.valid_until is None or document.valid_until >= day


def reusable_documents(*, user: Any, today: date | None = None) -> list[WarehouseDocument]:
    """The documents the user may take into a new application: their own, still valid."""
    day = today or timezone.localdate()
    return list(
        warehouse_documents(user=user).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    )


def component_reused(component: DossierComponent) -> bool:
    """Whether a file of the component was taken from the applicant's e-warehouse
    (`DuocTaiSuDung`)."""
    return ComponentReuse.objects.filter(component=component).exists()


def dossier_reused(dossier: Dossier) -> bool:
    """Whether any component of the dossier was taken from the e-warehouse."""
    return ComponentReuse.objects.filter(component__dossier=dossier).exists()


def reused_component_ids(dossier: Dossier) -> set[int]:
    """The ids of the dossier's re-used components, in one query (for lists and the API)."""
    return set(
        ComponentReuse.objects.filter(component__dossier=dossier).values_list(
            "component_id", flat=True
        )
    )


def reused_exists() -> Exists:
    """For annotating DossierComponent querysets: whether the component was re-used, e.g.
    `DossierComponent.objects.annotate(reused=reused_exists())` (the API's `reused`)."""
    return Exists(ComponentReuse.objects.filter(component_id=OuterRef("pk")))


def component_digitisation_state(component: DossierComponent) -> int:
    """The national portal's `TrangThaiSoHoa`: 0 no file, 1 digitised (scanned or uploaded),
    2 re-used from another dossier's paper, 3 re-used from another dossier's result."""
    kinds = set(
        ComponentReuse.objects.filter(component=component).values_list("source_kind", flat=True)
    )
    if DocumentKind.RESULT in kinds:
        return REUSED_RESULT
    if DocumentKind.PAPER in kinds:
        return REUSED_PAPER
    return DIGITISED if component.files.exists() else NOT_DIGITISED


def reused_file_ids(files: Iterable[DossierFile]) -> set[int]:
    """Which of `files` were taken from the e-warehouse."""
    ids = [f.pk for f in files]
    return set(ComponentReuse.objects.filter(file_id__in=ids).values_list("file_id", flat=True))
