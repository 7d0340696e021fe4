"""`manage.py worker`: the background worker (Django's Tasks API, database backend).

It runs the queued tasks with django-tasks-db's worker and, every `--sweep` seconds, delivers
the outbox messages that are due (retries, and messages whose task was lost: a worker killed
between sending and recording leaves them "sending" until their lease ends). Several workers
may run at once; each message is claimed by one of them.
"""

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from motcua.notifications import services


class Command(BaseCommand):
    help = "Run the background worker: queued tasks and the notification outbox."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--sweep", type=float, default=15.0, help="Seconds between outbox sweeps."
        )
        parser.add_argument(
            "--once", action="store_true", help="Run the queued tasks, sweep and exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
        self.stdout.write(
            f"worker {worker.worker_id}: tasks every {options['interval']}s, "
            f"outbox sweep every {options['sweep']}s"
        )
        if not options["once"]:
            worker.configure_signals()  # SIGTERM/SIGINT: finish the running task, then exit
        last_sweep = -float("inf")
        while worker.running:
            worker.run()  # batch mode: returns once no task is ready
            if time.monotonic() - last_sweep >= options["sweep"]:
                counts = services.deliver_due()
                if counts:
                    self.stdout.write(f"outbox sweep: {counts}")
                last_sweep = time.monotonic()
            close_old_connections()
            if options["once"]:
                return
            time.sleep(options["interval"])
