from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_templates")]

    operations = [
        migrations.CreateModel(
            name="PeriodicJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="job name")),
                (
                    "last_slot",
                    models.DateTimeField(blank=True, null=True, verbose_name="last slot"),
                ),
                (
                    "last_started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last started at"),
                ),
                (
                    "last_finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last finished at"),
                ),
                (
                    "last_outcome",
                    models.CharField(
                        blank=True,
                        choices=[("ok", "Done"), ("error", "Error")],
                        max_length=10,
                        verbose_name="last outcome",
                    ),
                ),
                ("last_summary", models.TextField(blank=True, verbose_name="last summary")),
            ],
            options={
                "verbose_name": "periodic job",
                "verbose_name_plural": "periodic jobs",
                "ordering": ["name"],
            },
        ),
    ]
