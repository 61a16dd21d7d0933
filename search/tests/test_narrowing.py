"""The kind of goods asked for, judged in each engine's index (CatalogueItem.narrowing_terms), and id lists that
never exceed OpenSearch's terms limit.

- The indexed narrowing keeps exactly what the tests on the text keep (swedish_text.heads: name_is_kind,
  mentions, has_head, and the kind's UNSPSC commodities) over the engine's own match set, on every backend.
- Each condition selects the same items in the database's index (FTS5 / GIN) as in Python, also after an item
  changes or goes.
- A list of ids longer than index.max_terms_count (65,536) is sent in pieces, which OpenSearch accepts, while
  one terms query of that length is refused.
"""

from __future__ import annotations

import pytest
from modelsearch.backends import get_search_backend
from opensearchpy.exceptions import RequestError

from catalogue.models import CatalogueItem
from search import dbsearch, query_text, service
from search.service import SearchQuery, _text_query, search
from search.service.database import search_database
from search.service.filters import (
    ID_FIELD,
    MAX_TERMS,
    MatchSetFilter,
    Narrowing,
    any_of_terms,
    condition_q,
)
from search.service.opensearch import request_body, search_opensearch
from swedish_text.heads import (
    AnyTerm,
    has_head,
    head_condition,
    kind_condition,
    mention_condition,
    mentions,
    name_is_kind,
    text_condition,
)

QUERIES = ["kontorsstol", "köksstol", "diskmedel", "papper", "skrivare", "soppåsar", "papperskorg", "pennor"]


def _terms_in(clause: dict) -> list[list]:
    """Every terms list of a clause, however nested."""
    found = []
    if isinstance(clause, dict):
        for key, value in clause.items():
            if key == "terms":
                found += list(value.values())
            else:
                found += _terms_in(value)
    elif isinstance(clause, list):
        for value in clause:
            found += _terms_in(value)
    return found


def test_an_id_list_longer_than_the_terms_limit_is_sent_in_pieces():
    ids = tuple(range(1, 2 * MAX_TERMS + 10))
    lists = _terms_in(MatchSetFilter(ids=ids).clause())
    assert len(lists) == 3
    assert all(len(values) <= MAX_TERMS for values in lists)
    assert sorted(v for values in lists for v in values) == list(ids)
    # Up to the limit it stays one terms query.
    assert any_of_terms(ID_FIELD, ids[:MAX_TERMS]) == {"terms": {ID_FIELD: list(ids[:MAX_TERMS])}}
    assert any_of_terms(ID_FIELD, ()) == {"match_none": {}}


@pytest.mark.django_db
def test_opensearch_answers_a_filter_with_more_ids_than_the_terms_limit(test_catalogue):
    if "database" not in service.failover.backend_names():
        pytest.skip("OpenSearch is not configured (OPENSEARCH_URL unset)")

    backend = get_search_backend("default")
    versions = service.visible_versions(None)
    visible = list(service.visible_items(None).values_list("pk", flat=True))
    # The visible items' ids among far more ids that are no item's.
    ids = tuple(visible) + tuple(range(10**9, 10**9 + MAX_TERMS + 5_000))
    body = request_body(backend, None, versions, {}, "price", 0, 10, {}, restriction=MatchSetFilter(ids=ids))
    answer = backend.search_request(CatalogueItem, body, timeout=60)
    assert answer["hits"]["total"]["value"] == len(visible)
    # The same ids in one terms query are refused: the pieces are what makes it work.
    body["query"]["bool"]["filter"] = [{"terms": {ID_FIELD: list(ids)}}]
    with pytest.raises(RequestError, match=r"max_terms_count|terms"):
        backend.search_request(CatalogueItem, body, timeout=60)


def _raw_match_set(q: str) -> list[CatalogueItem]:
    """The engine's match set for q (every word), not narrowed."""
    shaped = query_text.shape(q, lambda: service.visible_versions(None))
    versions = service.visible_versions(None)
    visible = service.visible_items(None)
    if "database" in service.failover.backend_names() and not service.FAILOVER.down_until.get("default"):
        backend = get_search_backend("default")
        page = search_opensearch(backend, [_text_query(shaped.groups, False)], versions, {}, "price", 0, 1000)
    else:
        page = search_database(shaped.groups, q, visible, versions, {}, "price", 0, 10_000, Narrowing())
    return list(CatalogueItem.objects.filter(pk__in=page.ids))


def _expected(q: str, matches: list[CatalogueItem]) -> set[int]:
    """The narrowing as the tests on the text give it (the rules of search/query_text.py)."""
    words = query_text.shape(q, lambda: service.visible_versions(None)).words
    kind = [i for i in matches if name_is_kind(i.name, words)]
    if kind:
        codes = {i.unspsc.strip() for i in kind if i.unspsc.strip()}
        return {
            i.pk
            for i in matches
            if name_is_kind(i.name, words) or mentions(f"{i.name} {i.description}", words) or i.unspsc in codes
        }
    return {
        i.pk
        for i in matches
        if mentions(f"{i.name} {i.description}", words) or has_head(set(i.search_text.split()), words)
    }


def _engines() -> list[str]:
    return ["opensearch", "database"] if "database" in service.failover.backend_names() else ["database"]


@pytest.mark.django_db
@pytest.mark.parametrize("q", QUERIES)
def test_the_indexed_narrowing_keeps_what_the_tests_on_the_text_keep(test_catalogue, q):
    for engine in _engines():
        service.FAILOVER.reset()
        if engine == "database" and len(_engines()) > 1:
            service.FAILOVER.down_until["default"] = float("inf")
        try:
            matches = _raw_match_set(q)
            expected = _expected(q, matches)
            result = search(SearchQuery(q=q, page_size=100, sort="price", log=False))
        finally:
            service.FAILOVER.reset()
        assert result.fallback is (engine == "database" and len(_engines()) > 1)
        assert not result.relaxed
        assert {i.pk for i in result.items} == expected, (engine, q)
        assert result.total == len(expected)


@pytest.mark.django_db
def test_each_condition_selects_the_same_items_in_the_database_as_in_python(test_catalogue):
    visible = service.visible_items(None)

    def by_python(condition) -> set[int]:
        return {pk for pk, terms in visible.values_list("pk", "narrowing_terms") if condition.holds(terms.split())}

    conditions = [AnyTerm(()), AnyTerm(("k:stol",)), AnyTerm(("k:stol", "w:papper", "h:penn"))]
    for q in [*QUERIES, "röd kulspetspenna", "kaffe filter"]:
        shaped = query_text.shape(q, lambda: service.visible_versions(None))
        words = shaped.words
        for any_word in (False, True):
            conditions += [f(words, any_word) for f in (kind_condition, mention_condition, head_condition)]
            conditions.append(text_condition(shaped.groups, any_word))
    selected = 0
    for condition in conditions:
        by_sql = set(visible.filter(condition_q(condition)).values_list("pk", flat=True))
        assert by_sql == by_python(condition), condition
        selected += bool(by_sql)
    assert selected > len(conditions) // 2

    # The index follows an item that changes and one that goes.
    chair = visible.filter(condition_q(AnyTerm(("k:kontorsstol",)))).first()
    assert chair is not None
    chair.name = "Lampa LED"  # no compound: its head is "lampa" with every word list
    chair.save()
    assert not visible.filter(pk=chair.pk).filter(condition_q(AnyTerm(("k:kontorsstol",)))).exists()
    assert visible.filter(pk=chair.pk).filter(condition_q(AnyTerm(("k:lampa",)))).exists()
    lamp_ids = set(visible.filter(condition_q(AnyTerm(("k:lampa",)))).values_list("pk", flat=True))
    CatalogueItem.objects.filter(pk=chair.pk).update(narrowing_terms="k:annat")
    assert chair.pk not in set(visible.filter(condition_q(AnyTerm(("k:lampa",)))).values_list("pk", flat=True))
    assert lamp_ids - {chair.pk} == set(visible.filter(condition_q(AnyTerm(("k:lampa",)))).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("q", [*QUERIES, "röd kulspetspenna", "kaffe filter", "svanen", "a4"])
def test_the_text_condition_selects_what_the_full_text_index_matches(test_catalogue, q):
    """The database backends count a text's matches on the terms index (h: forms of search_text), and rank them
    on modelsearch's full-text index: both must select the same items, or a ranked item would not be counted."""
    versions = service.visible_versions(None)
    visible = service.visible_items(None)
    groups = query_text.shape(q, lambda: versions).groups
    for any_word in (False, True):
        by_terms = set(visible.filter(condition_q(text_condition(groups, any_word))).values_list("pk", flat=True))
        ranked = {pk for pk, _score in dbsearch.match(groups, versions, any_word, 100_000)}
        by_index = set(visible.filter(pk__in=ranked).values_list("pk", flat=True))
        assert by_terms == by_index, (q, any_word, by_terms ^ by_index)
        assert by_terms or q == "kaffe filter"
