"""The statistics table's index again (0007), now also covering `id`: the table reads a
dossier's pause history and apologies as of the period end (reporting.statistics_history) by
correlated subqueries on the dossier's id, so without it PostgreSQL leaves the index-only scan
for the table itself. The expression stays identical to `reporting.statistics_history.DONE_AT`.
PostgreSQL only, as 0007."""

from django.db import migrations

INDEX = "dossier_statistics_idx"
COLUMNS = (
    "accepted_at, receiving_agency_id, procedure_id, channel, status, judgement, "
    "finished_at, closed_at, due_at, paused_at"
)
CREATE = """
CREATE INDEX IF NOT EXISTS {index} ON dossiers_dossier
    ((COALESCE(finished_at, closed_at, '9999-12-31 00:00:00+00'::timestamptz)))
    INCLUDE ({columns})
    WHERE accepted_at IS NOT NULL
"""


def _rebuild(schema_editor, columns: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(CREATE.format(index=INDEX, columns=columns))


def forward(apps, schema_editor):
    _rebuild(schema_editor, COLUMNS + ", id")


def backward(apps, schema_editor):
    _rebuild(schema_editor, COLUMNS)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0014_component_certified_copies")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
