"""An online submission's short reference (dossiers.references) and how the applicant wants
the result (at the counter, by post to an address, online).

Online dossiers already submitted and still without a code get a reference, so that their
applicants can look them up too; accepted ones keep being known by their code.
"""

import secrets

from django.db import migrations, models

# The alphabet and length of dossiers.references, copied: a migration must not change when the
# module does.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8


def fill_references(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    taken = set(Dossier.objects.exclude(reference__isnull=True).values_list("reference", flat=True))
    waiting = Dossier.objects.filter(channel="online", code__isnull=True, reference__isnull=True)
    for dossier in waiting.only("pk").iterator():
        reference = ""
        while not reference or reference in taken:
            reference = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        taken.add(reference)
        Dossier.objects.filter(pk=dossier.pk).update(reference=reference)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0010_step_assignee")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="reference",
            field=models.CharField(
                blank=True,
                max_length=12,
                null=True,
                unique=True,
                verbose_name="submission reference",
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="result_delivery",
            field=models.CharField(
                blank=True,
                choices=[("counter", "At the counter"), ("post", "By post"), ("online", "Online")],
                help_text="How the applicant asked to receive the result.",
                max_length=10,
                verbose_name="result wanted",
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="result_delivery_address",
            field=models.CharField(
                blank=True, max_length=500, verbose_name="address for the result by post"
            ),
        ),
        migrations.RunPython(fill_references, migrations.RunPython.noop),
    ]
