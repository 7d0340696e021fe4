"""Writes of the internal processes. Only drafts change; a published or retired version stays
as it was, because dossiers keep the version they started with."""

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency
from motcua.catalogue.models import Procedure
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed

from . import selectors
from .constants import MoveKind, ProcessStatus
from .models import Process, ProcessMove, ProcessStep


class ProcessNotEditable(DomainError):
    """Published and retired versions are never changed."""

    def __init__(self, process: Process) -> None:
        message = _(
            "The process “%(process)s” is %(status)s and can no longer be changed; "
            "create a new version instead."
        ) % {"process": process, "status": process.get_status_display().lower()}
        super().__init__(message, code="process_not_editable")


def ensure_draft(process: Process) -> None:
    """Raise ProcessNotEditable unless the process is a draft (as stored)."""
    stored = Process.objects.filter(pk=process.pk).values_list("status", flat=True).first()
    if (stored or process.status) != ProcessStatus.DRAFT:
        raise ProcessNotEditable(process)


def _hours(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationFailed(
            _("“%(value)s” is not a number of hours.") % {"value": value}
        ) from exc


def _build_steps(process: Process, steps: Sequence[Mapping[str, Any]]) -> list[ProcessStep]:
    """Step rows from dicts (position, name, role, agency, hours), each checked like a form."""
    built, errors = [], []
    for index, data in enumerate(steps, start=1):
        step = ProcessStep(
            process=process,
            position=data.get("position", index),
            name=data.get("name", ""),
            role=data.get("role", ""),
            agency=data.get("agency"),
            hours=_hours(data.get("hours", 0)),
        )
        try:
            step.full_clean(exclude=["process"], validate_unique=False)
        except ValidationError as exc:
            errors += [f"{index}: {message}" for message in exc.messages]
        built.append(step)
    if errors:
        raise ValidationFailed(_("Some steps are not valid."), errors=errors)
    return built


def _build_moves(
    process: Process, steps: list[ProcessStep], moves: Sequence[Mapping[str, Any]]
) -> list[ProcessMove]:
    """Move rows from dicts (source and target positions, kind)."""
    by_position = {step.position: step for step in steps}
    built = []
    for data in moves:
        source, target = by_position.get(data["source"]), by_position.get(data["target"])
        if source is None or target is None:
            raise ValidationFailed(
                _("A move names a position that has no step: %(source)s → %(target)s.")
                % {"source": data["source"], "target": data["target"]}
            )
        kind = data.get("kind", MoveKind.FORWARD)
        built.append(ProcessMove(process=process, source=source, target=target, kind=kind))
    return built


def _save_parts(
    process: Process, steps: Sequence[Mapping[str, Any]], moves: Sequence[Mapping[str, Any]]
) -> None:
    saved = ProcessStep.objects.bulk_create(_build_steps(process, steps))
    ProcessMove.objects.bulk_create(_build_moves(process, saved, moves))


def _summary(process: Process) -> dict[str, Any]:
    return {
        "procedure": process.procedure.national_code,
        "agency": process.agency_id,
        "version": process.version,
    }


@transaction.atomic
def process_create(
    *,
    procedure: Procedure,
    agency: Agency,
    actor: Any,
    name: str = "",
    decision: str = "",
    steps: Sequence[Mapping[str, Any]],
    moves: Sequence[Mapping[str, Any]] = (),
) -> Process:
    """A new draft, the next version for the procedure at the agency. `steps` are dicts with
    position (default: their order), name, role, agency (None = the home agency) and hours;
    `moves` optional dicts with source and target positions and kind (default forward)."""
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()  # one version at a time
    process = Process.objects.create(
        procedure=procedure,
        agency=agency,
        version=selectors.process_next_version(procedure=procedure, agency=agency),
        name=name,
        decision=decision,
    )
    _save_parts(process, steps, moves)
    audit.record(
        action="workflow.process_created",
        actor=actor,
        subject=process,
        data={**_summary(process), "steps": len(steps), "moves": len(moves)},
    )
    return process


@transaction.atomic
def process_update(
    *,
    process: Process,
    actor: Any,
    name: str | None = None,
    decision: str | None = None,
    steps: Sequence[Mapping[str, Any]] | None = None,
    moves: Sequence[Mapping[str, Any]] | None = None,
) -> Process:
    """Change a draft; `steps` (with `moves`, default none) replace all steps and moves."""
    ensure_draft(process)
    changed = []
    for field, value in (("name", name), ("decision", decision)):
        if value is not None:
            setattr(process, field, value)
            changed.append(field)
    if changed:
        process.save(update_fields=changed)
    if steps is not None:
        process.steps.all().delete()  # cascades to the moves
        _save_parts(process, steps, moves or ())
        changed += ["steps", "moves"]
    audit.record(
        action="workflow.process_changed",
        actor=actor,
        subject=process,
        data={**_summary(process), "fields": changed},
    )
    return process


@transaction.atomic
def process_publish(*, process: Process, actor: Any) -> Process:
    """Put a sound draft in force and retire the version it replaces; ValidationFailed with
    every problem (nothing changes) if it is not sound."""
    locked = Process.objects.select_for_update().get(pk=process.pk)
    if locked.status != ProcessStatus.DRAFT:
        raise DomainError(
            _("Only a draft can be published; “%(process)s” is %(status)s.")
            % {"process": locked, "status": locked.get_status_display().lower()},
            code="process_not_draft",
        )
    problems = selectors.process_problems(process=locked)
    if problems:
        raise ValidationFailed(
            _("The process “%(process)s” cannot be published.") % {"process": locked},
            errors=problems,
        )
    previous = selectors.process_published_other(process=locked)
    if previous is not None:
        previous.status = ProcessStatus.RETIRED
        previous.save(update_fields=["status"])
    locked.status, locked.published_at = ProcessStatus.PUBLISHED, timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit.record(
        action="workflow.process_published",
        actor=actor,
        subject=locked,
        data={**_summary(locked), "retired": previous.pk if previous else None},
    )
    process.status, process.published_at = locked.status, locked.published_at
    return locked


@transaction.atomic
def process_new_version(*, process: Process, actor: Any) -> Process:
    """A new draft with a copy of the steps and moves of `process`, which stays untouched."""
    steps = [
        {
            "position": s.position,
            "name": s.name,
            "role": s.role,
            "agency": s.agency,
            "hours": s.hours,
        }
        for s in process.steps.select_related("agency").order_by("position")
    ]
    moves = [
        {"source": m.source.position, "target": m.target.position, "kind": m.kind}
        for m in process.moves.select_related("source", "target")
    ]
    Procedure.objects.select_for_update().filter(pk=process.procedure_id).first()
    copy = Process.objects.create(
        procedure_id=process.procedure_id,
        agency_id=process.agency_id,
        version=selectors.process_next_version(procedure=process.procedure, agency=process.agency),
        name=process.name,
        decision="",
    )
    _save_parts(copy, steps, moves)
    audit.record(
        action="workflow.process_version_created",
        actor=actor,
        subject=copy,
        data={**_summary(copy), "copied_from": process.pk, "copied_version": process.version},
    )
    return copy
