"""The banks whose BIN could be checked in public lists (docs/payments.md "Banks"); an
administrator adds others in the admin."""

import json
from pathlib import Path

from django.db import migrations

BANKS = Path(__file__).resolve().parent.parent / "data" / "banks.json"


def load_banks(apps, schema_editor):
    bank = apps.get_model("payments", "Bank")
    for row in json.loads(BANKS.read_text(encoding="utf-8")):
        bank.objects.update_or_create(
            bin=row["bin"], defaults={"short_name": row["short_name"], "name": row["name"]}
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(load_banks, migrations.RunPython.noop)]
