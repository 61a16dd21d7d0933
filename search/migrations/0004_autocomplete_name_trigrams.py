"""PostgreSQL only: a trigram index on the autocomplete table's names, for the typo fallback.

search.service.trigram_matches looks typos up among the distinct names per version (a few rows per
name) instead of every item: at 500k items the item-name scan rechecked 13,000 rows (200+ ms).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_autocomplete_name_trgm ON search_autocomplete USING gin (name gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_autocomplete_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_autocomplete_names")]

    operations = [migrations.RunPython(forwards, backwards)]
