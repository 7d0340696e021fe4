"""The statistics table's index (reporting.statistics): received dossiers by when they left
the table, COALESCE(finished_at, closed_at, 9999-12-31), with every column the table reads
included, so PostgreSQL answers a province-wide yearly table from the index alone (an
index-only scan; docs/performance.md, "Statistics").

PostgreSQL only, and created here rather than in Dossier.Meta.indexes: Django cannot declare
an expression index with INCLUDE columns. The expression must stay identical to
`reporting.statistics_history.DONE_AT` (formerly `reporting.statistics._DONE_AT`) for the
planner to use it; 0015 rebuilds it with `id` included. SQLite (development and tests)
does without.
"""

from django.db import migrations

INDEX = "dossier_statistics_idx"
CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX} ON dossiers_dossier
    ((COALESCE(finished_at, closed_at, '9999-12-31 00:00:00+00'::timestamptz)))
    INCLUDE (accepted_at, receiving_agency_id, procedure_id, channel, status, judgement,
             finished_at, closed_at, due_at, paused_at)
    WHERE accepted_at IS NOT NULL
"""
# Refused dossiers (never accepted) by when they were refused.
REFUSED_INDEX = "dossier_refused_idx"
CREATE_REFUSED = f"""
CREATE INDEX IF NOT EXISTS {REFUSED_INDEX} ON dossiers_dossier (closed_at)
    INCLUDE (receiving_agency_id, procedure_id)
    WHERE status = 'not_accepted'
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute(CREATE_REFUSED)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {REFUSED_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0006_catalogue_reimport_keeps_dossiers")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
