"""SQLite only: the whole match set of a text query on modelsearch's FTS5 index."""

from __future__ import annotations

from modelsearch.utils import get_content_type_pk

from catalogue.models import CatalogueItem
from search import dbsearch


def match_set_sql(groups: list[list[str]], any_word: bool) -> tuple[str, list]:
    """SQL selecting the id of every item the text matches (the whole match set, for counts and sorting).

    The same FTS5 expression as search.dbsearch's ranked match, without bm25() or a limit.
    """
    entry, fts = dbsearch.index_tables()
    sql = (
        f"SELECT CAST(e.object_id AS INTEGER) FROM {fts} CROSS JOIN {entry} e ON e.id = {fts}.rowid "  # noqa: S608
        f"WHERE {fts} MATCH %s AND e.content_type_id = %s"
    )
    return sql, [dbsearch.fts5_query(groups, any_word), get_content_type_pk(CatalogueItem)]
