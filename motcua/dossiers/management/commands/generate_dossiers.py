"""Generate a realistic province's dossiers in bulk (see dossiers.generator)."""

import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalogue.models import Procedure
from motcua.dossiers.generator import Options, generate
from motcua.dossiers.models import Dossier


class Command(BaseCommand):
    help = (
        "Generate N dossiers (default 1,000,000) over the last years on the demo province, "
        "with components, fees, steps and valid audit chains, using bulk inserts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=1_000_000, help="dossiers to generate")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument("--years", type=int, default=2, help="spread over this many years")
        parser.add_argument("--batch", type=int, default=5000, help="dossiers per transaction")
        parser.add_argument(
            "--top-up",
            action="store_true",
            help="only add what the database lacks to hold --count dossiers",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["count"] < 0 or options["batch"] < 1 or options["years"] < 1:
            raise CommandError("--count must be >= 0, --batch and --years >= 1.")
        if not Procedure.objects.exists():
            self.stdout.write("The catalogue is empty: loading the demo province first.")
            call_command("load_demo", force=True, no_dossiers=True, stdout=self.stdout)
        count = options["count"]
        if options["top_up"]:
            count = max(count - Dossier.objects.count(), 0)
        try:
            result = generate(
                Options(
                    count=count,
                    seed=options["seed"],
                    years=options["years"],
                    batch=options["batch"],
                ),
                progress=None if options["no_progress"] else sys.stderr,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        rate = result.rows / result.seconds if result.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.dossiers:,} dossiers ({result.rows:,} rows) in {result.seconds:.1f} s: "
                f"{rate:,.0f} rows/s, {result.dossiers / max(result.seconds, 1e-6):,.0f} "
                f"dossiers/s. Received by {len(result.agencies)} agencies, numbered with "
                f"{', '.join(result.codes)}."
            )
        )
