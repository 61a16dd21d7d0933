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
RANK_SCRIPT = (
    "def r = params.ranks.get(String.valueOf(doc['" + AGREEMENT_FIELD + "'].value)); double rank = r == null ? 1 : r;"
)
BOOSTED_SCORE = RANK_SCRIPT + " return _score / (1 + params.penalty * Math.max(0, rank - 1));"
RANK_VALUE = RANK_SCRIPT + " return rank;"
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
        restriction = (
            _resolved(backend, narrowed, text_query, versions) if isinstance(narrowed, KindOfGoods) else narrowed
        )
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


def _resolved(backend, goods: KindOfGoods, text_query, versions) -> MatchSetFilter:
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
    params = {"ranks": ranks, "penalty": RANK_PENALTY}
    tie_break: list[dict[str, Any]] = [{NAME_FIELD: "asc"}, {ID_FIELD: "asc"}]
    order: list[dict[str, Any]]
    if sort == "relevance" and text_query is not None:
        if restriction is not None and restriction.boost is not None:
            # Names of the kind first: their score times BOOST (an item matching no function keeps its score).
            boost = [{"filter": condition_clause(restriction.boost), "weight": restriction.BOOST}]
            query = {"function_score": {"query": query, "functions": boost, "boost_mode": "multiply"}}
        query = {"script_score": {"query": query, "script": {"source": BOOSTED_SCORE, "params": params}}}
        order = [{"_score": "desc"}, *tie_break]
    elif sort == "relevance":
        order = [{"_script": {"type": "number", "order": "asc", "script": {"source": RANK_VALUE, "params": params}}}]
        order += tie_break
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
        "aggs": {"matched": {"filter": {"match_all": {}}}}
        | {name: _facet_aggregation(name, filters) for name in FACET_NAMES},
    }
    if filters:
        body["post_filter"] = _all_of(list(filters.values()))
    return body


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
    return {"filter": _all_of(others), "aggs": {"values": values}}


def counts_from_answer(answer: dict, filters: dict[str, Filter]) -> FacetCounts:
    aggregations = answer["aggregations"]
    counts = FacetCounts(total=answer["hits"]["total"]["value"], matched=aggregations["matched"]["doc_count"])
    counts.exact = answer["hits"]["total"].get("relation", "eq") == "eq"
    for name in FACET_NAMES:
        values = aggregations[name]["values"]
        if name == "price":
            counts.values[name] = {key: bucket["doc_count"] for key, bucket in values["buckets"].items()}
            continue
        if values.get("sum_other_doc_count"):
            counts.exact = False
        as_key = int if name in ("supplier", "agreement") else str
        counts.values[name] = {as_key(bucket["key"]): bucket["doc_count"] for bucket in values["buckets"]}
    return counts
