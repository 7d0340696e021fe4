"""Periodic jobs: functions the worker runs on a schedule, once per slot however many workers run.

An app registers its jobs in its AppConfig.ready (notifications never imports the apps that own
them, as with notice events), e.g. ::

    register_job("dossiers.official_digest", send_digests, daily_at=time(7, 30))
    register_job("dossiers.step_overdue", alert_overdue_steps, every=timedelta(minutes=5))

A job is called as `func(now=<aware datetime>)` and returns a short summary (logged and kept on
its `PeriodicJob` row). Its schedule is cut into slots, in Vietnam time (Asia/Ho_Chi_Minh):

- `every=` — slots of that length counted from 2000-01-01 00:00; a job runs once per slot, as
  soon as a worker looks after the slot has begun.
- `daily_at=` — one slot a day starting at that time; a worker that starts later that day runs
  the job then, but a day wholly missed is not caught up the next morning (its digest would be
  stale).

Each run is claimed with one conditional `UPDATE` of the job's row (`last_slot < slot`), as the
outbox claims a message: of several workers looking at once, exactly one runs the slot. A job
that fails keeps its slot (it is logged and recorded); the next slot runs it again. Jobs must be
idempotent anyway (the reminders key each message), so `manage.py run_job <name>` may run one
now, outside the schedule.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from .models import PeriodicJob

log = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EPOCH = datetime(2000, 1, 1, tzinfo=LOCAL_TZ)


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[..., Any]
    every: timedelta | None = None
    daily_at: time | None = None

    def slot(self, now: datetime) -> datetime | None:
        """The start of the slot `now` falls in, or None when no slot has begun (a daily job
        before its time)."""
        if self.every is not None:
            return EPOCH + ((now - EPOCH) // self.every) * self.every
        assert self.daily_at is not None
        local = now.astimezone(LOCAL_TZ)
        start = datetime.combine(local.date(), self.daily_at, tzinfo=LOCAL_TZ)
        return start if local >= start else None


_JOBS: dict[str, Job] = {}


def register_job(
    name: str,
    func: Callable[..., Any],
    *,
    every: timedelta | None = None,
    daily_at: time | None = None,
) -> Job:
    """Make `func` a periodic job (idempotent by name): give exactly one of `every` and
    `daily_at` (local time)."""
    if (every is None) == (daily_at is None):
        raise ValueError("give exactly one of every and daily_at")
    if every is not None and every <= timedelta(0):
        raise ValueError("every must be positive")
    job = Job(name=name, func=func, every=every, daily_at=daily_at)
    _JOBS[name] = job
    return job


def unregister_job(name: str) -> None:
    _JOBS.pop(name, None)


def registered_jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def get_job(name: str) -> Job:
    try:
        return _JOBS[name]
    except KeyError:
        raise LookupError(f"no periodic job named {name!r}") from None


def claim(job: Job, slot: datetime, *, now: datetime | None = None) -> bool:
    """Claim `slot` of `job` for this worker: True for exactly one caller per slot."""
    PeriodicJob.objects.get_or_create(name=job.name)
    return bool(
        PeriodicJob.objects.filter(name=job.name)
        .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
        .update(last_slot=slot, last_started_at=now or timezone.now())
    )


def run(job: Job, *, now: datetime | None = None) -> Any:
    """Run `job` now and record the outcome on its row; an exception is logged and recorded,
    not raised (one failing job does not stop the worker)."""
    now = now or timezone.now()
    PeriodicJob.objects.get_or_create(name=job.name)
    try:
        result = job.func(now=now)
    except Exception as exc:
        log.exception("periodic job %s failed", job.name)
        _record(job, outcome=PeriodicJob.Outcome.ERROR, summary=f"{type(exc).__name__}: {exc}")
        return None
    _record(job, outcome=PeriodicJob.Outcome.OK, summary="" if result is None else str(result))
    return result


def _record(job: Job, *, outcome: str, summary: str) -> None:
    PeriodicJob.objects.filter(name=job.name).update(
        last_finished_at=timezone.now(), last_outcome=outcome, last_summary=summary[:2000]
    )


def run_if_due(job: Job, *, now: datetime | None = None) -> tuple[bool, Any]:
    """Run `job` if its current slot is unclaimed: (whether it ran, its summary)."""
    now = now or timezone.now()
    slot = job.slot(now)
    if slot is None or not claim(job, slot, now=now):
        return False, None
    return True, run(job, now=now)


class Scheduler:
    """What the worker calls on each turn of its loop: runs the jobs whose slot has begun.

    It remembers the slot it last looked at for each job, so the database is asked once per
    slot and worker, not on every turn."""

    def __init__(self) -> None:
        self.seen: dict[str, datetime] = {}

    def run_due(self, *, now: datetime | None = None) -> dict[str, Any]:
        now = now or timezone.now()
        ran: dict[str, Any] = {}
        for job in registered_jobs():
            slot = job.slot(now)
            if slot is None or self.seen.get(job.name) == slot:
                continue
            self.seen[job.name] = slot
            if claim(job, slot, now=now):
                ran[job.name] = run(job, now=now)
        return ran
