"""Full-text index over Procedure.search_text: FTS5 on SQLite, tsvector + pg_trgm on PostgreSQL."""

from django.db import migrations

# A standalone FTS5 table keyed by the procedure id, kept in step by catalogue.search.index()
# (not by triggers: SQLite drops triggers whenever a migration rebuilds the procedure table).
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE catalogue_procedure_fts USING fts5(search_text, tokenize='unicode61')",
    "INSERT INTO catalogue_procedure_fts(rowid, search_text) "
    "SELECT id, search_text FROM catalogue_procedure",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS catalogue_procedure_fts"]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX catalogue_procedure_search_tsv ON catalogue_procedure "
    "USING gin (to_tsvector('simple', search_text))",
    "CREATE INDEX catalogue_procedure_search_trgm ON catalogue_procedure "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalogue_procedure_search_trgm",
    "DROP INDEX IF EXISTS catalogue_procedure_search_tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
