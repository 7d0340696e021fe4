"""Audit chains: events belong to the global chain or to a subject's own chain (a dossier), and
carry their number in it. Existing events form the global chain in id order; their hashes are
unchanged (the digest of the global chain did not change)."""

from django.conf import settings
from django.db import migrations, models


def number_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    seq = 0
    for pk in AuditEvent.objects.order_by("id").values_list("pk", flat=True).iterator():
        seq += 1
        AuditEvent.objects.filter(pk=pk).update(seq=seq)
    AuditChainHead.objects.filter(chain="").update(last_seq=seq)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditchainhead',
            name='chain',
            field=models.CharField(default='', max_length=120, unique=True),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='last_seq',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain',
            field=models.CharField(blank=True, default='', max_length=120, verbose_name='chain'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(null=True, verbose_name='number in the chain'),
        ),
        migrations.RunPython(number_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(verbose_name='number in the chain'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('chain', 'seq'), name='audit_event_chain_seq_unique'),
        ),
    ]
