"""The search service on whichever backend is configured: Swedish behaviour, visibility, facets, sorting."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch.backends import get_search_backend
from modelsearch.conf import get_app_config

import swedish_text as text
from catalogue.models import CatalogueItem, fill_search_text
from hub.organisations.models import Membership
from search import dbsearch, indexing, service
from search.analysis import SWEDISH_INDEX_SETTINGS
from search.models import SearchLog
from search.service import SearchQuery, SearchScope, autocomplete, search
from search.tests.fixtures import refresh_search_indexes

pytestmark = pytest.mark.django_db


def names(result):
    return [i.name for i in result.items]


def ids(result):
    return [i.seller_item_id for i in result.items]


def test_compound_parts_find_compounds(test_catalogue):
    found = names(search(SearchQuery(q="papper", page_size=100)))
    assert any(n.startswith("Kopieringspapper") for n in found)
    assert any(n.startswith("Toalettpapper") for n in found)


def test_plural_finds_compound_singular(test_catalogue):
    found = names(search(SearchQuery(q="pennor", page_size=100)))
    assert any(n.startswith("Kulspetspenna") for n in found)


def test_typo_finds_the_intended_item_first(test_catalogue):
    top = names(search(SearchQuery(q="kopieringpapper")))[:4]
    assert sum(n.startswith("Kopieringspapper") for n in top) >= 3
    assert names(search(SearchQuery(q="kulspetspena")))[0].startswith("Kulspetspenna")


def test_autocomplete_keeps_o_with_dots_distinct(test_catalogue):
    suggestions, _backend, _fallback = autocomplete("kö")
    got = [s.name for s in suggestions]
    assert "Köksstol" in got
    assert all(any(w.lower().startswith("kö") for w in n.split()) for n in got)
    suggestions, _b, _f = autocomplete("ko")
    assert suggestions and not any(s.name.lower().startswith("kö") for s in suggestions)


def test_anonymous_sees_only_open_valid_agreements(test_catalogue):
    assert search(SearchQuery(q="kaffe")).total == 0  # food agreement is restricted
    everything = search(SearchQuery(page_size=100))
    assert everything.total > 0
    assert not any(i.startswith("X-") for i in ids(everything))  # expired agreement
    assert not any(i.startswith("M-") for i in ids(everything))


def test_entitled_organisation_sees_its_agreement(test_catalogue, django_user_model):
    user = django_user_model.objects.create_user("kommun", password="x-test-1")
    Membership.objects.create(user=user, organisation=test_catalogue.entitled)
    assert search(SearchQuery(q="kaffe"), user).total >= 2
    other = django_user_model.objects.create_user("region", password="x-test-1")
    Membership.objects.create(user=other, organisation=test_catalogue.other)
    assert search(SearchQuery(q="kaffe"), other).total == 0
    found = ids(search(SearchQuery(q="kulspetspenna utgånget", page_size=100), user))
    assert "X-9002" not in found and "X-9001" not in found


def test_public_catalogue_can_be_turned_off(test_catalogue, settings):
    settings.HUB_PUBLIC_CATALOGUE = False
    assert search(SearchQuery(q="papper")).total == 0
    settings.HUB_PUBLIC_CATALOGUE = True
    assert search(SearchQuery(q="papper")).total > 0
    test_catalogue.other.public_catalogue = False
    test_catalogue.other.save()
    assert search(SearchQuery(q="papper")).total == 0


def test_facet_counts_add_up_and_filter(test_catalogue):
    result = search(SearchQuery(q="papper", page_size=100))
    assert sum(f.count for f in result.facets["supplier"]) == result.total
    assert sum(f.count for f in result.facets["price"]) == result.total
    segments = [f for f in result.facets["category"] if f.value.endswith("000000")]
    assert sum(f.count for f in segments) == result.total
    seg = max(segments, key=lambda f: f.count)
    narrowed = search(SearchQuery(q="papper", categories=[seg.value], page_size=100))
    assert narrowed.total == seg.count
    assert all(i.unspsc.startswith(seg.value[:2]) for i in narrowed.items)
    supplier = result.facets["supplier"][0]
    by_supplier = search(SearchQuery(q="papper", suppliers=[supplier.value], page_size=100))
    assert by_supplier.total == supplier.count
    assert {i.version.catalogue.supplier.name for i in by_supplier.items} == {supplier.label}


def test_eco_label_and_price_filters(test_catalogue):
    result = search(SearchQuery(q="papper", eco_labels=["Svanen"], page_size=100))
    assert result.total > 0 and all("Svanen" in i.eco_labels for i in result.items)
    cheap = search(SearchQuery(q="papper", price_ranges=["0-100"], page_size=100))
    assert cheap.total > 0 and all(i.price < Decimal("100") for i in cheap.items)


def test_sort_by_price_and_unit_price(test_catalogue):
    asc = [i.price for i in search(SearchQuery(q="penna", sort="price", page_size=100)).items]
    assert asc == sorted(asc) and len(asc) > 3
    desc = [i.price for i in search(SearchQuery(q="penna", sort="-price", page_size=100)).items]
    assert desc == sorted(desc, reverse=True)
    unit = [i.unit_price for i in search(SearchQuery(q="penna", sort="unit_price", page_size=100)).items]
    assert unit == sorted(unit)


def test_preferred_rank_breaks_near_ties(test_catalogue):
    order = ids(search(SearchQuery(q="kuvert c5 vitt")))
    assert order.index("K-1029") < order.index("P-2005")  # rank 1 before rank 2


def test_paging(test_catalogue):
    first = search(SearchQuery(q="papper", page_size=5))
    second = search(SearchQuery(q="papper", page_size=5, page=2))
    assert len(first.items) == 5 and not set(ids(first)) & set(ids(second))
    past = search(SearchQuery(q="papper", page=999))
    assert past.items == [] and [n.code for n in past.notices] == ["no_such_page"]


def test_search_log_has_no_personal_data(test_catalogue):
    search(SearchQuery(q="zzzyyyxxx"))
    log = SearchLog.objects.get(query="zzzyyyxxx")
    assert log.zero_hit and log.result_count == 0 and log.backend
    fields = {f.name for f in SearchLog._meta.get_fields()}
    assert not fields & {"user", "ip", "ip_address", "session"}


def test_falls_back_to_the_database_when_opensearch_is_down(test_catalogue, settings):
    backends = {k: dict(v) for k, v in settings.WAGTAILSEARCH_BACKENDS.items()}
    backends["default"] = {
        "BACKEND": "modelsearch.backends.opensearch3",
        "URLS": ["http://127.0.0.1:9"],  # nothing listens on the discard port
        "INDEX_PREFIX": "hub_down_",
        "TIMEOUT": 1,
        "AUTO_UPDATE": False,
    }
    settings.WAGTAILSEARCH_BACKENDS = backends
    service.FAILOVER.down_until.clear()
    result = search(SearchQuery(q="kulspetspenna"))
    assert result.fallback and result.backend.startswith("database")
    assert names(result)[0].startswith("Kulspetspenna")
    suggestions, _backend, fallback = autocomplete("kö")
    assert fallback and suggestions
    service.FAILOVER.down_until.clear()


def test_trigram_fallback_on_postgresql(test_catalogue):
    versions = list({i.version_id for i in test_catalogue.items.values()})
    found = service.trigram_matches("kopiringspapr", versions)
    if connection.vendor != "postgresql":
        assert found == []  # SQLite has no pg_trgm; the dictionary handles typos there
        return
    names_by_pk = {i.pk: i.name for i in test_catalogue.items.values()}
    assert found and names_by_pk[found[0][0]].startswith("Kopieringspapper")


def test_opensearch_autocomplete_keeps_o_with_dots_at_index_and_query_time(test_catalogue):
    """modelsearch's own settings fold å/ä/ö when indexing only; the hub's settings fold on neither side."""

    analyzers = SWEDISH_INDEX_SETTINGS["settings"]["analysis"]["analyzer"]
    assert not any("asciifolding" in a["filter"] for a in analyzers.values())
    backend = get_search_backend("default")
    if not hasattr(backend, "es"):
        pytest.skip("OpenSearch is not configured (OPENSEARCH_URL unset)")
    index = backend.get_index_for_model(CatalogueItem)
    tokens = index.es.indices.analyze(index=index.name, body={"analyzer": "edgengram_analyzer", "text": "Köksstol"})
    grams = {t["token"] for t in tokens["tokens"]}
    assert {"kö", "kök"} <= grams and "ko" not in grams
    # The raw OpenSearch hits, before the service's own prefix check: "kö" finds "kök…", never "ko…".
    hits = [obj.name for obj in backend.autocomplete("kö", CatalogueItem.objects.all())[:50]]
    assert "Köksstol" in hits
    assert all(any(w.lower().startswith("kö") for w in name.split()) for name in hits)
    assert not any(name.lower().startswith(("ko", "kor")) for name in hits)


def test_autocomplete_gives_distinct_names_when_many_items_share_one(test_catalogue):
    template = test_catalogue.items[next(k for k, i in test_catalogue.items.items() if i.name == "Köksstol")]
    copies = [
        CatalogueItem(
            version=template.version,
            line_number=10_000 + n,
            seller_item_id=f"COPY-{n}",
            name="Köksstol",
            unit=template.unit,
            price=template.price,
        )
        for n in range(300)
    ]
    CatalogueItem.objects.bulk_create(fill_search_text(copies))
    indexing.index_items(CatalogueItem.objects.filter(seller_item_id__startswith="COPY-"))
    got = [s.name for s in autocomplete("kö", limit=20)[0]]
    assert got.count("Köksstol") == 1
    assert len(got) > 1  # the other kö… names still come through


def test_autocomplete_forgets_an_unindexed_version(test_catalogue):
    version = test_catalogue.items[next(k for k, i in test_catalogue.items.items() if i.name == "Köksstol")].version
    assert "Köksstol" in [s.name for s in autocomplete("kö")[0]]
    indexing.unindex_version(version)

    refresh_search_indexes()
    assert "Köksstol" not in [s.name for s in autocomplete("kö")[0]]


def test_broad_matches_in_a_large_catalogue_put_the_users_own_word_in_the_name_first(test_catalogue, monkeypatch):
    """Above RANK_ALL_LIMIT matches only the strict tier is scored; names with the typed word still come first."""

    versions = service.visible_versions(None)
    groups = text.query_groups("kopieringspapper")
    ranked_all = dbsearch.match(groups, versions, False, 2000)
    monkeypatch.setattr(dbsearch, "RANK_ALL_LIMIT", 3)
    tiered = dbsearch.match(groups, versions, False, 2000)
    by_pk = {i.pk: i for i in test_catalogue.items.values()}
    strict = [pk for pk in by_pk if "kopieringspapper" in by_pk[pk].name.lower() and by_pk[pk].version_id in versions]
    assert strict and set(strict) <= {pk for pk, _ in tiered[: len(strict)]}
    # The tiers add no item the full match lacks, and keep to the visible versions.
    assert {pk for pk, _ in tiered} <= {pk for pk, _ in ranked_all}
    assert all(by_pk[pk].version_id in versions for pk, _ in tiered)
    assert "Kopieringspapper" in names(search(SearchQuery(q="kopieringspapper")))[0]


def test_upgrade_migration_fills_the_autocomplete_table(test_catalogue):
    """A hub upgraded with its catalogue already indexed gets suggestions without reindexing."""

    fill = importlib.import_module("search.migrations.0005_fill_autocomplete_names")
    versions = service.visible_versions(None)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {dbsearch.AUTOCOMPLETE_TABLE}")  # noqa: S608
    assert dbsearch.autocomplete_ids(["kö"], versions, 50) == []

    class Editor:  # the part of a schema editor the migration uses
        def __init__(self):
            self.connection = connection

        def execute(self, sql, params=None):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    fill.forwards(apps, Editor())
    by_pk = {i.pk: i.name for i in test_catalogue.items.values()}
    assert "Köksstol" in {by_pk[pk] for pk in dbsearch.autocomplete_ids(["kö"], versions, 50)}
    fill.forwards(apps, Editor())  # a second run adds nothing
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {dbsearch.AUTOCOMPLETE_TABLE}")  # noqa: S608
        rows = cursor.fetchone()[0]
    distinct = {(i.version_id, i.name) for i in test_catalogue.items.values()}
    assert rows == len(distinct)


@pytest.mark.parametrize("q", ["", "handtvål"])
def test_eco_label_with_swedish_letters_filters_with_and_without_text(test_catalogue, q):
    """ "Bra Miljöval" is stored \\u-escaped in SQLite's JSON text; browsing and text search must both find it."""
    unfiltered = search(SearchQuery(q=q, page_size=200))
    expected = {i.seller_item_id for i in unfiltered.items if "Bra Miljöval" in i.eco_labels}
    assert "S-4006" in expected
    result = search(SearchQuery(q=q, eco_labels=["Bra Miljöval"], page_size=200))
    assert set(ids(result)) == expected
    assert {v.value: v.count for v in result.facets["eco_label"]}["Bra Miljöval"] == len(expected)


def test_compound_head_ranks_above_compound_modifier(test_catalogue):
    order = ids(search(SearchQuery(q="papper", page_size=100)))
    assert "S-4015" in order  # Papperskorg still matches
    assert order.index("K-1001") < order.index("S-4015")  # Kopieringspapper is paper; a papperskorg is a basket


def test_a_scope_without_a_user_gives_each_organisation_its_own_results_and_facets(test_catalogue):
    """The punchout shop searches with a fixed organisation's scope; two organisations differ on every backend."""

    entitled = search(SearchQuery(q="kaffe", page_size=100), scope=SearchScope(test_catalogue.entitled))
    other = search(SearchQuery(q="kaffe", page_size=100), scope=SearchScope(test_catalogue.other))
    assert entitled.total >= 2 and other.total == 0
    assert all(i.startswith("M-") for i in ids(entitled))
    food = test_catalogue.agreements["mat"]  # restricted: only the entitled organisation may buy from it
    entitled_agreements = {value.label for value in entitled.facets["agreement"] if value.count}
    other_agreements = {value.label for value in other.facets["agreement"] if value.count}
    assert any(food.reference in label or food.title in label for label in entitled_agreements), entitled_agreements
    assert other_agreements == set()
    suggestions, _backend, _fallback = autocomplete("kaf", scope=SearchScope(test_catalogue.entitled))
    assert suggestions
    assert autocomplete("kaf", scope=SearchScope(test_catalogue.other))[0] == []


def test_a_superseded_version_leaves_every_backend_in_bulk(test_catalogue):
    """unindex_version removes a version's items from each backend: one DELETE on the database index,
    bulk requests on OpenSearch; the other versions' items stay."""

    index_entry = get_app_config().get_model("IndexEntry")
    version = test_catalogue.items["K-1001"].version
    gone = set(CatalogueItem.objects.filter(version=version).values_list("pk", flat=True))
    kept = set(CatalogueItem.objects.exclude(version=version).values_list("pk", flat=True))
    assert index_entry.objects.filter(object_id__in=[str(pk) for pk in gone]).exists()

    with CaptureQueriesContext(connection) as queries:
        assert indexing.unindex_version(version) == len(gone)
    index_deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE") and "indexentry" in q["sql"].lower()]
    assert len(index_deletes) == 1, index_deletes
    refresh_search_indexes()

    assert not index_entry.objects.filter(object_id__in=[str(pk) for pk in gone]).exists()
    assert index_entry.objects.filter(object_id__in=[str(pk) for pk in kept]).count() >= len(kept)
    for name in settings_backend_names():
        found = {hit.pk for hit in get_search_backend(name).search("kulspetspenna", CatalogueItem)}
        assert found and not (found & gone), name


def settings_backend_names() -> list[str]:
    return list(settings.WAGTAILSEARCH_BACKENDS)
