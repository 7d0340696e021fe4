"""`manage.py fake_sms_gateway --port 9101`: a local SMS gateway for development.

It speaks the generic JSON protocol of `channels.sms.JsonHttpGateway` and prints every SMS that
arrives as one JSON line (also appended to `--jsonl FILE` if given). Point the outbox at it:
MOTCUA_SMS_URL=http://127.0.0.1:9101/sms (then `make run`).
"""

import json
from argparse import ArgumentParser
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from motcua.notifications.fake_servers import Arrival, FakeSmsGateway


class Command(BaseCommand):
    help = "Run a local fake SMS gateway that prints the SMS it receives."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=9101)
        parser.add_argument("--jsonl", type=Path, help="Also append each SMS to this file.")

    def handle(self, *args: Any, **options: Any) -> None:
        jsonl: Path | None = options["jsonl"]

        def record(arrival: Arrival) -> None:
            try:
                sms = arrival.json()
            except ValueError:
                sms = {"raw": arrival.body.decode("utf-8", errors="replace")}
            line = json.dumps(
                {
                    "received_at": datetime.fromtimestamp(arrival.received_at, UTC).isoformat(),
                    "delivery_id": arrival.header("X-Delivery-Id"),
                    "authorized": arrival.header("Authorization").startswith("Bearer "),
                    **(sms if isinstance(sms, dict) else {"json": sms}),
                },
                ensure_ascii=False,
            )
            self.stdout.write(line)
            self.stdout.flush()
            if jsonl is not None:
                with jsonl.open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")

        server = FakeSmsGateway(options["port"], on_arrival=record)
        self.stdout.write(f"fake SMS gateway on {server.url}sms (Ctrl-C to stop)")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.httpd.server_close()
