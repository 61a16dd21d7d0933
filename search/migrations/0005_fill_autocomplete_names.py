"""Fill the autocomplete table (migration 0003) for the versions indexed before it existed.

search.indexing keeps the table in step from then on; without this, a hub upgraded with its catalogue
already published would suggest nothing on the database backends until each version was indexed again.
Every version gets its rows: who may see an item is checked when suggesting, not here.
"""

from django.db import migrations

TABLE = "search_autocomplete"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor not in {"sqlite", "postgresql"}:
        return
    items = apps.get_model("catalogue", "CatalogueItem")._meta.db_table
    schema_editor.execute(
        f"INSERT INTO {TABLE} (name, version_id, item_id) "  # noqa: S608
        f"SELECT name, version_id, MIN(id) FROM {items} "
        f"WHERE version_id NOT IN (SELECT DISTINCT version_id FROM {TABLE}) GROUP BY version_id, name"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_autocomplete_name_trigrams"),
        ("catalogue", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
