"""PostgreSQL only: pg_trgm and trigram GIN indexes for typo-tolerant matching on item names.

SQLite has no pg_trgm; there the operation does nothing (typos are corrected in swedish_text).
"""

from django.db import migrations

INDEXES = (
    ("search_item_name_trgm", "name"),
    ("search_item_search_text_trgm", "search_text"),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON catalogue_catalogueitem USING gin ({column} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_log"),
        ("catalogue", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
