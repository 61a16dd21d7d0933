"""A search on OpenSearch: the page, the exact total and every facet from one _search request.

The text query (modelsearch's compiled query, restricted to the visible versions and to items valid
today) selects the match set; the user's filters are a post_filter, so each facet is a filter
aggregation with every other facet's filter applied, not its own. Only the page's ids come back
(`from`/`size`, stored field pk); the service loads those rows alone. The fields this needs are
FilterFields of CatalogueItem (catalogue/models.py). Totals are tracked exactly (track_total_hits).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from modelsearch.query import MATCH_ALL

from catalogue.models import CatalogueItem, CatalogueVersion
from search.service.database import RANK_PENALTY, Page
from search.service.facets import FacetCounts
from search.service.filters import (
    AGREEMENT_FIELD,
    ECO_LABEL_FIELD,
    FACET_NAMES,
    ID_FIELD,
    PRICE_FIELD,
    PRICE_RANGES,
    SUPPLIER_FIELD,
    UNSPSC_FIELD,
    Filter,
    KindOfGoods,
    MatchSetFilter,
    Narrowing,
    condition_clause,
)

# OpenSearch's default index.max_result_window (from + size of one request).
DEFAULT_RESULT_WINDOW = 10_000
# Terms per facet in one answer; more distinct values than this makes the counts inexact (and says so).
MAX_FACET_TERMS = 10_000
NAME_FIELD = "name_filter"
UNIT_PRICE_FIELD = "unit_price_filter"
# The agreement's preferred rank, from params (rank per agreement id) so a changed rank needs no reindex.
# Only browsing sorts by it; a text query's score takes it as weights (`_score_functions`), not a script.
RANK_VALUE = "def r = params.ranks.get(String.valueOf(doc['" + AGREEMENT_FIELD + "'].value)); return r == null ? 1 : r;"
SORTS = {
    "price": [{PRICE_FIELD: "asc"}],
    "-price": [{PRICE_FIELD: "desc"}],
    "unit_price": [{UNIT_PRICE_FIELD: "asc"}],
}


def search_opensearch(
    backend,
    text_queries: list,
    versions: list[int],
    filters: dict[str, Filter],
    sort: str,
    start: int,
    size: int,
    narrowing: Narrowing | None = None,
) -> Page:
    """`text_queries`: the strict query, then its relaxed form (any word) when there is one; [] browses.
    `narrowing`: as in search.service.database.search_database, applied as a filter of the query itself."""
    narrowing = narrowing or Narrowing()
    ranks = {
        str(agreement): rank or 1
        for agreement, rank in CatalogueVersion.objects.filter(pk__in=versions).values_list(
            "catalogue__agreement_id", "catalogue__agreement__preferred_rank"
        )
    }
    attempts: list[tuple[Any, KindOfGoods | MatchSetFilter | None, bool]] = [
        (text_query, narrowing.of_text(i > 0), True) for i, text_query in enumerate(text_queries)
    ]
    if not text_queries:
        attempts = [(None, narrowing.browse, False)]
    elif narrowing.unmatched is not None:
        attempts.append((None, narrowing.unmatched, False))
    for i, (text_query, narrowed, relaxable) in enumerate(attempts):
        restriction = narrowed
        if isinstance(narrowed, KindOfGoods):
            restriction = resolve_narrowing(backend, narrowed, text_query, versions)
        deep = start + size > DEFAULT_RESULT_WINDOW
        # A deep page is asked for only when it exists: an index built before max_result_window was
        # raised (search.backends.index_settings) refuses from + size above 10,000.
        body = request_body(
            backend,
            text_query,
            versions,
            filters,
            sort,
            0 if deep else start,
            0 if deep else size,
            ranks,
            restriction=restriction,
        )
        answer = backend.search_request(CatalogueItem, body)
        counts = counts_from_answer(answer, filters)
        if counts.matched or i == len(attempts) - 1:
            if deep and start < counts.total:
                body |= {"from": start, "size": size}
                answer = backend.search_request(CatalogueItem, body)
            ids = [int(hit["fields"]["pk"][0]) for hit in answer["hits"]["hits"]]
            return Page(ids, counts, relaxed=i > 0 and relaxable and bool(counts.matched))
    raise AssertionError("unreachable")


def _scoped(backend, text_query, versions) -> dict:
    """The text query (or all) restricted to the visible versions and to items valid today."""
    day = timezone.localdate()
    scope = (
        CatalogueItem.objects.filter(version_id__in=versions)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )
    return backend.query_clause(text_query if text_query is not None else MATCH_ALL, scope)


def resolve_narrowing(backend, goods: KindOfGoods, text_query, versions) -> MatchSetFilter:
    """The narrowing of this match set: whether any match is of the kind, and the kind's commodities, from one
    aggregation over the matches of the kind (no hits loaded)."""
    body = {
        "query": {"bool": {"must": [_scoped(backend, text_query, versions)], "filter": [condition_clause(goods.kind)]}},
        "size": 0,
        "track_total_hits": 1,
        "aggs": {"codes": {"terms": {"field": UNSPSC_FIELD, "size": MAX_FACET_TERMS}}},
    }
    answer = backend.search_request(CatalogueItem, body)
    if not answer["hits"]["total"]["value"]:
        return goods.resolved(None)
    return goods.resolved([bucket["key"] for bucket in answer["aggregations"]["codes"]["buckets"]])


def request_body(backend, text_query, versions, filters, sort, start, size, ranks, restriction=None) -> dict:
    """`restriction`: a MatchSetFilter on the match set itself (counted by the total and every facet);
    the scores of the items satisfying its `boost` are multiplied by its BOOST."""
    query: dict[str, Any] = _scoped(backend, text_query, versions)
    if restriction is not None:
        query = {"bool": {"must": [query], "filter": [restriction.clause()]}}
    tie_break: list[dict[str, Any]] = [{NAME_FIELD: "asc"}, {ID_FIELD: "asc"}]
    order: list[dict[str, Any]]
    if sort == "relevance" and text_query is not None:
        functions = _score_functions(ranks, restriction)
        if functions:
            # An item matching no function keeps its score; one matching several gets their product.
            query = {
                "function_score": {
                    "query": query,
                    "functions": functions,
                    "score_mode": "multiply",
                    "boost_mode": "multiply",
                }
            }
        order = [{"_score": "desc"}, *tie_break]
    elif sort == "relevance":
        script = {"source": RANK_VALUE, "params": {"ranks": ranks}}
        order = [{"_script": {"type": "number", "order": "asc", "script": script}}, *tie_break]
    else:
        order = SORTS[sort] + tie_break
    body = {
        "query": query,
        "sort": order,
        "from": start,
        "size": size,
        "_source": False,
        "stored_fields": ["pk"],
        "track_total_hits": True,
        "aggs": {name: _facet_aggregation(name, filters) for name in FACET_NAMES},
    }
    if filters:
        # The total counts the filtered hits; "matched" the match set before them (without filters: the total).
        body["post_filter"] = _all_of(list(filters.values()))
        body["aggs"]["matched"] = {"filter": {"match_all": {}}}
    return body


def _score_functions(ranks: dict[str, int], restriction: MatchSetFilter | None) -> list[dict]:
    """Weights on the text's score: the kind of goods asked for times BOOST, and an agreement of preferred rank
    r > 1 times 1 / (1 + RANK_PENALTY × (r − 1)), as on the database backends. Weights, not a script: a
    script_score ran once per match and cost a third of a broad word's request at 500k items."""
    functions = []
    if restriction is not None and restriction.boost is not None:
        functions.append({"filter": condition_clause(restriction.boost), "weight": restriction.BOOST})
    for agreement, rank in sorted(ranks.items()):
        if rank > 1:
            weight = 1 / (1 + RANK_PENALTY * (rank - 1))
            functions.append({"filter": {"term": {AGREEMENT_FIELD: int(agreement)}}, "weight": weight})
    return functions


def _all_of(filters: list[Filter]) -> dict:
    return {"bool": {"filter": [f.clause() for f in filters]}} if filters else {"match_all": {}}


def _facet_aggregation(name: str, filters: dict[str, Filter]) -> dict:
    if name == "price":
        values = {
            "range": {
                "field": PRICE_FIELD,
                "keyed": True,
                "ranges": [
                    {"key": key, "from": float(lo)} | ({"to": float(hi)} if hi is not None else {})
                    for key, lo, hi in PRICE_RANGES
                ],
            }
        }
    else:
        field = {"supplier": SUPPLIER_FIELD, "agreement": AGREEMENT_FIELD, "category": UNSPSC_FIELD}.get(
            name, ECO_LABEL_FIELD
        )
        values = {"terms": {"field": field, "size": MAX_FACET_TERMS}}
    others = [f for key, f in filters.items() if key != name]
    # Without another facet's filter the values are counted over the match set itself (no filter wrapper).
    return {"filter": _all_of(others), "aggs": {"values": values}} if others else values


def counts_from_answer(answer: dict, filters: dict[str, Filter]) -> FacetCounts:
    aggregations = answer["aggregations"]
    total = answer["hits"]["total"]["value"]
    counts = FacetCounts(total=total, matched=aggregations["matched"]["doc_count"] if filters else total)
    counts.exact = answer["hits"]["total"].get("relation", "eq") == "eq"
    for name in FACET_NAMES:
        values = aggregations[name].get("values", aggregations[name])
        if name == "price":
            counts.values[name] = {key: bucket["doc_count"] for key, bucket in values["buckets"].items()}
            continue
        if values.get("sum_other_doc_count"):
            counts.exact = False
        as_key = int if name in ("supplier", "agreement") else str
        counts.values[name] = {as_key(bucket["key"]): bucket["doc_count"] for bucket in values["buckets"]}
    return counts
