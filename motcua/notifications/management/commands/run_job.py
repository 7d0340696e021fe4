"""`manage.py run_job <name>`: run one periodic job now (for cron users and tests).

Without options the job runs whatever its schedule says (jobs are idempotent: the reminders key
each message). `--if-due` runs it only if its current slot is unclaimed, with the worker's claim,
so that a crontab on several hosts still runs it once per slot. `--at` runs it as of another
moment (ISO 8601, Vietnam time if no offset is given). `--list` shows the registered jobs.
"""

from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.notifications import periodic
from motcua.notifications.models import PeriodicJob


class Command(BaseCommand):
    help = "Run one periodic job now (see manage.py run_job --list)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", nargs="?", help="The job's name.")
        parser.add_argument("--list", action="store_true", help="List the registered jobs.")
        parser.add_argument(
            "--if-due", action="store_true", help="Run only if its current slot is unclaimed."
        )
        parser.add_argument("--at", help="Run as of this moment (ISO 8601).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in periodic.registered_jobs():
                when = f"every {job.every}" if job.every else f"daily at {job.daily_at}"
                self.stdout.write(f"{job.name}\t{when}")
            return
        if not options["name"]:
            raise CommandError("Give a job's name (manage.py run_job --list shows them).")
        try:
            job = periodic.get_job(options["name"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        now = None
        if options["at"]:
            try:
                now = datetime.fromisoformat(options["at"])
            except ValueError as exc:
                raise CommandError(f"--at: not an ISO 8601 moment: {options['at']!r}") from exc
            if now.tzinfo is None:
                now = now.replace(tzinfo=periodic.LOCAL_TZ)
        if options["if_due"]:
            ran, summary = periodic.run_if_due(job, now=now)
            if not ran:
                self.stdout.write(f"{job.name}: not due (its current slot was run already)")
                return
        else:
            summary = periodic.run(job, now=now)
        row = PeriodicJob.objects.get(name=job.name)
        if row.last_outcome == PeriodicJob.Outcome.ERROR:
            raise CommandError(f"{job.name} failed: {row.last_summary}")
        self.stdout.write(f"{job.name}: {summary}")
