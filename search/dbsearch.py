"""Direct ranked queries on modelsearch's database index, for the database backends.

modelsearch's database backends annotate each result with a correlated subquery that
re-runs the full-text match per row, which grows quadratically (seconds at a few
thousand matches). The hub only needs the best ids and scores, so it asks the same index
tables directly: SQLite's FTS5 table with bm25(), PostgreSQL's tsvector columns with
ts_rank(). The query terms come from swedish_text (letters and digits only), and are
passed as parameters, so no query syntax from the user reaches either engine.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.db import connection, transaction
from modelsearch.conf import get_app_config
from modelsearch.utils import get_content_type_pk

from catalogue.models import CatalogueItem

# Weights: a match in the normalised name ("title") counts four times one in the rest ("body").
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0


def index_tables() -> tuple[str, str]:
    entry = get_app_config().get_model("IndexEntry")._meta.db_table
    return entry, f"{entry}_fts"


def fts5_query(groups: list[list[str]], any_word: bool) -> str:
    joiner = " OR " if any_word else " AND "
    parts = ["(" + " OR ".join(f'"{form}"' for form in forms) + ")" for forms in groups]
    return "{title body} : (" + joiner.join(parts) + ")"


def tsquery(groups: list[list[str]], any_word: bool) -> str:
    joiner = " | " if any_word else " & "
    return joiner.join("(" + " | ".join(forms) + ")" for forms in groups)


# Scoring every match is linear in the matches (bm25 on SQLite, ts_rank on PostgreSQL):
# 150k matches of a broad word in a 500k catalogue take 200+ ms. Above this many matches only the
# strongest tier is scored, see `match`.
RANK_ALL_LIMIT = 5_000
# Score added to the strict tier (the user's own words in the item name) so it stays above the rest.
STRICT_TIER_BONUS = 1000.0


def match(groups: list[list[str]], versions: list[int], any_word: bool, limit: int) -> list[tuple[int, float]]:
    """(item id, score) best first, higher is better, among items of the given versions.

    Up to RANK_ALL_LIMIT matches every match is scored (bm25 / ts_rank) and the best `limit` kept.
    Beyond that (a broad word in a large catalogue) the match is split into tiers, each taken in
    turn until `limit` ids are found: first items whose name has the user's own words, then any
    match. A tier is scored when it is small enough, else taken in index order.
    """
    if not groups or not versions:
        return []
    full = _Tier(groups, any_word, title_only=False)
    if not full.more_than(RANK_ALL_LIMIT):
        return full.rows(versions, limit, ranked=True)
    strict = _Tier([forms[:1] for forms in groups], any_word, title_only=True)
    found: dict[int, float] = {}
    for tier, bonus in ((strict, STRICT_TIER_BONUS), (full, 0.0)):
        if len(found) >= limit:
            break
        for pk, score in tier.rows(versions, limit, ranked=not tier.more_than(RANK_ALL_LIMIT)):
            found.setdefault(pk, score + bonus)
    return sorted(found.items(), key=lambda row: (-row[1], row[0]))[:limit]


class _Tier:
    """One full-text match expression on modelsearch's index: how many it matches, and its rows."""

    def __init__(self, groups: list[list[str]], any_word: bool, title_only: bool):
        self.groups, self.any_word, self.title_only = groups, any_word, title_only
        self.entry, self.fts = index_tables()
        self._more_than: dict[int, bool] = {}

    def _fts5(self) -> str:
        query = fts5_query(self.groups, self.any_word)
        return query.replace("{title body}", "{title}", 1) if self.title_only else query

    def _pg_where(self) -> str:
        return "e.title @@ q" if self.title_only else "(e.title @@ q OR e.body @@ q)"

    def more_than(self, n: int) -> bool:
        """Whether the whole index (every version) has more than n matches; stops counting after n + 1."""
        if n in self._more_than:
            return self._more_than[n]
        if connection.vendor == "sqlite":
            inner, params = f"SELECT 1 FROM {self.fts} WHERE {self.fts} MATCH %s", [self._fts5()]  # noqa: S608
        else:
            inner = (
                f"SELECT 1 FROM {self.entry} e, to_tsquery(%s::regconfig, %s) AS q "  # noqa: S608
                f"WHERE e.content_type_id = %s AND {self._pg_where()}"
            )
            params = ["swedish", tsquery(self.groups, self.any_word), get_content_type_pk(CatalogueItem)]
        # A transaction only on PostgreSQL, for SET LOCAL: on SQLite (IMMEDIATE transactions) it would
        # take the one write lock for a read, and the search would wait behind the task worker.
        postgres = connection.vendor == "postgresql"
        with transaction.atomic() if postgres else nullcontext(), connection.cursor() as cursor:
            if postgres:
                # With LIMIT the planner bets on a sequential scan finding n rows early; a rare word then
                # reads the whole table (50+ ms at 500k items). The GIN index finds them in a few ms.
                cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"SELECT count(*) FROM ({inner} LIMIT %s) AS m", [*params, n + 1])  # noqa: S608
            self._more_than[n] = int(cursor.fetchone()[0]) > n
        return self._more_than[n]

    def rows(self, versions: list[int], limit: int, ranked: bool) -> list[tuple[int, float]]:
        """(item id, score) among items of the versions: the best `limit` when ranked, else the first."""
        entry, fts = self.entry, self.fts
        content_type = get_content_type_pk(CatalogueItem)
        items = CatalogueItem._meta.db_table
        placeholders = ", ".join(["%s"] * len(versions))
        if connection.vendor == "sqlite":
            # bm25(): lower is better; columns are (autocomplete, body, title).
            score = f"-bm25({fts}, 0.0, {BODY_WEIGHT}, {TITLE_WEIGHT})" if ranked else "0.0"
            sql = (
                f"SELECT c.id, {score} AS score "  # noqa: S608
                # CROSS JOIN keeps the full-text match as the outer loop; the planner otherwise scans the
                # index entries and probes FTS5 per row (1.6 s instead of 5 ms at 500k items).
                f"FROM {fts} CROSS JOIN {entry} e ON e.id = {fts}.rowid "
                f"CROSS JOIN {items} c ON c.id = CAST(e.object_id AS INTEGER) "
                f"WHERE {fts} MATCH %s AND e.content_type_id = %s AND c.version_id IN ({placeholders}) "
                + ("ORDER BY score DESC, c.id " if ranked else "")
                + "LIMIT %s"
            )
            params = [self._fts5(), content_type, *versions, limit]
        elif connection.vendor == "postgresql":
            score = "ts_rank(e.title, q) * %s + ts_rank(e.body, q) * %s" if ranked else "0.0"
            sql = (
                f"SELECT c.id, {score} AS score "  # noqa: S608
                f"FROM {entry} e JOIN {items} c ON c.id = e.object_id::bigint, "
                "to_tsquery(%s::regconfig, %s) AS q "
                f"WHERE e.content_type_id = %s AND {self._pg_where()} AND c.version_id IN ({placeholders}) "
                + ("ORDER BY score DESC, c.id " if ranked else "")
                + "LIMIT %s"
            )
            weights = [TITLE_WEIGHT, BODY_WEIGHT] if ranked else []
            params = [*weights, "swedish", tsquery(self.groups, self.any_word), content_type, *versions, limit]
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
    and the exact prefix (swedish_text.prefix_matches), since rows can outlive an edited item.
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
        params: list[str | int] = [" AND ".join(f'"{w}"*' for w in words), *versions, limit]
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
    drop_autocomplete(version_ids)
    items = CatalogueItem._meta.db_table
    with connection.cursor() as cursor:
        for version_id in sorted(set(version_ids)):
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
