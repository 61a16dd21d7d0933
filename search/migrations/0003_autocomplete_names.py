"""The autocomplete table: one row per distinct item name per catalogue version, indexed by word prefix.

Autocomplete must keep å/ä/ö distinct ("kö" finds "kök", not "kopp") and answer in milliseconds at
500k items. modelsearch's SQLite FTS5 table folds diacritics (unicode61 remove_diacritics), and a scan of
item names grows with the catalogue. One row per distinct name per version keeps the table small when
many items share a name, so a prefix query's first rows are distinct suggestions.
- SQLite: an FTS5 table with the unicode61 tokenizer, diacritics kept, and prefix indexes.
- PostgreSQL: a table with a GIN index on to_tsvector('simple', name) (no stemming, no folding).
Filled by search.indexing (index_items / unindex_version); read by search.dbsearch.autocomplete_ids.
"""

from django.db import migrations

TABLE = "search_autocomplete"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
            "name, version_id UNINDEXED, item_id UNINDEXED, "
            "tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, version_id bigint NOT NULL, "
            "name text NOT NULL, item_id bigint NOT NULL, UNIQUE (version_id, name))"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_name_words ON {TABLE} USING gin (to_tsvector('simple'::regconfig, name))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor in {"sqlite", "postgresql"}:
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_trigram_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
