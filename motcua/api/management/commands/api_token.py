"""Issue (or rotate) a user's API token: `python manage.py api_token <username> [--rotate]`."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.authtoken.models import Token

from motcua.core import audit


class Command(BaseCommand):
    help = (
        "Print the API token of a user, creating it if they have none. With --rotate, replace "
        "it: the old token stops working at once. Send it as `Authorization: Token <key>`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="replace the user's token with a new one"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username, rotate = options["username"], options["rotate"]
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"The user {username!r} is not active; a token would not work.")
        with transaction.atomic():
            existing = Token.objects.select_for_update().filter(user=user).first()
            if existing is not None and not rotate:
                self.stdout.write(existing.key)
                return
            if existing is not None:
                existing.delete()
            token = Token.objects.create(user=user)
            # The key itself is never recorded.
            audit.record(
                action="api.token_rotated" if existing is not None else "api.token_created",
                subject=user,
                data={"username": user.get_username()},
            )
        self.stdout.write(token.key)
