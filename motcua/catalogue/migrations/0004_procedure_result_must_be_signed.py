"""Signed e-results (issue 16): the procedure flag that requires a digitally signed result."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_procedure_deadline_modes")]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="result_must_be_signed",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "The electronic result needs the competent person's and the organisation's "
                    "digital signatures before the dossier is finished or its result returned "
                    "online (BatBuocKySoKetQua in the national systems)."
                ),
                verbose_name="result must be digitally signed",
            ),
        ),
    ]
