"""Periodic jobs: slots in Vietnam time, one run per slot however many workers look, failures
recorded, the `run_job` command and the worker's loop."""

import os
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from motcua.notifications import periodic
from motcua.notifications.models import PeriodicJob

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)  # type: ignore[misc]


class Calls:
    def __init__(self) -> None:
        self.times: list[datetime] = []

    def __call__(self, *, now: datetime) -> str:
        self.times.append(now)
        return f"run {len(self.times)}"


@pytest.fixture
def job(monkeypatch):
    """Registers jobs in an empty registry, for the test only (the apps' jobs stay aside)."""
    monkeypatch.setattr(periodic, "_JOBS", {})

    def make(name: str = "test.job", **schedule):
        calls = Calls()
        periodic.register_job(name, calls, **schedule)
        return calls

    return make


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (vn(2026, 2, 13, 7, 29, 59), None),  # before its time: no slot today yet
        (vn(2026, 2, 13, 7, 30), vn(2026, 2, 13, 7, 30)),
        (vn(2026, 2, 13, 23, 59), vn(2026, 2, 13, 7, 30)),  # a late worker still runs it
        (vn(2026, 2, 14, 0, 0), None),  # the next day, before its time: yesterday is not caught up
        # 00:30 UTC is 07:30 in Vietnam (UTC+7, no summer time)
        (datetime(2026, 2, 14, 0, 30, tzinfo=ZoneInfo("UTC")), vn(2026, 2, 14, 7, 30)),
    ],
)
def test_a_daily_slot_starts_at_its_local_time(now, expected):
    job = periodic.Job(name="x", func=print, daily_at=time(7, 30))
    assert job.slot(now) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (vn(2026, 2, 13, 10, 0), vn(2026, 2, 13, 10, 0)),
        (vn(2026, 2, 13, 10, 4, 59), vn(2026, 2, 13, 10, 0)),
        (vn(2026, 2, 13, 10, 5), vn(2026, 2, 13, 10, 5)),
    ],
)
def test_a_slot_every_few_minutes(now, expected):
    job = periodic.Job(name="x", func=print, every=timedelta(minutes=5))
    assert job.slot(now) == expected


def test_a_schedule_is_every_or_daily_not_both(job):
    with pytest.raises(ValueError):
        periodic.register_job("bad", print)
    with pytest.raises(ValueError):
        periodic.register_job("bad", print, every=timedelta(minutes=5), daily_at=time(7, 30))
    with pytest.raises(ValueError):
        periodic.register_job("bad", print, every=timedelta(0))


def test_the_apps_register_their_jobs():
    names = [job.name for job in periodic.registered_jobs()]
    assert "dossiers.official_digest" in names
    assert "dossiers.overdue_reminders" in names


@pytest.mark.django_db
def test_two_workers_run_a_slot_once(job):
    calls = job(every=timedelta(minutes=5))
    first, second = periodic.Scheduler(), periodic.Scheduler()
    at = vn(2026, 2, 13, 10, 1)

    assert first.run_due(now=at) == {"test.job": "run 1"}
    assert second.run_due(now=at) == {}  # the slot is claimed
    assert second.run_due(now=at + timedelta(minutes=3)) == {}  # same slot
    assert first.run_due(now=at + timedelta(minutes=3)) == {}

    assert second.run_due(now=at + timedelta(minutes=4)) == {"test.job": "run 2"}  # 10:05
    assert first.run_due(now=at + timedelta(minutes=4)) == {}
    assert calls.times == [at, at + timedelta(minutes=4)]
    row = PeriodicJob.objects.get(name="test.job")
    assert row.last_slot == vn(2026, 2, 13, 10, 5)
    assert (row.last_outcome, row.last_summary) == ("ok", "run 2")


@pytest.mark.django_db
def test_a_daily_job_runs_once_a_day(job):
    calls = job(daily_at=time(7, 30))
    scheduler = periodic.Scheduler()
    for moment in [
        vn(2026, 2, 13, 7, 0),
        vn(2026, 2, 13, 7, 30),
        vn(2026, 2, 13, 12, 0),
        vn(2026, 2, 14, 7, 29),
        vn(2026, 2, 14, 8, 0),
    ]:
        scheduler.run_due(now=moment)
    assert calls.times == [vn(2026, 2, 13, 7, 30), vn(2026, 2, 14, 8, 0)]


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(job):
    def broken(*, now: datetime) -> None:
        raise RuntimeError("the database is on fire")

    periodic.register_job("test.broken", broken, every=timedelta(minutes=5))
    calls = job(every=timedelta(minutes=5))
    ran = periodic.Scheduler().run_due(now=vn(2026, 2, 13, 10, 0))
    assert ran == {"test.broken": None, "test.job": "run 1"}
    assert len(calls.times) == 1
    row = PeriodicJob.objects.get(name="test.broken")
    assert row.last_outcome == PeriodicJob.Outcome.ERROR
    assert row.last_summary == "RuntimeError: the database is on fire"
    assert row.last_slot == vn(2026, 2, 13, 10, 0)  # not run again before the next slot


@pytest.mark.django_db
def test_run_job_runs_one_now(job):
    calls = job(daily_at=time(7, 30))
    call_command("run_job", "test.job", "--at", "2026-02-13T06:00")
    call_command("run_job", "test.job", "--at", "2026-02-13T06:00")  # forced: runs again
    assert calls.times == [vn(2026, 2, 13, 6, 0)] * 2


@pytest.mark.django_db
def test_run_job_if_due_claims_the_slot(job, capsys):
    calls = job(daily_at=time(7, 30))
    call_command("run_job", "test.job", "--if-due", "--at", "2026-02-13T06:00")  # no slot yet
    call_command("run_job", "test.job", "--if-due", "--at", "2026-02-13T07:45+07:00")
    call_command("run_job", "test.job", "--if-due", "--at", "2026-02-13T09:00")
    assert calls.times == [vn(2026, 2, 13, 7, 45)]
    assert periodic.Scheduler().run_due(now=vn(2026, 2, 13, 10, 0)) == {}  # the worker too
    assert "not due" in capsys.readouterr().out


@pytest.mark.django_db
def test_run_job_refuses_bad_input(job, capsys):
    job(daily_at=time(7, 30))
    with pytest.raises(CommandError, match="no periodic job named"):
        call_command("run_job", "nope")
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("run_job", "test.job", "--at", "tomorrow")
    with pytest.raises(CommandError, match="Give a job's name"):
        call_command("run_job")
    call_command("run_job", "--list")
    assert "test.job\tdaily at 07:30:00" in capsys.readouterr().out
    assert not PeriodicJob.objects.exists()


@pytest.mark.django_db
def test_run_job_fails_when_the_job_fails(job):
    def broken(*, now: datetime) -> None:
        raise RuntimeError("no")

    periodic.register_job("test.broken", broken, every=timedelta(minutes=5))
    with pytest.raises(CommandError, match=r"test\.broken failed: RuntimeError: no"):
        call_command("run_job", "test.broken")


@pytest.mark.django_db(transaction=True)  # the worker closes old connections
def test_the_worker_runs_due_jobs(job, db_tasks, capsys):
    calls = job(every=timedelta(minutes=5))
    call_command("worker", "--once")
    call_command("worker", "--once")  # a second worker in the same slot: nothing
    assert len(calls.times) == 1
    PeriodicJob.objects.all().delete()
    call_command("worker", "--once", "--no-jobs")  # e.g. cron runs them
    assert len(calls.times) == 1
    assert "periodic job test.job: run 1" in capsys.readouterr().out


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="concurrent claims need a server database",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_claim_a_slot_once(job):
    """Eight threads, each its own connection, race for one slot on PostgreSQL."""
    job(every=timedelta(minutes=5))
    at = vn(2026, 2, 13, 10, 0)
    PeriodicJob.objects.create(name="test.job")
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(periodic.claim(periodic.get_job("test.job"), at, now=at))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
