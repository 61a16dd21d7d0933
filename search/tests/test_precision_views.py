"""The search page and the JSON API word the service's notice codes and show "did you mean", in both languages."""

import pytest

from search.service import postgres

pytestmark = pytest.mark.django_db


def test_a_code_not_in_the_catalogue_is_said_in_swedish_and_english(client, test_catalogue):
    html = client.get("/sv/sok/", {"q": "K-9999"}).content.decode()
    assert "Inget artikelnummer eller GTIN K-9999 finns bland de artiklar du kan köpa" in html
    html = client.get("/en/search/", {"q": "K-9999"}).content.decode()
    assert "No item number or GTIN K-9999 among the items you can buy" in html
    assert "Inget artikelnummer" not in html
    body = client.get("/api/v1/search", {"q": "K-9999"}).json()
    assert body["total"] == 0 and body["results"] == []
    assert body["notices"] == [{"code": "code_not_found", "number": "K-9999"}]
    assert any("Inget artikelnummer eller GTIN K-9999" in m for m in body["messages"])
    body = client.get("/api/v1/search", {"q": "K-9999", "lang": "en"}).json()
    assert any("No item number or GTIN K-9999" in m for m in body["messages"])


def test_an_article_number_on_the_page_shows_that_item(client, test_catalogue):
    body = client.get("/api/v1/search", {"q": "K-1001"}).json()
    assert [r["seller_item_id"] for r in body["results"]] == ["K-1001"]
    assert body["notices"] == [{"code": "code_found", "number": "K-1001"}]
    html = client.get("/en/search/", {"q": "K-1001"}).content.decode()
    assert "Showing the item with item number or GTIN K-1001" in html


def test_did_you_mean_on_the_page_and_in_the_api(client, test_catalogue, monkeypatch):
    # PostgreSQL's trigram fallback would find it by itself; the wording is the same on every backend.
    monkeypatch.setattr(postgres, "trigram_matches", lambda *args, **kwargs: [])
    # "bord" for "board": the dictionary cannot correct it (with or without Debian's word lists), the catalogue can.
    q = "whitebordtavla"
    body = client.get("/api/v1/search", {"q": q}).json()
    assert body["total"] == 0
    assert body["suggestion"] == "whiteboardtavla"
    assert {"total", "results", "messages", "fallback", "relaxed"} <= set(body)  # the fields kept
    html = client.get("/sv/sok/", {"q": q}).content.decode()
    assert "Menade du:" in html and 'href="/sv/sok/?q=whiteboardtavla"' in html
    html = client.get("/en/search/", {"q": q}).content.decode()
    assert "Did you mean:" in html and 'href="/en/search/?q=whiteboardtavla"' in html
    # The suggestion finds what it promises.
    assert client.get("/api/v1/search", {"q": body["suggestion"]}).json()["total"] > 0


def test_no_suggestion_field_value_when_there_are_hits(client, test_catalogue):
    body = client.get("/api/v1/search", {"q": "kopieringspapper"}).json()
    assert body["total"] > 0 and body["suggestion"] == "" and body["notices"] == []
    assert "Menade du" not in client.get("/sv/sok/", {"q": "kopieringspapper"}).content.decode()


def test_the_english_page_examples_give_hits(client, test_catalogue):
    for q in ("copy paper", "pens", "office chair"):  # the English page's own hint
        html = client.get("/en/search/", {"q": q}).content.decode()
        body = client.get("/api/v1/search", {"q": q, "lang": "en"}).json()
        assert body["total"] > 0, q
        assert body["results"][0]["name"] in html
