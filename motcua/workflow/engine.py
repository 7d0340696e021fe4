"""The pure process engine: which step comes next, back, or last, and whether a process is
sound. No database writes; it reads `process.steps.all()` and `process.moves.all()`, so a
process loaded with `prefetch_related("steps", "moves")` costs no further query.

A step without explicit moves of a kind uses the default: forward to the next step by
position; back to any earlier step of the home agency, nearest first.
"""

from collections import Counter
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core.errors import DomainError
from motcua.deadlines.calendar import HOURS_PER_DAY

from .constants import MoveKind
from .models import Process, ProcessMove, ProcessStep


class MoveNotAllowed(DomainError):
    """The step has no move of this kind, or not to the chosen step."""

    def __init__(
        self,
        step: ProcessStep,
        kind: MoveKind,
        *,
        targets: list[ProcessStep],
        target_id: object = None,
    ) -> None:
        names = {"step": step.name, "kind": MoveKind(kind).label}
        if not targets:
            message = _("No “%(kind)s” move is possible from the step “%(step)s”.") % names
        elif target_id is None:
            choices = ", ".join(f"“{target.name}”" for target in targets)
            message = _("Choose the step to move to (“%(kind)s”) from “%(step)s”: %(choices)s.") % {
                **names,
                "choices": choices,
            }
        else:
            message = _("The step “%(step)s” cannot move (“%(kind)s”) to the chosen step.") % names
        super().__init__(message, code="move_not_allowed")
        self.targets = targets


def _steps(process: Process) -> list[ProcessStep]:
    return sorted(process.steps.all(), key=lambda step: step.position)


def _is_home(process: Process, step: ProcessStep) -> bool:
    return step.agency_id is None or step.agency_id == process.agency_id


def _explicit(process: Process, step: ProcessStep, kind: MoveKind) -> list[ProcessStep] | None:
    """The targets of the explicit moves of `kind` out of `step` (by position), or None when it
    has none. Moves to steps outside the process are ignored (validate() reports them)."""
    by_id = {s.pk: s for s in process.steps.all()}
    targets = [
        by_id[m.target_id]
        for m in process.moves.all()
        if m.source_id == step.pk and m.kind == kind and m.target_id in by_id
    ]
    return sorted(targets, key=lambda target: target.position) if targets else None


def first_step(process: Process) -> ProcessStep:
    """The step a dossier starts at: the lowest position."""
    steps = _steps(process)
    if not steps:
        raise DomainError(_("The process has no steps."), code="process_without_steps")
    return steps[0]


def forward_targets(process: Process, step: ProcessStep) -> list[ProcessStep]:
    """Explicit forward moves out of `step`, else the next step; empty for the last step."""
    explicit = _explicit(process, step, MoveKind.FORWARD)
    if explicit is not None:
        return explicit
    later = [s for s in _steps(process) if s.position > step.position]
    return later[:1]


def back_targets(process: Process, step: ProcessStep) -> list[ProcessStep]:
    """Explicit back moves out of `step`, else every earlier home-agency step, nearest first."""
    explicit = _explicit(process, step, MoveKind.BACK)
    if explicit is not None:
        return explicit[::-1]
    earlier = [s for s in _steps(process) if s.position < step.position and _is_home(process, s)]
    return earlier[::-1]


def resolve_move(
    process: Process, step: ProcessStep, kind: MoveKind, target_id: object = None
) -> ProcessStep:
    """The step a FORWARD or BACK move from `step` leads to. With several allowed targets
    `target_id` must pick one; with one it may be omitted; otherwise MoveNotAllowed."""
    kind = MoveKind(kind)
    targets = (forward_targets if kind == MoveKind.FORWARD else back_targets)(process, step)
    if target_id is None and len(targets) == 1:
        return targets[0]
    chosen = [t for t in targets if target_id is not None and str(t.pk) == str(target_id)]
    if not chosen:
        raise MoveNotAllowed(step, kind, targets=targets, target_id=target_id)
    return chosen[0]


def is_last(process: Process, step: ProcessStep) -> bool:
    """Finishing (the result) is the only way on from this step."""
    return not forward_targets(process, step)


def step_shares(process: Process) -> dict[int, Decimal]:
    """Each step's fraction of the process's total hours, by step id. A process whose steps have
    no hours at all (an unfinished draft; publishing refuses it) shares the time equally."""
    steps = _steps(process)
    total = sum((step.hours for step in steps), Decimal(0))
    if total <= 0:
        return {step.pk: Decimal(1) / len(steps) for step in steps}
    return {step.pk: step.hours / total for step in steps}


# Validation --------------------------------------------------------------------------------


def _hours(value: Decimal | int) -> str:
    """Hours for a message: no trailing zeros, the active language's decimal separator."""
    value = Decimal(value)
    return number_format(int(value) if value == value.to_integral_value() else value.normalize())


def _total_message(total: Decimal, legal_hours: int) -> str:
    numbers = {"total": _hours(total), "legal": _hours(legal_hours)}
    if legal_hours % HOURS_PER_DAY:
        return (
            _("The steps add up to %(total)s working hours; the legal time is %(legal)s hours.")
            % numbers
        )
    days = legal_hours // HOURS_PER_DAY
    return ngettext(
        "The steps add up to %(total)s working hours; the legal time is %(legal)s hours "
        "(%(days)s working day).",
        "The steps add up to %(total)s working hours; the legal time is %(legal)s hours "
        "(%(days)s working days).",
        days,
    ) % {**numbers, "days": days}


def _check_steps(process: Process, steps: list[ProcessStep], legal_hours: int | None) -> list[str]:
    errors = [
        _("Two or more steps have the position %(position)s.") % {"position": position}
        for position, count in sorted(Counter(s.position for s in steps).items())
        if count > 1
    ]
    errors += [
        _("The step “%(step)s” has no working hours.") % {"step": s.name}
        for s in steps
        if s.hours is None or s.hours <= 0
    ]
    total = sum((s.hours or Decimal(0) for s in steps), Decimal(0))
    if legal_hours is not None and total != legal_hours:
        errors.append(_total_message(total, legal_hours))
    if not _is_home(process, steps[0]):
        errors.append(_("The first step (reception) must belong to the process's own agency."))
    if not _is_home(process, steps[-1]):
        errors.append(
            _("The last step must belong to the process's own agency, which issues the result.")
        )
    return errors


def _check_transfers(process: Process, steps: list[ProcessStep]) -> list[str]:
    """A dossier comes back from another agency before it goes anywhere else."""
    return [
        _(
            "The inter-agency step “%(step)s” must be followed by a step of the process's own "
            "agency."
        )
        % {"step": s.name}
        for s in steps[:-1]
        if not _is_home(process, s)
        and not all(
            _is_home(process, t) for t in [*forward_targets(process, s), *back_targets(process, s)]
        )
    ]


def _check_move(move: ProcessMove, by_id: dict[int, ProcessStep]) -> str | None:
    source, target = by_id.get(move.source_id), by_id.get(move.target_id)
    if source is None or target is None:
        return _("A move links a step of another process.")
    names = {"source": source.name, "target": target.name}
    if move.kind == MoveKind.FORWARD and target.position <= source.position:
        return _("The forward move “%(source)s” → “%(target)s” must go to a later step.") % names
    if move.kind == MoveKind.BACK and target.position >= source.position:
        return _("The back move “%(source)s” → “%(target)s” must go to an earlier step.") % names
    return None


def _check_reachable(process: Process, steps: list[ProcessStep]) -> list[str]:
    seen = {steps[0].pk}
    queue = [steps[0]]
    while queue:
        for target in forward_targets(process, queue.pop()):
            if target.pk not in seen:
                seen.add(target.pk)
                queue.append(target)
    return [
        _("The step “%(step)s” cannot be reached from the first step by forward moves.")
        % {"step": s.name}
        for s in steps
        if s.pk not in seen
    ]


def validate(process: Process, legal_hours: int | None) -> list[str]:
    """Translated problems that keep the process from being published (empty when sound).
    `legal_hours` is the procedure's legal time in working hours (1 day = 8 h), if known."""
    steps = _steps(process)
    if not steps:
        return [_("The process has no steps.")]
    by_id = {s.pk: s for s in steps}
    move_errors = [_check_move(move, by_id) for move in process.moves.all()]
    return [
        *_check_steps(process, steps, legal_hours),
        *_check_transfers(process, steps),
        *[error for error in move_errors if error],
        *_check_reachable(process, steps),
    ]
