"""The HTML pages and the JSON API, including bad input: never a 500."""

import pytest

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


@pytest.mark.parametrize(
    "params",
    [
        {"supplier": "abc"},
        {"supplier": "999999"},
        {"agreement": "-1"},
        {"category": "not-a-code"},
        {"eco_label": "Finns inte"},
        {"price": "cheap"},
        {"sort": "random()"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"page": "-5"},
        {"page_size": "100000"},
        {"eco_label": "Svanen\x00"},
        {"supplier": "\x00"},
        {"q": "papper\x00kopiering"},
    ],
)
def test_bad_parameters_give_results_or_a_message(client, test_catalogue, params):
    response = client.get("/api/v1/search", {"q": "papper", **params})
    assert response.status_code == 200
    body = response.json()
    assert body["page_size"] <= 100
    assert body["total"] >= 0
    page = client.get("/sv/sok/", {"q": "papper", **params})
    assert page.status_code == 200


def test_unknown_facet_value_is_reported(client, test_catalogue):
    body = client.get("/api/v1/search", {"q": "papper", "supplier": "abc"}).json()
    assert body["total"] > 0
    assert any("Unknown filter value" in m for m in body["messages"])


def test_page_past_the_end(client, test_catalogue):
    body = client.get("/api/v1/search", {"q": "papper", "page": 500}).json()
    assert body["results"] == [] and body["total"] > 0
    assert any("past the end" in m for m in body["messages"])


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
    assert client.get(f"/sv/sok/artikel/{open_item.pk}/").status_code == 200
    assert client.get(f"/sv/sok/artikel/{restricted.pk}/").status_code == 404
    assert client.get(f"/en/search/item/{expired.pk}/").status_code == 404


def test_compare_up_to_four(client, test_catalogue):
    picked = [test_catalogue.items[k].pk for k in ("K-1006", "K-1007", "K-1008", "K-1009", "K-1010")]
    response = client.get("/sv/sok/jamfor/", {"id": picked + ["abc"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('scope="col"') == 4
    assert "Blyertspenna" not in html  # the fifth item is left out
    restricted = test_catalogue.items["M-5001"].pk
    html = client.get("/sv/sok/jamfor/", {"id": [restricted]}).content.decode()
    assert "Kaffe" not in html


def test_fallback_notice_on_the_page(client, test_catalogue, settings):
    from search import service

    backends = {k: dict(v) for k, v in settings.WAGTAILSEARCH_BACKENDS.items()}
    backends["default"] = {
        "BACKEND": "modelsearch.backends.opensearch3",
        "URLS": ["http://127.0.0.1:9"],
        "INDEX_PREFIX": "hub_down_",
        "TIMEOUT": 1,
        "AUTO_UPDATE": False,
    }
    settings.WAGTAILSEARCH_BACKENDS = backends
    service._backend_down_until.clear()
    html = client.get("/sv/sok/", {"q": "papper"}).content.decode()
    assert "Sökmotorn svarar inte" in html
    service._backend_down_until.clear()
