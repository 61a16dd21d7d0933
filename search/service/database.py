"""A search on the database backends (SQLite FTS5, PostgreSQL tsvector): exact counts over the whole match set.

The text's match set, narrowed to the goods asked for, is one expression on the items' terms index (SQLite:
FTS5 table keyed by item id; PostgreSQL: GIN over the terms array; search.service.filters.condition_q), so
the total and every facet come from one GROUP BY over it (search.service.facets), and sorting by price
orders all of it. Relevance order uses the best MAX_MATCHES ranked ids from modelsearch's full-text index
(search.dbsearch: bm25 / ts_rank), then the rest of the match set by agreement rank and name. A count that
takes longer than COUNT_SECONDS is stopped and reported as "more than N" instead of a wrong number.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet

from catalogue.models import CatalogueItem
from search import dbsearch
from search.service import postgres
from search.service.facets import FacetCounts, database_counts
from search.service.filters import Filter, MatchSetFilter, Narrowing, condition_q
from search.service.query import MAX_MATCHES
from swedish_text.heads import AllOf, text_condition

logger = logging.getLogger("search.service")

# How long the facet and total count may take before the hub says "more than N" instead.
COUNT_SECONDS = 5.0
# When the count was stopped: how many matches are counted at most, to say "more than N".
COUNT_FLOOR = 10_000
# SQLite checks the time every this many virtual-machine steps.
PROGRESS_STEPS = 10_000
# Relevance: rank 1 keeps its score, rank 2 gets 80 %, ... (the agreement's preferred rank).
RANK_PENALTY = 0.25
UNIT_PRICE = ExpressionWrapper(
    F("price") / F("base_quantity"), output_field=DecimalField(max_digits=20, decimal_places=6)
)
SORT_ORDER = {
    "price": ("price", "name", "pk"),
    "-price": ("-price", "name", "pk"),
    "unit_price": ("unit_price_value", "name", "pk"),
    # Without text: first-choice agreements first, then by name.
    "relevance": ("version__catalogue__agreement__preferred_rank", "name", "pk"),
}


@dataclass
class Page:
    """What an engine answers: the page's ids in order, the exact counts, and whether the text was relaxed."""

    ids: list[int]
    counts: FacetCounts
    relaxed: bool = False


def search_database(
    groups: list[list[str]],
    q: str,
    visible: QuerySet,
    versions: list[int],
    filters: dict[str, Filter],
    sort: str,
    start: int,
    size: int,
    narrowing: Narrowing | None = None,
) -> Page:
    """`narrowing`: which items of the text's match set are the goods asked for, what browsing is limited to,
    and what an unmatched query falls back on (search.query_text; None: the match set as the engine gives it)."""
    narrowing = narrowing or Narrowing()
    relaxed = False
    scores: dict[int, float] | None = None
    if groups:
        any_word = False
        base, text_filter = text_matches(narrowing, visible, groups, any_word)
        counts = _counted(base, filters)
        if not counts.matched and len(groups) > 1:
            any_word = True
            base, text_filter = text_matches(narrowing, visible, groups, any_word)
            counts = _counted(base, filters)
            relaxed = bool(counts.matched)
        if not counts.matched and narrowing.unmatched is not None:
            # English words through the UNSPSC category names ("furniture").
            base = visible.filter(narrowing.unmatched.q())
            counts = _counted(base, filters)
        elif not counts.matched:
            # PostgreSQL: pg_trgm similarity on the names catches typos the dictionary cannot correct.
            similar = postgres.trigram_matches(q, versions)
            if similar:
                scores = dict(similar)
                base = visible.filter(pk__in=list(scores))
                counts = _counted(base, filters)
                relaxed = bool(counts.matched)
        elif sort == "relevance":
            scores = dict(dbsearch.match(groups, versions, any_word, MAX_MATCHES))
            if text_filter is not None and text_filter.boost is not None and scores:
                kind = set(
                    CatalogueItem.objects.filter(pk__in=list(scores))
                    .filter(condition_q(text_filter.boost))
                    .values_list("pk", flat=True)
                )
                scores = {pk: score * text_filter.BOOST if pk in kind else score for pk, score in scores.items()}
    else:
        base = _narrowed(visible, narrowing.browse)
        counts = _counted(base, filters)
    filtered = base.filter(*[f.q() for f in filters.values()])
    if scores is not None and sort == "relevance":
        ids = _relevance_page(filtered, scores, start, size, counts.total)
    else:
        ids = _sorted_page(filtered, sort, start, size)
    return Page(ids, counts, relaxed)


def text_matches(
    narrowing: Narrowing, visible: QuerySet, groups: list[list[str]], any_word: bool
) -> tuple[QuerySet, MatchSetFilter | None]:
    """The text's visible matches, narrowed to the goods asked for, and that narrowing. Both are expressions on
    the items' terms index (search.service.filters): the text's forms in search_text, the kind of goods, and
    the kind's commodities, looked up with one small DISTINCT over the matches of the kind. The database reads
    the narrowed matches only, never the text's whole match set (at 500k items "kontorsstol" matches 193,428
    items through "kontor" and "stol", and 22,852 chairs)."""
    text = text_condition(groups, any_word)
    goods = narrowing.of_text(any_word)
    if goods is None:
        return visible.filter(condition_q(text)), None
    of_kind = visible.filter(condition_q(AllOf((text, goods.kind))))
    codes = list(of_kind.order_by().values_list("unspsc", flat=True).distinct())
    text_filter = goods.resolved(codes or None)
    return visible.filter(text_filter.within(text)), text_filter


def _narrowed(base: QuerySet, match_filter: MatchSetFilter | None) -> QuerySet:
    return base if match_filter is None else base.filter(match_filter.q())


def _sorted_page(filtered: QuerySet, sort: str, start: int, size: int) -> list[int]:
    qs = filtered.annotate(unit_price_value=UNIT_PRICE) if sort == "unit_price" else filtered
    return list(qs.order_by(*SORT_ORDER[sort]).values_list("pk", flat=True)[start : start + size])


def _relevance_page(filtered: QuerySet, scores: dict[int, float], start: int, size: int, total: int) -> list[int]:
    """The ranked ids (score boosted by agreement rank), then the rest of the match set by rank and name."""
    rows = filtered.filter(pk__in=list(scores)).values_list(
        "pk", "name", "version__catalogue__agreement__preferred_rank"
    )

    def key(row):
        pk, name, rank = row
        return (-scores[pk] / (1 + RANK_PENALTY * max(0, (rank or 1) - 1)), name, pk)

    ranked = [row[0] for row in sorted(rows, key=key)]
    page = ranked[start : start + size]
    if len(page) == size or len(ranked) >= total:
        return page
    rest_start = max(0, start - len(ranked))
    rest = filtered.exclude(pk__in=list(scores)).order_by(*SORT_ORDER["relevance"]).values_list("pk", flat=True)
    return page + list(rest[rest_start : rest_start + size - len(page)])


def _counted(base: QuerySet, filters: dict[str, Filter]) -> FacetCounts:
    """Exact counts, or (past COUNT_SECONDS) a floor: `exact` False, total "more than" COUNT_FLOOR or fewer."""
    try:
        with _time_limit(COUNT_SECONDS):
            return database_counts(base, filters)
    except OperationalError as exc:
        if not _was_stopped(exc):
            raise
    logger.warning("Search count stopped after %s s; reporting more than N", COUNT_SECONDS)
    filtered = base.filter(*[f.q() for f in filters.values()])
    matched = base[: COUNT_FLOOR + 1].count()
    total = filtered[: COUNT_FLOOR + 1].count()
    return FacetCounts(total=min(total, COUNT_FLOOR), matched=matched, exact=False)


def _was_stopped(exc: OperationalError) -> bool:
    message = str(exc).lower()
    return "interrupted" in message or "statement timeout" in message or "canceling statement" in message


@contextmanager
def _time_limit(seconds: float):
    """Stop the queries inside after `seconds` (SQLite: progress handler; PostgreSQL: statement_timeout)."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            before = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(max(1, int(seconds * 1000)))])
            yield
            # SET LOCAL lasts to the end of an enclosing transaction: put the caller's value back.
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
        return
    deadline = time.monotonic() + seconds
    raw = connection.connection
    raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, PROGRESS_STEPS)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)
