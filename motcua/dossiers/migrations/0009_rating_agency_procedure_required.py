"""Second half of 0008: the copied agency and procedure become required (in their own
transaction: PostgreSQL will not alter a table with the backfill's deferred foreign-key checks
pending) and get the index the public satisfaction figures read."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0008_rating_agency_procedure")]

    operations = [
        migrations.AlterField(
            model_name="rating",
            name="procedure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="catalogue.procedure",
                verbose_name="procedure",
            ),
        ),
        migrations.AlterField(
            model_name="rating",
            name="receiving_agency",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.agency",
                verbose_name="receiving agency",
            ),
        ),
        migrations.AddIndex(
            model_name="rating",
            index=models.Index(
                fields=["rated_at", "receiving_agency", "procedure", "overall"],
                name="rating_by_agency_procedure",
            ),
        ),
    ]
