"""The one search service: the HTML page, the JSON API and the punchout shop all call `search()`.

How a query runs:
1. Who may see what: the signed-in user's organisation's buyable items (agreements valid
   today that it is entitled to); anonymous visitors see agreements open to all while the
   public catalogue is on (see `visible_items`).
2. The text is normalised by swedish_text into groups of alternatives (AND across the
   user's words, OR across each word's compound parts and stems) and sent to the
   configured modelsearch backend, restricted to the visible catalogue versions. If every
   word must match and nothing does, the query is relaxed to any word.
3. The matching ids are filtered, faceted and sorted in the database, so facets and
   filters work the same on every backend. Relevance is boosted by the agreement's
   preferred rank (1 = first choice).
When OpenSearch fails, the database backend answers and the result says so.
"""

from __future__ import annotations

import logging
import math
import time

from django.db import connection, transaction
from modelsearch.backends import get_search_backend
from modelsearch.query import And, Or, PlainText

import swedish_text as text
from catalogue.models import Agreement, CatalogueItem
from hub.db import is_lock_timeout, lock_wait_at_most
from hub.organisations.models import Supplier
from hub.organisations.roles import organisation_for
from search import dbsearch, query_text, suggestions
from search.addresses import item_key
from search.models import SearchLog
from search.service.database import Page, search_database
from search.service.facets import facet_values
from search.service.failover import BACKEND_RETRY_SECONDS, FAILOVER, backend_label, backend_names
from search.service.filters import (
    ECO_LABEL_MAX_CHARS,
    PRICE_RANGE_KEYS,
    PRICE_RANGES,
    MatchSetFilter,
    Narrowing,
    selected_filters,
)
from search.service.opensearch import search_opensearch
from search.service.postgres import trigram_matches
from search.service.query import (
    DEFAULT_PAGE_SIZE,
    MAX_MATCHES,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_ROW_ID,
    SORTS,
    FacetValue,
    Notice,
    SearchQuery,
    SearchResult,
    Suggestion,
)
from search.service.visibility import (
    SearchScope,
    public_catalogue_open,
    visible_agreements,
    visible_items,
    visible_versions,
)

__all__ = [
    "BACKEND_RETRY_SECONDS",
    "DEFAULT_PAGE_SIZE",
    "FAILOVER",
    "MAX_MATCHES",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "MAX_ROW_ID",
    "PRICE_RANGES",
    "SORTS",
    "FacetValue",
    "Notice",
    "SearchQuery",
    "SearchResult",
    "SearchScope",
    "Suggestion",
    "autocomplete",
    "backend_label",
    "public_catalogue_open",
    "search",
    "trigram_matches",
    "visible_agreements",
    "visible_items",
    "visible_versions",
]

logger = logging.getLogger(__name__)

# Autocomplete looks at this many candidate rows (one per distinct name on the database backends).
AUTOCOMPLETE_CANDIDATES = 200
# The failover's memory, under the names older callers and tests use.
_backend_down_until = FAILOVER.down_until
_backend_down_reason = FAILOVER.down_reason


def _text_query(groups: list[list[str]], any_word: bool):
    per_word = [Or([PlainText(form) for form in forms]) if len(forms) > 1 else PlainText(forms[0]) for forms in groups]
    if len(per_word) == 1:
        return per_word[0]
    return Or(per_word) if any_word else And(per_word)


def _require_ready(backend) -> None:
    """An engine with an index lifecycle refuses to answer from a missing or wrongly built index."""
    if hasattr(backend, "require_ready"):
        backend.require_ready(CatalogueItem)


def _is_database_backend(backend) -> bool:
    module = type(backend).__module__
    return (
        module.startswith("modelsearch.backends.database.")
        and connection.vendor in {"sqlite", "postgresql"}
        and ("fallback" not in module)
    )


def _clean_ids(values: list[str], model, notices: list[Notice]) -> list[int]:
    ids = []
    for v in values:
        try:
            number = int(v)
            if not 0 < number <= MAX_ROW_ID:
                raise ValueError(v)
            ids.append(number)
        except (TypeError, ValueError):
            notices.append(Notice(Notice.UNKNOWN_FILTER, {"v": str(v)[:40]}))
    known = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    for i in ids:
        if i not in known:
            notices.append(Notice(Notice.UNKNOWN_FILTER, {"v": i}))
    return [i for i in ids if i in known]


def _clean_categories(values: list[str], notices: list[Notice]) -> list[str]:
    out = []
    for v in values:
        v = str(v).strip()
        if len(v) == 8 and v.isdigit():
            out.append(v)
        else:
            notices.append(Notice(Notice.UNKNOWN_CATEGORY, {"v": v[:40]}))
    return out


def _clean_price_ranges(keys: list[str], notices: list[Notice]) -> list[str]:
    for key in keys:
        if key not in PRICE_RANGE_KEYS:
            notices.append(Notice(Notice.UNKNOWN_PRICE_RANGE, {"v": key[:40]}))
    return [key for key in keys if key in PRICE_RANGE_KEYS]


def _clean_text(value: str, limit: int = 10_000) -> str:
    """Drop NUL and other control characters (PostgreSQL refuses NUL in text) from user input."""
    value = str(value or "")[:limit]
    return "".join(ch for ch in value if ch.isprintable() or ch == " ")


# How long a search waits for the database's write lock to log itself before dropping the entry.
SEARCH_LOG_LOCK_WAIT_SECONDS = 0.5


def _log(query: str, total: int, backend: str, started: float, organisation=None) -> None:
    try:
        # A savepoint, so a failed write cannot break the caller's transaction; a short lock wait, so
        # a search never waits behind the task worker (SQLite has one writer) to write its log line.
        with lock_wait_at_most(SEARCH_LOG_LOCK_WAIT_SECONDS), transaction.atomic():
            SearchLog.objects.create(
                query=query[:200],
                result_count=total,
                zero_hit=total == 0,
                backend=backend[:40],
                duration_ms=int((time.perf_counter() - started) * 1000),
                organisation=organisation,
            )
    except Exception as exc:  # the log must never break a search
        if is_lock_timeout(exc):
            logger.warning("Search log entry dropped: the database was busy (%s)", exc)
        else:
            logger.exception("Could not write the search log")


def _sort_and_page(query: SearchQuery, notices: list[Notice]) -> tuple[str, int, int]:
    sort = query.sort if query.sort in SORTS else "relevance"
    if query.sort and query.sort not in SORTS:
        notices.append(Notice(Notice.UNKNOWN_SORT))
    page_size = max(1, min(int(query.page_size or DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE))
    page = max(1, min(int(query.page or 1), MAX_PAGE))
    return sort, page, page_size


def _answer_notices(answer: Page, fallback: bool, page: int, num_pages: int) -> list[Notice]:
    """What the searcher should know about how the answer was reached."""
    notices = []
    if fallback:
        notices.append(Notice(FAILOVER.fallback_code()))
    if answer.relaxed:
        notices.append(Notice(Notice.RELAXED))
    if not answer.counts.exact:
        notices.append(Notice(Notice.MORE_THAN, {"n": answer.counts.total}))
    if page > num_pages and answer.counts.total:
        notices.append(Notice(Notice.NO_SUCH_PAGE, {"page": page, "last": num_pages}))
    return notices


def search(query: SearchQuery, user=None, scope: SearchScope | None = None) -> SearchResult:
    """Run a catalogue search for `user` (None or anonymous: the public catalogue), or within `scope`."""
    started = time.perf_counter()
    notices: list[Notice] = []
    q = _clean_text(query.q).strip()
    query.eco_labels = [_clean_text(v, ECO_LABEL_MAX_CHARS) for v in query.eco_labels]
    query.price_ranges = [_clean_text(v, 40) for v in query.price_ranges]
    if len(q) > text.MAX_QUERY_CHARS:
        notices.append(Notice(Notice.QUERY_SHORTENED, {"n": text.MAX_QUERY_CHARS}))
        q = q[: text.MAX_QUERY_CHARS]
    sort, page, page_size = _sort_and_page(query, notices)
    start = (page - 1) * page_size

    filters = selected_filters(
        _clean_ids(query.suppliers, Supplier, notices),
        _clean_ids(query.agreements, Agreement, notices),
        _clean_categories(query.categories, notices),
        query.eco_labels,
        _clean_price_ranges(query.price_ranges, notices),
    )
    visible = scope.items() if scope is not None else visible_items(user)
    versions = scope.versions() if scope is not None else visible_versions(user)
    # A compound requires its head, never its modifier alone; the match set keeps only the kind of goods asked
    # for (search.query_text); an article number or GTIN answers with that item, or nothing.
    shaped = query_text.shape(q, lambda: versions)
    groups = shaped.groups
    code = query_text.find_by_code(q, visible)
    if code is not None:
        groups = []
        narrowing = Narrowing(browse=MatchSetFilter(ids=tuple(code.ids)))
    else:
        narrowing = Narrowing(
            lambda any_word: query_text.narrowing(shaped, any_word),
            unmatched=query_text.english_filter(q) if shaped.english else None,
        )
    if q and not groups and code is None:
        notices.append(Notice(Notice.NO_SEARCHABLE_WORDS))

    def run(backend) -> Page:
        if _is_database_backend(backend):
            return search_database(groups, q, visible, versions, filters, sort, start, page_size, narrowing)
        _require_ready(backend)
        text_queries = [_text_query(groups, any_word=False)] if groups else []
        if len(groups) > 1:
            text_queries.append(_text_query(groups, any_word=True))
        return search_opensearch(backend, text_queries, versions, filters, sort, start, page_size, narrowing)

    answer, backend_name, fallback = FAILOVER.run(run)
    total = answer.counts.total
    num_pages = max(1, math.ceil(total / page_size))
    notices += _answer_notices(answer, fallback, page, num_pages)
    objects = CatalogueItem.objects.select_related(
        "version__catalogue__supplier", "version__catalogue__agreement"
    ).in_bulk(answer.ids)
    items = [objects[pk] for pk in answer.ids if pk in objects]

    result = SearchResult(
        query=query,
        items=items,
        total=total,
        page=page,
        page_size=page_size,
        num_pages=num_pages,
        facets=facet_values(answer.counts, query),
        backend=backend_label(backend_name),
        fallback=fallback,
        relaxed=answer.relaxed,
        notices=notices,
        total_exact=answer.counts.exact,
    )
    if code is not None:  # the query was read as an article number or GTIN, found or not
        notices.append(Notice(Notice.CODE_FOUND if code.ids else Notice.CODE_NOT_FOUND, {"number": code.code[:40]}))
    elif not total and groups and not answer.counts.matched:  # "did you mean", from the catalogue's own words
        result.suggestion = suggestions.suggestion(
            q, versions, lambda s: search(SearchQuery(q=s, page_size=1, log=False), user, scope).total > 0
        )
    result.duration_ms = int((time.perf_counter() - started) * 1000)
    if q and query.log:
        # The organisation searched for (not the person): each organisation follows up its own unmet demand.
        organisation = scope.organisation if scope is not None else organisation_for(user)
        _log(q, total, result.backend, started, organisation)
    return result


def _distinct_names(ids: list[int], names: dict[int, str]) -> list[int]:
    """The first id of each name (compared case-insensitively), in order."""
    seen: set[str] = set()
    out = []
    for pk in ids:
        key = names[pk].casefold()
        if key not in seen:
            seen.add(key)
            out.append(pk)
    return out


def autocomplete(
    prefix: str, user=None, limit: int = 8, scope: SearchScope | None = None
) -> tuple[list[Suggestion], str, bool]:
    """Items whose name has a word starting with what was typed (å, ä, ö kept distinct), for `user` or `scope`."""
    words = text.tokens(_clean_text(prefix, text.MAX_QUERY_CHARS))[: text.MAX_QUERY_WORDS]
    limit = max(1, min(limit, 20))
    visible = scope.items() if scope is not None else visible_items(user)
    if not words:
        return [], backend_label(backend_names()[0]), False
    typed = " ".join(words)
    versions = scope.versions() if scope is not None else visible_versions(user)

    def run(backend) -> list[int]:
        if _is_database_backend(backend):
            return dbsearch.autocomplete_ids(words, versions, AUTOCOMPLETE_CANDIDATES)
        _require_ready(backend)
        qs = CatalogueItem.objects.filter(version_id__in=versions)
        return backend.autocomplete_ids(qs, typed, AUTOCOMPLETE_CANDIDATES)

    ids, backend_name, fallback = FAILOVER.run(run)
    from_database = _is_database_backend(get_search_backend(backend_name))
    rows = dict(visible.filter(pk__in=ids).values_list("pk", "name"))
    chosen = _distinct_names([pk for pk in ids if pk in rows and text.prefix_matches(rows[pk], typed)], rows)
    if len(chosen) < limit and not from_database:
        # OpenSearch's hits can be many items of one name: top up with distinct names from the
        # autocomplete table (an indexed prefix query, å/ä/ö kept distinct).
        extra = [pk for pk in dbsearch.autocomplete_ids(words, versions, AUTOCOMPLETE_CANDIDATES) if pk not in rows]
        more = dict(visible.filter(pk__in=extra).values_list("pk", "name"))
        rows.update(more)
        chosen = _distinct_names(
            chosen + [pk for pk in extra if pk in more and text.prefix_matches(more[pk], typed)], rows
        )
    if from_database:
        # The table answers in storage order: names starting with the typed text first, then shorter ones.
        chosen.sort(key=lambda pk: (not rows[pk].casefold().startswith(typed), len(rows[pk]), rows[pk]))
    chosen = chosen[:limit]
    items = CatalogueItem.objects.select_related(
        "version__catalogue__supplier", "version__catalogue__agreement"
    ).in_bulk(chosen)
    out = [
        Suggestion(pk, items[pk].name, items[pk].version.catalogue.supplier.name, item_key(items[pk]))
        for pk in chosen
        if pk in items
    ]
    return out, backend_label(backend_name), fallback
