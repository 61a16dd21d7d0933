"""Direct ranked queries on modelsearch's database index, for the database backends.

modelsearch's database backends annotate each result with a correlated subquery that
re-runs the full-text match per row, which grows quadratically (seconds at a few
thousand matches). The hub only needs the best ids and scores, so it asks the same index
tables directly: SQLite's FTS5 table with bm25(), PostgreSQL's tsvector columns with
ts_rank(). The query terms come from search.text (letters and digits only), and are
passed as parameters, so no query syntax from the user reaches either engine.
"""

from __future__ import annotations

from django.db import connection
from modelsearch.conf import get_app_config
from modelsearch.utils import get_content_type_pk

from catalogue.models import CatalogueItem

# Weights: a match in the normalised name ("title") counts four times one in the rest ("body").
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0


def _index_tables() -> tuple[str, str]:
    entry = get_app_config().get_model("IndexEntry")._meta.db_table
    return entry, f"{entry}_fts"


def _fts5_query(groups: list[list[str]], any_word: bool) -> str:
    joiner = " OR " if any_word else " AND "
    parts = ["(" + " OR ".join(f'"{form}"' for form in forms) + ")" for forms in groups]
    return "{title body} : (" + joiner.join(parts) + ")"


def _tsquery(groups: list[list[str]], any_word: bool) -> str:
    joiner = " | " if any_word else " & "
    return joiner.join("(" + " | ".join(forms) + ")" for forms in groups)


def match(groups: list[list[str]], versions: list[int], any_word: bool, limit: int) -> list[tuple[int, float]]:
    """(item id, score) best first, higher is better, among items of the given versions."""
    if not groups or not versions:
        return []
    entry, fts = _index_tables()
    content_type = get_content_type_pk(CatalogueItem)
    items = CatalogueItem._meta.db_table
    placeholders = ", ".join(["%s"] * len(versions))
    if connection.vendor == "sqlite":
        # bm25(): lower is better; columns are (autocomplete, body, title).
        sql = (
            f"SELECT c.id, -bm25({fts}, 0.0, {BODY_WEIGHT}, {TITLE_WEIGHT}) AS score "  # noqa: S608
            f"FROM {fts} JOIN {entry} e ON e.id = {fts}.rowid "
            f"JOIN {items} c ON c.id = CAST(e.object_id AS INTEGER) "
            f"WHERE {fts} MATCH %s AND e.content_type_id = %s AND c.version_id IN ({placeholders}) "
            "ORDER BY score DESC, c.id LIMIT %s"
        )
        params = [_fts5_query(groups, any_word), content_type, *versions, limit]
    elif connection.vendor == "postgresql":
        sql = (
            "SELECT c.id, ts_rank(e.title, q) * %s + ts_rank(e.body, q) * %s AS score "  # noqa: S608
            f"FROM {entry} e JOIN {items} c ON c.id = e.object_id::bigint, "
            "to_tsquery(%s::regconfig, %s) AS q "
            f"WHERE e.content_type_id = %s AND (e.title @@ q OR e.body @@ q) AND c.version_id IN ({placeholders}) "
            "ORDER BY score DESC, c.id LIMIT %s"
        )
        params = [TITLE_WEIGHT, BODY_WEIGHT, "swedish", _tsquery(groups, any_word), content_type, *versions, limit]
    else:
        raise NotImplementedError(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(row[0]), float(row[1] or 0.0)) for row in cursor.fetchall()]


AUTOCOMPLETE_TABLE = "search_autocomplete"  # created by migration search/0003


def _word_chars(word: str) -> str:
    return "".join(ch for ch in word if ch.isalnum())


def autocomplete_ids(words: list[str], versions: list[int], limit: int) -> list[int]:
    """Item ids (one per distinct name and version) whose name has words starting with each typed word.

    An indexed prefix query on the autocomplete table, å/ä/ö kept distinct; the caller checks visibility
    and the exact prefix (search.text.prefix_matches), since rows can outlive an edited item.
    """
    words = [w for w in (_word_chars(w) for w in words) if w]
    if not words or not versions:
        return []
    placeholders = ", ".join(["%s"] * len(versions))
    if connection.vendor == "sqlite":
        sql = (
            f"SELECT item_id FROM {AUTOCOMPLETE_TABLE} WHERE {AUTOCOMPLETE_TABLE} MATCH %s "  # noqa: S608
            f"AND version_id IN ({placeholders}) LIMIT %s"
        )
        params = [" AND ".join(f'"{w}"*' for w in words), *versions, limit]
    elif connection.vendor == "postgresql":
        sql = (
            f"SELECT item_id FROM {AUTOCOMPLETE_TABLE} "  # noqa: S608
            "WHERE to_tsvector('simple'::regconfig, name) @@ to_tsquery('simple'::regconfig, %s) "
            f"AND version_id IN ({placeholders}) LIMIT %s"
        )
        params = [" & ".join(f"{w}:*" for w in words), *versions, limit]
    else:
        raise NotImplementedError(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(row[0]) for row in cursor.fetchall()]


def refresh_autocomplete(version_ids: list[int]) -> None:
    """Rebuild the autocomplete rows of these versions from their items (one row per distinct name)."""
    if not version_ids or connection.vendor not in {"sqlite", "postgresql"}:
        return
    items = CatalogueItem._meta.db_table
    with connection.cursor() as cursor:
        for version_id in sorted(set(version_ids)):
            cursor.execute(f"DELETE FROM {AUTOCOMPLETE_TABLE} WHERE version_id = %s", [version_id])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {AUTOCOMPLETE_TABLE} (name, version_id, item_id) "  # noqa: S608
                f"SELECT name, version_id, MIN(id) FROM {items} WHERE version_id = %s GROUP BY version_id, name",
                [version_id],
            )


def drop_autocomplete(version_ids: list[int]) -> None:
    """Remove the autocomplete rows of these versions."""
    if not version_ids or connection.vendor not in {"sqlite", "postgresql"}:
        return
    with connection.cursor() as cursor:
        for version_id in sorted(set(version_ids)):
            cursor.execute(f"DELETE FROM {AUTOCOMPLETE_TABLE} WHERE version_id = %s", [version_id])  # noqa: S608
