"""Rebuild the pause history of dossiers acted on before it was kept, from their audit events
(dossiers.pause_history), so that statistics of past periods see their pauses."""

from django.db import migrations

from motcua.dossiers.pause_history import pauses_from_events

SUBJECT_TYPE = "dossiers.dossier"
BATCH = 2000


def rebuild(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierPause = apps.get_model("dossiers", "DossierPause")
    AuditEvent = apps.get_model("core", "AuditEvent")
    done = set(DossierPause.objects.values_list("dossier_id", flat=True).distinct())
    ids = [
        pk for pk in Dossier.objects.values_list("pk", flat=True).order_by("pk") if pk not in done
    ]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        events = AuditEvent.objects.filter(
            subject_type=SUBJECT_TYPE,
            subject_id__in=[str(pk) for pk in chunk],
            action__in=[f"dossier.{act}" for act in ACTS],
        ).order_by("subject_id", "seq")
        by_dossier: dict[int, list] = {}
        for event in events:
            by_dossier.setdefault(int(event.subject_id), []).append(event)
        rows = []
        for pk, chain in by_dossier.items():
            rows += pauses_from_events(
                chain, lambda pk=pk, **fields: DossierPause(dossier_id=pk, **fields)
            )
        DossierPause.objects.bulk_create(rows)


# The acts that enter or leave a pause, or set the due time on the way.
ACTS = (
    "accept",
    "request_supplement",
    "receive_supplement",
    "request_financial_obligation",
    "confirm_payment",
    "stop",
    "resume",
    "withdraw",
    "refuse",
)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0012_dossier_pause"),
        ("core", "0002_audit_chains"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
