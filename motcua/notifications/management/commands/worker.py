"""`manage.py worker`: the background worker.

With the database task backend (the default, `MOTCUA_TASKS_BACKEND=database`) it runs the
queued tasks with django-tasks-db's worker. On each turn of its loop it also runs the periodic
jobs whose slot has begun (see `motcua.notifications.periodic`: digests, overdue alerts,
escalations) and, every `--sweep` seconds, delivers the outbox messages that are due (retries,
and messages whose task was lost: a worker killed between sending and recording leaves them
"sending" until their lease ends). Several workers may run at once; each message and each slot
of a periodic job is claimed by one of them.

With the Redis backend (`MOTCUA_TASKS_BACKEND=redis`) RQ's workers run the tasks
(`manage.py rqworker default --job-class django_tasks_rq.Job`, as many as needed) and this
command runs only the sweep and the periodic jobs.
"""

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from motcua.notifications import services
from motcua.notifications.periodic import Scheduler


class Command(BaseCommand):
    help = "Run the background worker: queued tasks, periodic jobs and the notification outbox."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--sweep", type=float, default=15.0, help="Seconds between outbox sweeps."
        )
        parser.add_argument(
            "--no-jobs",
            action="store_true",
            help="Do not run the periodic jobs (another worker or cron runs them).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run the queued tasks and the due periodic jobs, sweep and exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        runs_tasks = isinstance(task_backends["default"], DatabaseBackend)
        worker = Worker(
            queue_names=["*"],
            excluded_queue_names=[],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
        )
        # Each batch would log its start and end; say it once instead.
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        tasks = (
            f"tasks every {options['interval']}s"
            if runs_tasks
            else "tasks run by RQ workers (manage.py rqworker)"
        )
        jobs = "no periodic jobs" if options["no_jobs"] else "periodic jobs"
        self.stdout.write(
            f"worker {worker.worker_id}: {tasks}, {jobs}, outbox sweep every {options['sweep']}s"
        )
        if not options["once"]:
            worker.configure_signals()  # SIGTERM/SIGINT: finish the running task, then exit
        scheduler = Scheduler()
        last_sweep = -float("inf")
        while worker.running:
            if runs_tasks:
                worker.run()  # batch mode: returns once no task is ready
            if not options["no_jobs"]:
                for name, summary in scheduler.run_due().items():
                    self.stdout.write(f"periodic job {name}: {summary}")
            if time.monotonic() - last_sweep >= options["sweep"]:
                counts = services.deliver_due()
                if counts:
                    self.stdout.write(f"outbox sweep: {counts}")
                last_sweep = time.monotonic()
            close_old_connections()
            if options["once"]:
                return
            time.sleep(options["interval"])
