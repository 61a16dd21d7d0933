"""CatalogueItem.narrowing_terms: what search narrows a text's matches by (the kind of goods asked for).

The terms (swedish_text.heads.narrowing_terms) are written with search_text when an item is saved or loaded
(fill_search_text). This migration fills them for the items already stored (once per distinct name,
description and search_text; about 0.2 ms of CPU per distinct item, plus the UPDATE) and indexes them per database:
- SQLite: an FTS5 table over the column (external content, kept in step by triggers), one token per term;
- PostgreSQL: a GIN index on the terms as an array.
search/service/filters.py queries them; OpenSearch gets them as a keyword field (run `manage.py update_index`).
"""

from django.db import migrations, models

from swedish_text import search_text_for
from swedish_text.heads import narrowing_terms

ITEMS = "catalogue_catalogueitem"
FTS = "catalogue_item_narrowing"
GIN = "catalogue_item_narrowing_terms"
BATCH = 2000


def fill(apps, schema_editor):
    item_model = apps.get_model("catalogue", "CatalogueItem")
    done: dict[tuple, str] = {}
    last = 0
    while True:
        batch = list(item_model.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            break
        last = batch[-1].pk
        for item in batch:
            text = item.search_text or search_text_for(item)
            key = (item.name, item.description, text)
            if key not in done:
                if len(done) > 50_000:
                    done.clear()
                done[key] = " ".join(narrowing_terms(item.name, item.description, text))
            item.narrowing_terms = done[key]
        item_model.objects.bulk_update(batch, ["narrowing_terms"], batch_size=500)


def index_terms(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(narrowing_terms, content='{ITEMS}', "
            "content_rowid='id', tokenize = 'unicode61 remove_diacritics 0 tokenchars '':''', detail = 'none')"
        )
        schema_editor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON {ITEMS} BEGIN "
            f"INSERT INTO {FTS}(rowid, narrowing_terms) VALUES (new.id, new.narrowing_terms); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON {ITEMS} BEGIN "
            f"INSERT INTO {FTS}({FTS}, rowid, narrowing_terms) VALUES ('delete', old.id, old.narrowing_terms); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE OF id, narrowing_terms ON {ITEMS} BEGIN "
            f"INSERT INTO {FTS}({FTS}, rowid, narrowing_terms) VALUES ('delete', old.id, old.narrowing_terms); "
            f"INSERT INTO {FTS}(rowid, narrowing_terms) VALUES (new.id, new.narrowing_terms); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {GIN} ON {ITEMS} USING gin (string_to_array(narrowing_terms, ' '))"
        )


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for trigger in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}_{trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0007_one_language_status_labels_and_comment_code")]

    operations = [
        migrations.AddField(model_name="catalogueitem", name="narrowing_terms", field=models.TextField(blank=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index_terms, drop_index),
    ]
