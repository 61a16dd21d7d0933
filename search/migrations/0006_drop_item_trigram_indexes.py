"""PostgreSQL only: drop the trigram indexes on catalogue items that 0002 created.

The typo fallback now searches the autocomplete table's names (0004), so nothing queries these
any more, and keeping them up to date cost PostgreSQL about 40 µs of CPU per imported line
(docs/benchmarks.md, "Catalogue"). Reversing recreates them.
"""

from django.db import migrations

# As created by 0002_postgres_trigram_indexes.
INDEXES = (
    ("search_item_name_trgm", "name"),
    ("search_item_search_text_trgm", "search_text"),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON catalogue_catalogueitem USING gin ({column} gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0005_fill_autocomplete_names")]

    operations = [migrations.RunPython(forwards, backwards)]
