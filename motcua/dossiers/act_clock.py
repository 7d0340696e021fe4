"""The clock and the steps inside an act (dossiers.services.dossier_act): the legal due time,
the pauses and their history (DossierPause), and the stays at the steps of the internal
process (StepRecord). Each function works on the act's context, in its transaction."""

from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.models import Agency
from motcua.core import audit
from motcua.core.errors import DomainError
from motcua.core.text import nfc
from motcua.deadlines.calendar import Period, judge_step
from motcua.deadlines.constants import DayCount
from motcua.workflow import engine
from motcua.workflow.constants import MoveKind
from motcua.workflow.models import ProcessStep

from . import pauses
from .act_context import ActContext
from .constants import PAUSE_OF_STATUS, DossierStatus
from .models import Dossier, DossierPause, StepRecord
from .selectors import step_agency


def period_json(period: Period | None) -> dict[str, Any] | None:
    """A legal time as stored on the dossier (Dossier.legal_time)."""
    if period is None:
        return None
    return {
        "working_days": period.working_days,
        "working_hours": period.working_hours,
        "calendar_days": period.calendar_days,
        "count": str(period.count),
    }


def period_of(dossier: Dossier) -> Period | None:
    if not dossier.legal_time:
        return None
    values = dict(dossier.legal_time)
    return Period(
        working_days=values.get("working_days"),
        working_hours=values.get("working_hours"),
        calendar_days=values.get("calendar_days"),
        count=DayCount(values.get("count") or DayCount.END_OF_DAY),
    )


def set_due(ctx: ActContext, due: datetime | None) -> None:
    """A new legal due time; the appointment history records what the applicant holds (the
    later of it and an apology's new appointment) when that changes."""
    before = ctx.dossier.appointment_at
    ctx.dossier.due_at = due
    if ctx.dossier.appointment_at != before:
        ctx.appointment = (before, ctx.dossier.appointment_at)
    ctx.event["due_at"] = due.isoformat() if due else None


def pause(ctx: ActContext) -> None:
    """The clock stops (a stop after a supplement request keeps the supplement's start)."""
    ctx.dossier.paused_at = ctx.dossier.paused_at or ctx.now


def open_pause(dossier: Dossier) -> DossierPause | None:
    return dossier.pauses.filter(ended_at__isnull=True).first()


def begin_pause(ctx: ActContext, status: DossierStatus) -> None:
    """Entering a detour status opens its pause in the history, pointing at the act's event."""
    kind = PAUSE_OF_STATUS.get(status)
    if kind is None:
        return
    dossier, now, answer_by = ctx.dossier, ctx.now, ctx.answer_by
    reason = nfc(ctx.data.comment.strip())

    def write(event: audit.AuditEvent) -> None:
        DossierPause.objects.create(
            dossier=dossier,
            kind=kind,
            started_at=now,
            answer_by=answer_by,
            due_before=dossier.due_at,
            reason=reason,
            started_event=event,
        )

    ctx.after_event.append(write)


def end_pause(ctx: ActContext, status: DossierStatus) -> None:
    """Leaving a detour status closes its pause with the due time the act left."""
    if status not in PAUSE_OF_STATUS:
        return
    dossier = ctx.dossier
    dossier.pauses.filter(ended_at__isnull=True).update(
        ended_at=ctx.now, end_act=ctx.act, due_after=dossier.due_at
    )


def resume(ctx: ActContext) -> None:
    """The clock runs again: a new legal due time by the pause's kind (dossiers.pauses) and the
    open step's due time moves by the paused working time."""
    dossier = ctx.dossier
    paused_at = dossier.paused_at or ctx.now
    calendar = ctx.calendar(dossier.receiving_agency)
    period = period_of(dossier)
    pause = open_pause(dossier)
    kind = pause.kind if pause else PAUSE_OF_STATUS[DossierStatus(dossier.status)]
    if dossier.due_at is not None and period is not None:
        due = pauses.resumed_due(
            calendar,
            due_at=dossier.due_at,
            paused_at=paused_at,
            resumed_at=ctx.now,
            period=period,
            kind=kind,
            procedure_mode=dossier.resume_mode,
        )
        set_due(ctx, due)
    ctx.event["resumed_by"] = str(kind)
    paused = calendar.working_time_between(paused_at, ctx.now)
    record = open_record(dossier)
    if record is not None and record.due_at is not None and paused:
        record.due_at = calendar.add_working_time(record.due_at, paused)
        record.save(update_fields=["due_at"])
    dossier.paused_at = None
    ctx.event["paused_working_hours"] = round(paused / timedelta(hours=1), 2)


def move(ctx: ActContext, kind: MoveKind, *, into_transfer: bool) -> None:
    dossier = ctx.dossier
    if dossier.process is None or dossier.current_step is None:
        return  # no internal process: the status machine alone decides
    target = engine.resolve_move(
        dossier.process, dossier.current_step, kind, ctx.data.target_step_id
    )
    if kind == MoveKind.FORWARD and target.is_transfer != into_transfer:
        raise DomainError(
            _("The next step “%(step)s” is at another agency: transfer the dossier.")
            % {"step": target.name}
            if target.is_transfer
            else _("The next step “%(step)s” is not at another agency: forward the dossier.")
            % {"step": target.name},
            code="wrong_move",
        )
    leave(ctx)
    enter(ctx, target)
    ctx.event["comment"] = ctx.data.comment


def open_record(dossier: Dossier) -> StepRecord | None:
    return dossier.step_records.filter(ended_at__isnull=True).first()


def leave(ctx: ActContext) -> None:
    record = open_record(ctx.dossier)
    if record is None:
        return
    record.ended_at, record.ended_by, record.end_act = ctx.now, ctx.actor, ctx.act
    record.judgement = judge_step(ctx.now, record.due_at) if record.due_at else ""
    record.save(update_fields=["ended_at", "ended_by", "end_act", "judgement"])
    ctx.event["step_judgement"] = record.judgement


def enter(ctx: ActContext, step: ProcessStep) -> None:
    dossier = ctx.dossier
    agency = step_agency(dossier=dossier, step=step)
    due = step_due(ctx, step, agency)
    StepRecord.objects.create(
        dossier=dossier, step=step, agency=agency, role=step.role, started_at=ctx.now, due_at=due
    )
    dossier.current_step = step
    dossier.current_agency = agency
    ctx.event |= {
        "step": step.name,
        "step_id": step.pk,
        "step_due_at": due.isoformat() if due else None,
    }


def step_due(ctx: ActContext, step: ProcessStep, agency: Agency) -> datetime:
    """The step's share of the dossier's legal time (in the industry's hours, 1 day = 8 h),
    counted in working time from when the step receives the dossier (now); without a stated
    legal time, the step's own hours."""
    dossier = ctx.dossier
    assert dossier.process is not None
    period = period_of(dossier)
    if period is None:
        hours = float(step.hours)
    else:
        hours = float(engine.step_shares(dossier.process)[step.pk]) * period.nominal_hours
    return ctx.calendar(agency).add_working_time(ctx.now, timedelta(hours=hours))
