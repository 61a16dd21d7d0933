"""Totals, facets and sorting are exact over the whole match set, on whichever backend is configured.

The expected figures are a brute-force count in Python over the backend's own match set (every page of
the unfiltered query), with each filter written out here by hand; the filter definitions' SQL and Python
forms are checked against each other too. Run on SQLite, PostgreSQL and OpenSearch.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.db import OperationalError, connection

from catalogue.models import CatalogueItem
from search import service
from search.service import SearchQuery, search
from search.service import database as database_search
from search.service.filters import (
    AgreementFilter,
    CategoryFilter,
    EcoLabelFilter,
    MatchSetFilter,
    PriceFilter,
    SupplierFilter,
    item_row,
)

pytestmark = pytest.mark.django_db

RANGES = {"0-100": (0, 100), "100-500": (100, 500), "500-1000": (500, 1000), "1000-5000": (1000, 5000)}


def in_range(price: Decimal, key: str) -> bool:
    if key == "5000-":
        return price >= 5000
    lo, hi = RANGES[key]
    return lo <= price < hi


def category_of(code: str, unspsc: str) -> bool:
    if code.endswith("000000"):
        return unspsc[:2] == code[:2]
    if code.endswith("0000"):
        return unspsc[:4] == code[:4]
    return unspsc == code


def brute_force_tests(query: SearchQuery) -> dict:
    """Each selected filter as a plain test on an item, written independently of search.service.filters."""
    tests = {}
    if query.suppliers:
        tests["supplier"] = lambda i: str(i.version.catalogue.supplier_id) in query.suppliers
    if query.agreements:
        tests["agreement"] = lambda i: str(i.version.catalogue.agreement_id) in query.agreements
    if query.categories:
        tests["category"] = lambda i: any(category_of(c, i.unspsc) for c in query.categories)
    if query.eco_labels:
        tests["eco_label"] = lambda i: any(label in query.eco_labels for label in i.eco_labels)
    if query.price_ranges:
        tests["price"] = lambda i: any(in_range(i.price, k) for k in query.price_ranges)
    return tests


def brute_force_facets(items: list[CatalogueItem], query: SearchQuery) -> tuple[int, dict[str, Counter]]:
    tests = brute_force_tests(query)

    def passes(item, skip=None):
        return all(test(item) for name, test in tests.items() if name != skip)

    total = sum(1 for i in items if passes(i))
    facets: dict[str, Counter[str]] = {
        name: Counter() for name in ("supplier", "agreement", "category", "eco_label", "price")
    }
    for i in items:
        if passes(i, "supplier"):
            facets["supplier"][str(i.version.catalogue.supplier_id)] += 1
        if passes(i, "agreement"):
            facets["agreement"][str(i.version.catalogue.agreement_id)] += 1
        if passes(i, "category") and len(i.unspsc) == 8:
            facets["category"][i.unspsc[:2] + "000000"] += 1
            facets["category"][i.unspsc[:4] + "0000"] += 1
        if passes(i, "eco_label"):
            for label in set(i.eco_labels):
                facets["eco_label"][label] += 1
        if passes(i, "price"):
            for key in (*RANGES, "5000-"):
                if in_range(i.price, key):
                    facets["price"][key] += 1
    return total, facets


def all_pages(query: SearchQuery) -> list[int]:
    """Every id of the query's answer, page by page."""
    out, page = [], 1
    while True:
        query.page, query.page_size = page, 100
        result = search(query)
        out += [i.pk for i in result.items]
        if page >= result.num_pages:
            return out
        page += 1


def match_set(q: str) -> list[CatalogueItem]:
    """The backend's own match set for q: every page of the unfiltered query."""
    found = all_pages(SearchQuery(q=q, sort="price", log=False))
    assert len(found) == len(set(found))
    return list(CatalogueItem.objects.select_related("version__catalogue").filter(pk__in=found))


def assert_exact(result, items: list[CatalogueItem], query: SearchQuery) -> None:
    total, facets = brute_force_facets(items, query)
    assert result.total_exact
    assert result.total == total
    for name, expected in facets.items():
        shown = {f.value: f.count for f in result.facets[name] if f.count}
        assert shown == dict(expected), name


@pytest.mark.parametrize(
    "params",
    [
        {"q": "papper"},
        {"q": "penna", "price_ranges": ["0-100", "100-500"]},
        {"q": "stol", "categories": ["56000000"], "sort": "-price"},
        {"q": "papper", "eco_labels": ["Svanen"], "sort": "unit_price"},
        {"q": "papper", "eco_labels": ["Svanen"], "categories": ["14110000"], "price_ranges": ["0-100"]},
        # Compounds: the match set is narrowed to the kind of goods asked for (search.query_text.narrowing).
        {"q": "kontorsstol"},
        {"q": "köksstol", "sort": "-price"},
        {"q": "diskmedel", "price_ranges": ["0-100"]},
    ],
)
def test_totals_and_facets_equal_a_brute_force_count_over_the_match_set(test_catalogue, params):
    items = match_set(params["q"])
    assert items
    supplier = str(items[0].version.catalogue.supplier_id)
    for extra in ({}, {"suppliers": [supplier]}):
        query = SearchQuery(log=False, page_size=100, **params, **extra)
        result = search(query)
        assert_exact(result, items, query)
        # The pages hold exactly the filtered items.
        tests = brute_force_tests(query).values()
        expected_ids = {i.pk for i in items if all(t(i) for t in tests)}
        assert set(all_pages(SearchQuery(log=False, **params, **extra))) == expected_ids


def test_the_narrowed_match_set_is_counted_whole_not_from_the_best_matches(test_catalogue, monkeypatch):
    """The kind of goods is chosen over every match, not a capped list: with the ranked list cut to one id,
    "kontorsstol" still counts, facets and pages every chair and nothing that has only "kontor"."""
    full = search(SearchQuery(q="kontorsstol", page_size=100, log=False))
    monkeypatch.setattr(database_search, "MAX_MATCHES", 1)
    items = match_set("kontorsstol")
    assert {i.pk for i in items} == {i.pk for i in full.items}
    assert len(items) >= 3 and all(i.unspsc == "56101504" for i in items)  # chairs only
    query = SearchQuery(q="kontorsstol", page_size=100, log=False)
    assert_exact(search(query), items, query)
    by_price = search(SearchQuery(q="kontorsstol", sort="price", page_size=100, log=False))
    assert [i.pk for i in by_price.items] == [i.pk for i in sorted(items, key=lambda i: (i.price, i.name, i.pk))]


@pytest.mark.parametrize(
    "params",
    [{}, {"eco_labels": ["Svanen"]}, {"categories": ["44000000"], "price_ranges": ["0-100"]}],
)
def test_browsing_without_text_counts_the_whole_visible_catalogue(test_catalogue, params):
    """The same figures on every backend: the brute-force count over what an anonymous visitor may see."""
    visible = list(service.visible_items(None).select_related("version__catalogue"))
    query = SearchQuery(log=False, **params)
    result = search(query)
    assert_exact(result, visible, query)


def test_browsing_without_text_gives_the_same_counts_from_opensearch_and_the_database(test_catalogue):
    """With OpenSearch configured, its aggregations and the database's GROUP BY agree in the same run."""
    if "database" not in service.failover.backend_names():
        pytest.skip("OpenSearch is not configured (OPENSEARCH_URL unset)")
    for params in ({}, {"q": "papper", "eco_labels": ["Svanen"]}):
        from_engine = search(SearchQuery(log=False, **params))
        assert not from_engine.fallback
        service.FAILOVER.down_until["default"] = float("inf")
        try:
            from_database = search(SearchQuery(log=False, **params))
        finally:
            service.FAILOVER.reset()
        assert from_database.fallback
        assert from_engine.total == from_database.total
        for name in from_engine.facets:
            engine_counts = [(f.value, f.count) for f in from_engine.facets[name]]
            assert engine_counts == [(f.value, f.count) for f in from_database.facets[name]], name


@pytest.mark.parametrize("sort", ["price", "-price", "unit_price", "relevance"])
def test_every_sort_pages_through_the_whole_match_set(test_catalogue, monkeypatch, sort):
    """Sorting orders all matches, not a ranked prefix (the ranked prefix is made tiny here)."""
    monkeypatch.setattr(database_search, "MAX_MATCHES", 3)
    items = {i.pk: i for i in match_set("papper")}
    assert len(items) > 3
    found = all_pages(SearchQuery(q="papper", sort=sort, log=False))
    assert sorted(found) == sorted(items)
    if sort != "relevance":
        key = {"price": lambda i: i.price, "-price": lambda i: -i.price, "unit_price": lambda i: i.unit_price}[sort]
        values = [key(items[pk]) for pk in found]
        assert values == sorted(values)


def test_each_filter_selects_the_same_items_in_sql_and_in_python(test_catalogue):
    visible = service.visible_items(None).select_related("version__catalogue")
    everything = list(visible)
    any_item = everything[0]
    labels = sorted({label for i in everything for label in i.eco_labels})
    assert any(not label.isascii() for label in labels), "the test catalogue should have a label with å/ä/ö"
    filters = [
        SupplierFilter("supplier", (any_item.version.catalogue.supplier_id,)),
        AgreementFilter("agreement", (any_item.version.catalogue.agreement_id,)),
        CategoryFilter("category", ("44000000",)),
        CategoryFilter("category", ("14110000", "56101504")),
        *(EcoLabelFilter("eco_label", (label,)) for label in labels),
        EcoLabelFilter("eco_label", (labels[0].upper(),)),
        PriceFilter("price", ("0-100",)),
        PriceFilter("price", ("100-500", "5000-")),
    ]
    for f in filters:
        by_sql = set(visible.filter(f.q()).values_list("pk", flat=True))
        by_python = {i.pk for i in everything if f.matches(item_row(i))}
        assert by_sql == by_python, f
    assert not visible.filter(EcoLabelFilter("eco_label", ("svanen",)).q()).exists()


def test_the_match_set_filter_selects_the_same_items_in_sql_and_in_python(test_catalogue):
    visible = service.visible_items(None)
    rows = list(visible.values_list("pk", "unspsc"))
    some = tuple(pk for pk, _unspsc in rows[:3])
    for f in [
        MatchSetFilter(),
        MatchSetFilter(ids=some),
        MatchSetFilter(commodities=("56101504",)),
        MatchSetFilter(ids=some, commodities=("56101504", "44122107")),
        MatchSetFilter(prefixes=("5610", "44")),
    ]:
        by_sql = set(visible.filter(f.q()).values_list("pk", flat=True))
        assert by_sql == {pk for pk, unspsc in rows if f.matches(pk, unspsc)}, f
    assert not visible.filter(MatchSetFilter().q()).exists()
    assert visible.filter(MatchSetFilter(commodities=("56101504",)).q()).count() >= 3


def test_a_count_that_takes_too_long_says_more_than_n(test_catalogue, monkeypatch, client):
    """Past COUNT_SECONDS the total is a floor and the page says "fler än" instead of a wrong number."""
    if "database" in service.failover.backend_names():
        pytest.skip("the database backends' count limit; OpenSearch counts exactly")

    def too_slow(base, filters):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(database_search, "database_counts", too_slow)
    monkeypatch.setattr(database_search, "COUNT_FLOOR", 2)
    result = search(SearchQuery(q="papper", log=False))
    assert not result.total_exact and result.total == 2
    assert all(f.count == 0 for values in result.facets.values() for f in values)
    assert "fler än 2 artiklar" in client.get("/sv/sok/?q=papper").content.decode()
    assert "more than 2 items" in client.get("/en/search/?q=papper").content.decode()
    answer = client.get("/api/v1/search?q=papper").json()
    assert answer["total"] == 2 and answer["total_exact"] is False


def test_sqlite_stops_a_count_past_its_time(test_catalogue, monkeypatch):
    if connection.vendor != "sqlite" or "database" in service.failover.backend_names():
        pytest.skip("SQLite's progress handler")
    monkeypatch.setattr(database_search, "COUNT_SECONDS", -1)
    monkeypatch.setattr(database_search, "PROGRESS_STEPS", 1)
    result = search(SearchQuery(q="papper", log=False))
    assert not result.total_exact
