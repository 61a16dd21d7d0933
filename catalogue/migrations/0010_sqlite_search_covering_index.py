"""SQLite only: an index that covers what a search reads of each matched item.

The database search counts its facets with one GROUP BY over the narrowed match set and sorts the whole set
(search/service/database.py). Item rows are wide (description, search text, narrowing terms), so reading
them row by row is most of that query's time at 500k items; this index holds the columns the count, the
visibility test and the sorts read, keyed as the query probes them (version, then id). Measured on 500k
generated items: the GROUP BY of "papper" (62,176 matches) 205–264 ms → 108–115 ms (docs/benchmarks.md).
PostgreSQL reads the match set through a bitmap heap scan and gets no such index.
"""

from django.db import migrations

NAME = "catalogue_item_search_cover"
COLUMNS = "version_id, id, valid_from, valid_to, unspsc, price, base_quantity, eco_labels, name"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON catalogue_catalogueitem ({COLUMNS})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0009_commodity_narrowing_terms")]

    operations = [migrations.RunPython(create, drop)]
