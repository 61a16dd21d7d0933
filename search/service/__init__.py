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

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Q
from django.utils.translation import gettext as _
from modelsearch.backends import get_search_backend
from modelsearch.query import And, Or, PlainText

import swedish_text as text
from catalogue.models import Agreement, CatalogueItem
from hub.db import is_lock_timeout, lock_wait_at_most
from hub.organisations.models import Supplier
from search import dbsearch
from search.addresses import item_key
from search.models import SearchLog
from search.service.facets import (
    PRICE_RANGES,
    _category_q,
    _eco_q,
    _facets,
    _facets_from_rows,
    _match_rows,
    _price_q,
    _row_predicates,
    _sorted_rows,
)
from search.service.failover import BACKEND_RETRY_SECONDS, FAILOVER, backend_label, backend_names
from search.service.opensearch import _opensearch_ids
from search.service.postgres import trigram_matches
from search.service.query import (
    DEFAULT_PAGE_SIZE,
    MAX_MATCHES,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_ROW_ID,
    SORTS,
    FacetValue,
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
    "SearchQuery",
    "SearchResult",
    "SearchScope",
    "Suggestion",
    "autocomplete",
    "backend_label",
    "fallback_message",
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


def fallback_message() -> str:
    """Why the database answered instead of OpenSearch, in the page's language."""
    return FAILOVER.fallback_message()


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
    from django.db import connection

    module = type(backend).__module__
    return (
        module.startswith("modelsearch.backends.database.")
        and connection.vendor in {"sqlite", "postgresql"}
        and ("fallback" not in module)
    )


def _match(groups: list[list[str]], versions: list[int], any_word: bool):
    def run(backend) -> list[tuple[int, float]]:
        if _is_database_backend(backend):
            return dbsearch.match(groups, versions, any_word, MAX_MATCHES)
        _require_ready(backend)
        qs = CatalogueItem.objects.filter(version_id__in=versions)
        results = backend.search(_text_query(groups, any_word), qs).annotate_score("_score")
        if hasattr(results, "_get_es_body") and hasattr(results, "_backend_do_search"):
            out = _opensearch_ids(backend, results)
        else:
            out = [(obj.pk, float(getattr(obj, "_score", 0.0) or 0.0)) for obj in results[:MAX_MATCHES]]
        # Backends disagree on the sign (SQLite's bm25() is lower-is-better) but all return best first:
        # turn the scores so that higher is better everywhere.
        if len(out) > 1 and out[0][1] < out[-1][1]:
            out = [(pk, -score) for pk, score in out]
        if out and min(score for _, score in out) < 0:
            low = min(score for _, score in out)
            out = [(pk, score - low + 1e-6) for pk, score in out]
        return out

    return FAILOVER.run(run)


def _clean_ids(values: list[str], model, messages: list[str]) -> list[int]:
    ids = []
    for v in values:
        try:
            number = int(v)
            if not 0 < number <= MAX_ROW_ID:
                raise ValueError(v)
            ids.append(number)
        except (TypeError, ValueError):
            messages.append(_("Okänt filtervärde ignorerades: %(v)s") % {"v": str(v)[:40]})
    known = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    for i in ids:
        if i not in known:
            messages.append(_("Okänt filtervärde ignorerades: %(v)s") % {"v": i})
    return [i for i in ids if i in known]


def _clean_categories(values: list[str], messages: list[str]) -> list[str]:
    out = []
    for v in values:
        v = str(v).strip()
        if len(v) == 8 and v.isdigit():
            out.append(v)
        else:
            messages.append(_("Okänd kategori ignorerades: %(v)s") % {"v": v[:40]})
    return out


def _clean_text(value: str, limit: int = 10_000) -> str:
    """Drop NUL and other control characters (PostgreSQL refuses NUL in text) from user input."""
    value = str(value or "")[:limit]
    return "".join(ch for ch in value if ch.isprintable() or ch == " ")


# How long a search waits for the database's write lock to log itself before dropping the entry.
SEARCH_LOG_LOCK_WAIT_SECONDS = 0.5


def _log(query: str, total: int, backend: str, started: float) -> None:
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
            )
    except Exception as exc:  # the log must never break a search
        if is_lock_timeout(exc):
            logger.warning("Search log entry dropped: the database was busy (%s)", exc)
        else:
            logger.exception("Could not write the search log")


def search(query: SearchQuery, user=None, scope: SearchScope | None = None) -> SearchResult:
    """Run a catalogue search for `user` (None or anonymous: the public catalogue), or within `scope`."""
    started = time.perf_counter()
    messages: list[str] = []
    q = _clean_text(query.q).strip()
    query.eco_labels = [_clean_text(v, 60) for v in query.eco_labels]
    query.price_ranges = [_clean_text(v, 40) for v in query.price_ranges]
    if len(q) > text.MAX_QUERY_CHARS:
        messages.append(_("Sökfrågan kortades till %(n)s tecken") % {"n": text.MAX_QUERY_CHARS})
        q = q[: text.MAX_QUERY_CHARS]
    sort = query.sort if query.sort in SORTS else "relevance"
    if query.sort and query.sort not in SORTS:
        messages.append(_("Okänd sortering, sorterar på relevans"))
    page_size = max(1, min(int(query.page_size or DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE))
    page = max(1, min(int(query.page or 1), MAX_PAGE))

    visible = scope.items() if scope is not None else visible_items(user)
    suppliers = _clean_ids(query.suppliers, Supplier, messages)
    agreements = _clean_ids(query.agreements, Agreement, messages)
    categories = _clean_categories(query.categories, messages)
    filters: dict[str, Q | None] = {
        "supplier": Q(version__catalogue__supplier_id__in=suppliers) if suppliers else None,
        "agreement": Q(version__catalogue__agreement_id__in=agreements) if agreements else None,
        "category": _category_q(categories) if categories else None,
        "eco_label": _eco_q(query.eco_labels),
        "price": _price_q(query.price_ranges, messages),
    }

    groups = text.query_groups(q)
    backend_name = backend_names()[0]
    fallback = relaxed = False
    scores: dict[int, float] | None = None
    if groups:
        versions = scope.versions() if scope is not None else visible_versions(user)
        matches, backend_name, fallback = _match(groups, versions, any_word=False)
        if not matches and len(groups) > 1:
            matches, backend_name, fallback2 = _match(groups, versions, any_word=True)
            fallback = fallback or fallback2
            relaxed = bool(matches)
        if not matches:
            # PostgreSQL: pg_trgm similarity on the names (GIN index from migration search/0004) catches
            # typos the dictionary cannot correct, such as misspelt brand names.
            matches = trigram_matches(q, versions)
            relaxed = bool(matches)
        scores = dict(matches)
        base = visible.filter(pk__in=list(scores))
    elif q:
        messages.append(
            _(
                "Sökfrågan innehöll inga sökbara ord; visar alla artiklar"  # noqa: E501
            )
        )
        base = visible
    else:
        base = visible
    if fallback:
        messages.append(fallback_message())
    if relaxed:
        messages.append(
            _(
                "Inga artiklar innehöll alla orden; visar artiklar med något av dem"  # noqa: E501
            )
        )

    if scores is not None:
        # Text queries: at most MAX_MATCHES rows, fetched once; filters, facets, total and order in Python.
        rows = _match_rows(base)
        predicates = _row_predicates(suppliers, agreements, categories, query.eco_labels, query.price_ranges)
        kept = [r for r in rows if all(test(r) for test in predicates.values())]
        total = len(kept)
        facets = _facets_from_rows(rows, predicates, query)
        page_ids = []
    else:
        filtered = base
        for q_filter in filters.values():
            if q_filter is not None:
                filtered = filtered.filter(q_filter)
        total = filtered.count()
        facets = None
    num_pages = max(1, math.ceil(total / page_size))
    if page > num_pages and total:
        messages.append(
            _(
                "Sidan %(page)s finns inte, sista sidan är %(last)s"  # noqa: E501
            )
            % {"page": page, "last": num_pages}
        )
    start = (page - 1) * page_size

    if scores is not None:
        page_ids = [r.pk for r in _sorted_rows(kept, sort, scores)][start : start + page_size]
    elif sort == "relevance":
        # No text: first-choice agreements first, then by name; the database sorts and pages.
        qs = filtered.order_by("version__catalogue__agreement__preferred_rank", "name", "pk")
        page_ids = list(qs.values_list("pk", flat=True)[start : start + page_size])
    else:
        ordering = {
            "price": ("price", "name", "pk"),
            "-price": ("-price", "name", "pk"),
            "unit_price": ("unit_price_value", "name", "pk"),
        }[sort]
        qs = filtered.annotate(
            unit_price_value=ExpressionWrapper(
                F("price") / F("base_quantity"), output_field=DecimalField(max_digits=20, decimal_places=6)
            )
        ).order_by(*ordering)
        page_ids = list(qs.values_list("pk", flat=True)[start : start + page_size])
    objects = CatalogueItem.objects.select_related(
        "version__catalogue__supplier", "version__catalogue__agreement"
    ).in_bulk(page_ids)
    items = [objects[pk] for pk in page_ids if pk in objects]

    result = SearchResult(
        query=query,
        items=items,
        total=total,
        page=page,
        page_size=page_size,
        num_pages=num_pages,
        facets=facets if facets is not None else _facets(base, filters, query),
        backend=backend_label(backend_name),
        fallback=fallback,
        relaxed=relaxed,
        messages=messages,
    )
    result.duration_ms = int((time.perf_counter() - started) * 1000)
    if q and query.log:
        _log(q, total, result.backend, started)
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
        return [obj.pk for obj in backend.autocomplete(typed, qs)[:AUTOCOMPLETE_CANDIDATES]]

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
