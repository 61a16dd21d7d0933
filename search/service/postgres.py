"""PostgreSQL only: typo-tolerant matching on names (pg_trgm)."""

from __future__ import annotations

import logging

from django.db import connection, transaction

import swedish_text as text
from search import dbsearch

logger = logging.getLogger("search.service")


def trigram_matches(q: str, versions: list[int], limit: int = 50) -> list[tuple[int, float]]:
    """Items whose name is similar to q by trigrams, best first, one per distinct name and version.

    PostgreSQL only (elsewhere: []).
    """
    if connection.vendor != "postgresql" or not q or not versions:
        return []
    query = " ".join(text.tokens(q))[: text.MAX_QUERY_CHARS]
    if not query:
        return []
    sql = (
        # The autocomplete table has one row per distinct name per version: far fewer rows to recheck
        # than the items when names repeat (migration search/0004 indexes its names by trigrams).
        f"SELECT item_id, word_similarity(%s, name) AS score FROM {dbsearch.AUTOCOMPLETE_TABLE} "  # noqa: S608
        "WHERE version_id = ANY(%s) AND %s <%% name ORDER BY score DESC, item_id LIMIT %s"
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # The default threshold (0.6) misses a word with two typos; 0.45 still keeps noise out.
            cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = 0.45")
            cursor.execute(sql, [query, versions, query, limit])
            return [(row[0], float(row[1])) for row in cursor.fetchall()]
    except Exception:  # pg_trgm missing (migration not run): no typo fallback, never an error
        logger.warning("pg_trgm is not available; no trigram fallback", exc_info=True)
        return []
