"""The HTML pages and the JSON API, including bad input: never a 500."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from catalogue.generator import CATEGORIES
from catalogue.models import CatalogueItem
from search import categories, indexing, service
from search.tests.catalogue_data import parsed_items

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    "",
    "x" * 10_000,
    '" * : ( ) - AND OR NEAR(',
    "papper NEAR(a b, 3) {name}: ^kopi*",
    "'; DROP TABLE catalogue_catalogueitem; --",
    "papper' OR '1'='1",
    "\x00\x01",
]


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_bad_queries_never_500(client, test_catalogue, q):
    for url in ("/sv/sok/", "/en/search/", "/api/v1/search", "/api/v1/autocomplete"):
        response = client.get(url, {"q": q})
        assert response.status_code == 200, (url, q)


# Each bad parameter is ignored with a message, or clamped: the plain query's result is kept.
IGNORED_WITH_A_MESSAGE = [
    {"supplier": "abc"},
    {"supplier": "999999"},
    {"supplier": "\x00"},
    {"agreement": "-1"},
    {"category": "not-a-code"},
    {"price": "cheap"},
    {"sort": "random()"},
    {"page": "abc"},
]
CLAMPED_SILENTLY = [
    ({"page": "-5"}, "page", 1),
    ({"page_size": "100000"}, "page_size", 100),
]


@pytest.mark.parametrize("params", IGNORED_WITH_A_MESSAGE)
def test_a_bad_parameter_is_ignored_with_a_message(client, test_catalogue, params):
    plain = client.get("/api/v1/search", {"q": "papper"}).json()
    response = client.get("/api/v1/search", {"q": "papper", **params})
    assert response.status_code == 200
    body = response.json()
    assert plain["total"] > 0 and plain["messages"] == []
    assert body["total"] == plain["total"]
    assert [hit["id"] for hit in body["results"]] == [hit["id"] for hit in plain["results"]] or "sort" in params
    assert body["messages"], params
    assert client.get("/sv/sok/", {"q": "papper", **params}).status_code == 200


@pytest.mark.parametrize(("params", "field", "value"), CLAMPED_SILENTLY)
def test_an_out_of_range_page_or_size_is_clamped(client, test_catalogue, params, field, value):
    body = client.get("/api/v1/search", {"q": "papper", **params}).json()
    assert body[field] == value
    assert body["total"] == client.get("/api/v1/search", {"q": "papper"}).json()["total"]


def test_a_page_past_the_end_says_which_page_is_last(client, test_catalogue):
    body = client.get("/api/v1/search", {"q": "papper", "page": "99999999999999999999"}).json()
    assert body["results"] == [] and body["total"] > 0
    assert any("sista sidan är 1" in message or "last page is 1" in message for message in body["messages"])


def test_nul_bytes_are_dropped_from_query_and_filters(client, test_catalogue):
    def total(**params):
        return client.get("/api/v1/search", {"q": "papper", **params}).json()["total"]

    assert total(eco_label="Svanen\x00") == total(eco_label="Svanen") > 0
    assert client.get("/api/v1/search", {"q": "papper\x00kopiering"}).status_code == 200


def test_unknown_facet_value_is_reported(client, test_catalogue):
    body = client.get("/api/v1/search", {"q": "papper", "supplier": "abc"}).json()
    assert body["total"] > 0
    assert any("Okänt filtervärde" in m for m in body["messages"])  # Swedish unless the client asks otherwise
    body = client.get("/api/v1/search", {"q": "papper", "supplier": "abc"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert any("Unknown filter value ignored: abc" in m for m in body["messages"])


def test_page_past_the_end(client, test_catalogue):
    body = client.get("/api/v1/search", {"q": "papper", "page": 500}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["results"] == [] and body["total"] > 0
    assert any("past the end" in m for m in body["messages"])
    assert not any("finns inte" in m for m in body["messages"])


def test_api_shape(client, test_catalogue):
    body = client.get("/api/v1/search", {"q": "kulspetspenna"}).json()
    assert set(body) >= {"total", "page", "page_size", "facets", "results", "backend", "fallback"}
    assert body["page_size"] == 20
    first = body["results"][0]
    assert set(first) >= {"name", "seller_item_id", "supplier", "agreement", "price", "currency", "unit", "url"}
    assert first["name"].startswith("Kulspetspenna")
    assert set(body["facets"]) == {"supplier", "agreement", "category", "eco_label", "price"}
    assert client.get(first["url"]).status_code == 200


def test_autocomplete_api(client, test_catalogue):
    body = client.get("/api/v1/autocomplete", {"q": "kö"}).json()
    assert body["results"] and all("kö" in r["name"].lower() for r in body["results"])


def test_search_page_renders_results_facets_and_amounts(client, test_catalogue):
    response = client.get("/sv/sok/", {"q": "kulspetspenna", "sort": "price"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kulspetspenna" in html
    assert 'type="checkbox"' in html and "<legend>" in html
    assert 'aria-live="polite"' in html
    assert "2,90\xa0kr" in html or "2,90 kr" in html  # P-2002 costs 2.90
    assert client.get("/en/search/", {"q": "kulspetspenna"}).status_code == 200


def test_product_page_hides_what_the_visitor_may_not_buy(client, test_catalogue):
    open_item = test_catalogue.items["K-1006"]
    restricted = test_catalogue.items["M-5001"]
    expired = test_catalogue.items["X-9001"]
    assert client.get("/sv/sok/artikel/RA-KONTOR-1/5560160680/K-1006/").status_code == 200
    assert client.get(f"/sv/sok/artikel/{open_item.pk}/").status_code == 301
    assert client.get("/sv/sok/artikel/RA-MAT-1/5561234567/M-5001/").status_code == 404
    assert client.get(f"/sv/sok/artikel/{restricted.pk}/").status_code == 404
    assert client.get("/en/search/item/RA-GAMMAL-1/5563456788/X-9001/").status_code == 404
    assert client.get(f"/en/search/item/{expired.pk}/").status_code == 404


def test_compare_up_to_four(client, test_catalogue):
    picked = [test_catalogue.items[k].pk for k in ("K-1006", "K-1007", "K-1008", "K-1009", "K-1010")]
    response = client.get("/sv/sok/jamfor/", {"id": [*picked, "abc"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('scope="col"') == 4
    assert "Blyertspenna" not in html  # the fifth item is left out
    restricted = test_catalogue.items["M-5001"].pk
    html = client.get("/sv/sok/jamfor/", {"id": [restricted]}).content.decode()
    assert "Kaffe" not in html


def test_fallback_notice_on_the_page(client, test_catalogue, settings):
    backends = {k: dict(v) for k, v in settings.WAGTAILSEARCH_BACKENDS.items()}
    backends["default"] = {
        "BACKEND": "modelsearch.backends.opensearch3",
        "URLS": ["http://127.0.0.1:9"],
        "INDEX_PREFIX": "hub_down_",
        "TIMEOUT": 1,
        "AUTO_UPDATE": False,
    }
    settings.WAGTAILSEARCH_BACKENDS = backends
    service.FAILOVER.down_until.clear()
    html = client.get("/sv/sok/", {"q": "papper"}).content.decode()
    assert "Sökmotorn svarar inte" in html
    # One notice, in the page's language, with the results from the database below it.
    assert html.count("Sökmotorn svarar inte") == 1
    assert "Kopieringspapper" in html
    html = client.get("/en/search/", {"q": "papper"}).content.decode()
    assert "The search engine is not answering" in html and "Kopieringspapper" in html
    service.FAILOVER.down_until.clear()


# --- Category names, the grouped facet, comparison and the language switch ---------------------------


def _generator_codes() -> set[str]:
    return {product[1] for _name, products, _n in CATEGORIES for product in products}


def _test_catalogue_codes() -> set[str]:
    return {row["unspsc"] for row in parsed_items()}


@pytest.mark.django_db(databases=[])
def test_every_code_we_emit_has_a_named_segment_and_family_in_both_languages():
    codes = _generator_codes() | _test_catalogue_codes()
    assert len(codes) > 30
    for code in sorted(codes):
        for parent in (categories.segment_of(code), categories.family_of(code)):
            sv, en = categories.category_name(parent, "sv"), categories.category_name(parent, "en")
            assert sv and en, f"{parent} (from {code}) has no name"
    # The public-sector areas: office supplies, IT, cleaning, food, care, furniture.
    for segment in ("44000000", "43000000", "47000000", "50000000", "42000000", "56000000"):
        assert categories.is_segment(segment) and categories.category_name(segment, "sv")


@pytest.mark.django_db(databases=[])
def test_category_labels_follow_the_language_and_fall_back_to_the_code():

    assert categories.category_label("14000000", "sv") == "Papper och pappersprodukter"
    assert categories.category_label("14110000", "en") == "Paper products"
    with translation.override("en"):
        assert categories.category_label("44120000") == "Office supplies"
    with translation.override("sv"):
        assert categories.category_label("44120000") == "Kontorsmaterial"
        # 99 is no UNSPSC segment: the code is shown rather than nothing.
        assert categories.category_label("99000000") == "Segment 99000000"
        assert categories.category_label("99110000") == "Familj 99110000"
    path = categories.category_path("44121701", "en")
    assert (path.segment, path.family) == ("44000000", "44120000")
    assert path.family_name == "Office supplies"
    assert categories.category_path("4412") is None and categories.category_path(None) is None


def test_category_facet_names_families_under_their_segment(client, test_catalogue):
    html = client.get("/sv/sok/", {"q": "penna"}).content.decode()
    tree = html[html.index('class="facet-tree"') : html.index("</fieldset>", html.index('class="facet-tree"'))]
    assert "Segment 44000000" not in tree and "Familj 44120000" not in tree
    segment_at = tree.index("Kontorsutrustning, tillbehör och förbrukningsmaterial")
    family_at = tree.index("Kontorsmaterial")
    assert segment_at < family_at
    # The family sits in the nested list that follows its segment, with its code in small type.
    nested = tree[segment_at : tree.index("</ul>", segment_at)]
    assert '<span class="code">44120000</span>' in nested
    # The count shown is the API's, which rolls the matching items up to their family.
    count = int(re.search(r'f-category-44120000".*?\((\d+)\)', tree, re.S).group(1))
    api = client.get("/api/v1/search", {"q": "penna", "page_size": 100}).json()
    family = next(f for f in api["facets"]["category"] if f["value"] == "44120000")
    assert family["count"] == count == sum(1 for r in api["results"] if r["unspsc"].startswith("4412"))
    assert family["label"] in ("Kontorsmaterial", "Office supplies")


def test_filtering_by_a_family_counts_its_items(client, test_catalogue):
    visible = service.visible_items(None)
    expected = visible.filter(unspsc__startswith="4412").count()
    assert 0 < expected < visible.count()
    body = client.get("/api/v1/search", {"category": "44120000", "page_size": 100}).json()
    assert body["total"] == expected
    assert all(r["unspsc"].startswith("4412") for r in body["results"])
    html = client.get("/sv/sok/", {"category": "44120000"}).content.decode()
    assert 'value="44120000" checked' in html
    assert "Rensa alla filter" in html


def test_english_page_names_categories_in_english(client, test_catalogue):
    html = client.get("/en/search/", {"q": "papper"}).content.decode()
    assert "Paper Materials and Products" in html and "Paper products" in html
    assert "Papper och pappersprodukter" not in html


def test_product_page_shows_the_category_names_and_code(client, test_catalogue):
    item = test_catalogue.items["K-1006"]
    html = client.get(f"/sv/sok/artikel/{item.pk}/", follow=True).content.decode()
    assert "Kontorsutrustning, tillbehör och förbrukningsmaterial › Kontorsmaterial" in html  # noqa: RUF001 (the breadcrumb separator)
    assert '<span class="code">UNSPSC 44121701</span>' in html
    html = client.get(f"/en/search/item/{item.pk}/", follow=True).content.decode()
    assert "Office Equipment and Accessories and Supplies › Office supplies" in html  # noqa: RUF001 (the breadcrumb separator)


def test_fifth_compared_item_gives_a_message_in_the_page_language(client, test_catalogue):
    picked = [test_catalogue.items[k].pk for k in ("K-1006", "K-1007", "K-1008", "K-1009", "K-1010")]
    swedish, english = "Högst 4 artiklar kan jämföras", "At most 4 items can be compared"
    for url, shown, hidden in (("/sv/sok/jamfor/", swedish, english), ("/en/search/compare/", english, swedish)):
        html = client.get(url, {"id": picked}).content.decode()
        assert shown in html and hidden not in html
        assert html.count('scope="col"') == 4


def test_compare_page_removes_an_item_and_keeps_the_rest(client, test_catalogue):
    first, second = test_catalogue.items["K-1006"].pk, test_catalogue.items["K-1007"].pk
    html = client.get("/sv/sok/jamfor/", {"id": [first, second]}).content.decode()
    assert f'href="/sv/sok/jamfor/?id={second}"' in html
    assert f'href="/sv/sok/jamfor/?id={first}"' in html
    assert "Kategori" in html and "Kontorsmaterial" in html


def test_language_switch_keeps_the_search(client, test_catalogue):
    html = client.get("/sv/sok/", {"q": "penna", "sort": "price"}).content.decode()
    assert 'href="/en/search/?q=penna&amp;sort=price" lang="en"' in html
    html = client.get("/en/search/item/RA-KONTOR-1/5560160680/K-1006/").content.decode()
    assert 'href="/sv/sok/artikel/RA-KONTOR-1/5560160680/K-1006/" lang="sv"' in html


def test_paging_links_keep_query_and_filters(client, test_catalogue):
    html = client.get("/sv/sok/", {"q": "papper", "page_size": 2, "eco_label": "Svanen"}).content.decode()
    total = client.get("/api/v1/search", {"q": "papper", "eco_label": "Svanen"}).json()["total"]
    assert total > 2
    assert "q=papper&amp;page_size=2&amp;eco_label=Svanen&amp;page=2" in html
    html2 = client.get("/sv/sok/", {"q": "papper", "page_size": 2, "eco_label": "Svanen", "page": 2}).content.decode()
    assert 'rel="prev"' in html2 and 'start="3"' in html2


def test_autocomplete_links_follow_the_page_language(client, test_catalogue):
    body = client.get("/api/v1/autocomplete", {"q": "kulsp", "lang": "en"}).json()
    assert body["results"] and all("/en/search/item/" in r["url"] for r in body["results"])
    body = client.get("/api/v1/autocomplete", {"q": "kulsp", "lang": "sv"}).json()
    assert all("/sv/sok/artikel/" in r["url"] for r in body["results"])


def test_sorting_by_price_and_unit_price_orders_the_page(client, test_catalogue):
    for sort, key in (("price", "price"), ("unit_price", "unit_price")):
        body = client.get("/api/v1/search", {"q": "penna", "sort": sort}).json()
        values = [
            Decimal(r["price"]) / Decimal(r["base_quantity"]) if key == "unit_price" else Decimal(r["price"])
            for r in body["results"]
        ]
        assert values == sorted(values) and len(values) > 2
    html = client.get("/sv/sok/", {"q": "kontorsstol", "sort": "-price"}).content.decode()
    assert '<option value="-price" selected>' in html
    # Amounts the Swedish way, on the page and in the comparison: O-7001 costs 3490.00.
    assert '<span class="amount">3 490,00 kr</span>' in html
    assert html.index("3 490,00 kr") < html.index("1 490,00 kr")  # highest price first
    chair = test_catalogue.items["O-7001"].pk
    assert "3 490,00 kr" in client.get("/en/search/compare/", {"id": chair}).content.decode()


def test_a_chosen_filter_stays_visible_when_the_new_search_has_no_hits_in_it(client, test_catalogue):
    supplier = test_catalogue.suppliers["mobler"].pk
    params = {"q": "penna", "category": "14110000", "supplier": str(supplier), "eco_label": "KRAV"}
    html = client.get("/sv/sok/", params).content.decode()
    body = client.get("/api/v1/search", params).json()
    assert body["total"] == 0
    # Each chosen value is still a ticked box (with 0 hits), so the buyer can see and untick it.
    assert 'value="14110000" checked' in html and "Pappersprodukter" in html
    assert f'value="{supplier}" checked' in html and "Möbelhuset AB" in html
    assert 'value="KRAV" checked' in html
    assert "Rensa alla filter" in html and 'href="/sv/sok/?q=penna"' in html


def test_large_ids_and_page_numbers_are_not_localised(client, test_catalogue):
    # Swedish formatting would print 1234567 as "1 234 567" and break the compare form's values.

    item = test_catalogue.items["K-1006"]
    CatalogueItem.objects.filter(pk=item.pk).update(id=1234567)
    # OpenSearch pages come from the index: send the renumbered item there too.
    indexing.index_items([CatalogueItem.objects.get(pk=1234567)])
    html = client.get("/sv/sok/", {"sort": "price", "page_size": 100}).content.decode()
    assert 'value="1234567"' in html and 'id="cmp-1234567"' in html
    html = client.get("/sv/sok/artikel/1234567/", follow=True).content.decode()
    assert 'name="id" value="1234567"' in html
    total = client.get("/api/v1/search", {"page_size": 1}).json()["total"]
    assert total > 100
    html = client.get("/sv/sok/", {"page_size": 1, "page": 100}).content.decode()
    assert "page=101" in html and 'start="100"' in html
