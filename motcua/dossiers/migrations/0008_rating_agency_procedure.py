"""Ratings keep their dossier's receiving agency and procedure (copied from the dossier, which
never changes them once received), so the public satisfaction figures group ratings on one index
without joining every rating to its dossier. Added empty and filled here; 0009 makes them
required and adds the index."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_dossiers(apps, schema_editor):
    Rating = apps.get_model("dossiers", "Rating")
    Dossier = apps.get_model("dossiers", "Dossier")
    dossier = Dossier.objects.filter(pk=OuterRef("dossier_id"))
    Rating.objects.update(
        receiving_agency_id=Subquery(dossier.values("receiving_agency_id")[:1]),
        procedure_id=Subquery(dossier.values("procedure_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_citizen_id_unique"),
        ("catalogue", "0003_procedure_deadline_modes"),
        ("dossiers", "0007_statistics_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="rating",
            name="procedure",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="catalogue.procedure",
                verbose_name="procedure",
            ),
        ),
        migrations.AddField(
            model_name="rating",
            name="receiving_agency",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.agency",
                verbose_name="receiving agency",
            ),
        ),
        migrations.RunPython(copy_from_dossiers, migrations.RunPython.noop, elidable=False),
    ]
