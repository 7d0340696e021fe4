from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.constants import Role
from motcua.demo.seed import DEMO_PASSWORD, seed


class Command(BaseCommand):
    help = "Load the demo province (Quảng Ninh), its procedure catalogue and demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development; use --force to load it anyway.")
        users = seed()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for user in users:
            role = str(Role(user.role).label) if user.role else "citizen"
            self.stdout.write(f"  {user.username:<12} {role:<24} {user.full_name}")
