"""Prepare the benchmark's users and sample keys in the database named by DATABASE_URL and print
them as JSON: a reception officer at the receiving agency, the demo citizen (with a verified
e-mail address, so allauth lets them sign in), an API token and sample dossier codes."""

import json
import os
import random
import sys

import django

PASSWORD = "motcua-demo-2026"  # the demo password (motcua.demo.seed.DEMO_PASSWORD)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from io import StringIO

    from allauth.account.models import EmailAddress
    from django.core.management import call_command

    from motcua.accounts.constants import Role
    from motcua.accounts.models import Agency, Membership, User
    from motcua.dossiers.models import Dossier

    agency = Agency.objects.exclude(identifier="").order_by("pk").first()
    if agency is None or not Dossier.objects.exists():
        sys.exit("No dossiers: run `manage.py generate_dossiers` first (make demo-large).")
    officer, _ = User.objects.get_or_create(
        username="bench_officer", defaults={"full_name": "Cán bộ một cửa (benchmark)"}
    )
    officer.set_password(PASSWORD)
    officer.save()
    Membership.objects.get_or_create(user=officer, agency=agency, role=Role.RECEPTION_OFFICER)
    citizen = User.objects.get(username="congdan")
    if not citizen.email:
        citizen.email = "congdan@example.invalid"
        citizen.save(update_fields=["email"])
    EmailAddress.objects.update_or_create(
        user=citizen, email=citizen.email, defaults={"verified": True, "primary": True}
    )
    out = StringIO()
    call_command("api_token", officer.username, stdout=out)
    last = Dossier.objects.exclude(code=None).order_by("-pk").values_list("pk", flat=True)[:1]
    top = last[0] if last else 0
    rng = random.Random(1)
    wanted = {rng.randint(1, top) for _ in range(400)}
    codes = list(
        Dossier.objects.filter(pk__in=wanted).exclude(code=None).values_list("code", flat=True)
    )
    json.dump(
        {
            "officer": officer.username,
            "citizen": citizen.username,
            "password": PASSWORD,
            "token": out.getvalue().strip(),
            "codes": codes,
            "dossiers": Dossier.objects.count(),
            "database": _database_version(),
        },
        sys.stdout,
    )


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            return str(cursor.fetchone()[0]).split(" on ")[0]
        return f"{connection.vendor} {connection.Database.sqlite_version}"


if __name__ == "__main__":
    main()
