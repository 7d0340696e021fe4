"""The assignment of a dossier's current step to a named official (phân công): who it is
assigned to, by whom and when, on the step record; and the index "my tasks" reads it by."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0009_rating_agency_procedure_required"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="steprecord",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="assigned to",
            ),
        ),
        migrations.AddField(
            model_name="steprecord",
            name="assigned_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="assigned at"),
        ),
        migrations.AddField(
            model_name="steprecord",
            name="assigned_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="assigned by",
            ),
        ),
        migrations.AddIndex(
            model_name="steprecord",
            index=models.Index(
                condition=models.Q(("ended_at__isnull", True)),
                fields=["assignee"],
                name="step_record_open_assignee_idx",
            ),
        ),
    ]
