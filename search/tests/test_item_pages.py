"""Product pages: lasting addresses, what the file carried, units by name, and the way back to the results."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.utils import translation
from PIL import Image as PILImage

from catalogue.models import CatalogueItem, CatalogueVersion
from catalogue.pictures.files import store_image
from catalogue.publish import publish_version
from hub import units
from hub.organisations import roles
from hub.organisations.tests.fixtures import make_user
from search import indexing
from search.addresses import product_url

KONTOR_PEN = "/sv/sok/artikel/RA-KONTOR-1/5560160680/K-1006/"
KONTOR_PEN_EN = "/en/search/item/RA-KONTOR-1/5560160680/K-1006/"
RESTRICTED = "/sv/sok/artikel/RA-MAT-1/5561234567/M-5001/"


def publish_new_version(
    catalogue_item: CatalogueItem, keep: dict[str, dict], add: Sequence[dict] = ()
) -> CatalogueVersion:
    """Publish version 2 of the item's catalogue with only the `keep` items (changed by their dict) and `add`."""
    catalogue = catalogue_item.version.catalogue
    version = CatalogueVersion.objects.create(
        catalogue=catalogue, number=2, format="csv", status=CatalogueVersion.Status.VALIDATED
    )
    items = []
    for old in CatalogueItem.objects.filter(version=catalogue_item.version):
        if old.seller_item_id in keep:
            old.pk, old.version = None, version
            for name, value in keep[old.seller_item_id].items():
                setattr(old, name, value)
            items.append(old)
    for extra in add:
        items.append(CatalogueItem(version=version, line_number=len(items) + 1, unit="EA", price=1, **extra))
    indexing.fill_search_text(items)
    CatalogueItem.objects.bulk_create(items)
    publish_version(version)
    return version


def buyer(client, django_user_model, organisation, username="bestallare"):
    client.force_login(make_user(django_user_model, username, roles.BUYER, organisation=organisation))
    return client


def test_item_links_everywhere_use_the_lasting_address(client, test_catalogue):
    html = client.get("/sv/sok/", {"q": "kulspetspenna"}).content.decode()
    assert 'href="/sv/sok/artikel/RA-KONTOR-1/5560160680/K-1006/?back=q%3Dkulspetspenna"' in html
    assert f"/sok/artikel/{test_catalogue.items['K-1006'].pk}/" not in html
    body = client.get("/api/v1/search", {"q": "kulspetspenna"}).json()
    assert any(r["url"].endswith(KONTOR_PEN) for r in body["results"])
    body = client.get("/api/v1/autocomplete", {"q": "kulsp", "lang": "en"}).json()
    assert body["results"] and all("/en/search/item/RA-" in r["url"] for r in body["results"])
    html = client.get("/sv/sok/jamfor/", {"id": test_catalogue.items["K-1006"].pk}).content.decode()
    assert f'href="{KONTOR_PEN}"' in html
    assert product_url(test_catalogue.items["K-1006"], "en") == KONTOR_PEN_EN


def test_the_address_survives_a_new_version_and_old_numbers_redirect(client, test_catalogue):
    pen = test_catalogue.items["K-1006"]
    publish_new_version(pen, keep={"K-1006": {"price": Decimal("1234.5")}, "K-1001": {}})
    response = client.get(KONTOR_PEN)
    assert response.status_code == 200
    assert "1 234,50 kr" in response.content.decode()
    assert response.context["item"].version.number == 2
    # The row id of version 1, bookmarked before the publication: a permanent redirect, keeping the way back.
    response = client.get(f"/sv/sok/artikel/{pen.pk}/", {"back": "q=penna"})
    assert response.status_code == 301
    assert response["Location"] == KONTOR_PEN + "?back=q%3Dpenna"
    response = client.get(f"/en/search/item/{pen.pk}/")
    assert response.status_code == 301 and response["Location"] == KONTOR_PEN_EN
    # A bookmarked comparison of version 1 ids shows the live items.
    html = client.get("/sv/sok/jamfor/", {"id": [pen.pk, test_catalogue.items["K-1001"].pk]}).content.decode()
    assert html.count('scope="col"') == 2 and "1 234,50 kr" in html


def test_a_removed_item_answers_410_in_the_page_language(client, test_catalogue):
    pen = test_catalogue.items["K-1006"]
    publish_new_version(pen, keep={"K-1001": {}})
    response = client.get(KONTOR_PEN, {"back": "q=penna"})
    html = response.content.decode()
    assert response.status_code == 410
    assert "Artikeln finns inte längre" in html and "finns inte längre i katalogen på avtal RA-KONTOR-1" in html
    assert 'href="/sv/sok/?q=penna"' in html
    assert "no longer" not in html
    response = client.get(KONTOR_PEN_EN)
    html = response.content.decode()
    assert response.status_code == 410
    assert "The item is no longer available" in html and 'href="/en/search/"' in html
    assert "finns inte" not in html
    # The old numeric address leads there too.
    assert client.get(f"/sv/sok/artikel/{pen.pk}/", follow=True).status_code == 410
    # Never heard of: 404, not 410.
    assert client.get("/sv/sok/artikel/RA-KONTOR-1/5560160680/K-0000/").status_code == 404


def test_items_the_visitor_may_not_buy_are_404_even_when_removed(client, django_user_model, test_catalogue):
    restricted = test_catalogue.items["M-5001"]
    assert client.get(RESTRICTED).status_code == 404  # anonymous
    assert client.get(f"/sv/sok/artikel/{restricted.pk}/").status_code == 404
    other = buyer(client, django_user_model, test_catalogue.other, "annan")
    assert other.get(RESTRICTED).status_code == 404
    assert other.get(f"/sv/sok/artikel/{restricted.pk}/").status_code == 404
    entitled = buyer(client, django_user_model, test_catalogue.entitled)
    assert entitled.get(RESTRICTED).status_code == 200
    publish_new_version(restricted, keep={"M-5002": {}})
    assert entitled.get(RESTRICTED).status_code == 410
    other = buyer(client, django_user_model, test_catalogue.other, "annan2")
    assert other.get(RESTRICTED).status_code == 404  # removed or not, another organisation learns nothing
    client.logout()
    assert client.get(RESTRICTED).status_code == 404


def test_product_page_shows_what_the_file_carried(client, test_catalogue):
    pen = test_catalogue.items["K-1006"]
    CatalogueItem.objects.filter(pk=pen.pk).update(
        unit="XPK",
        vat_rate=Decimal("12.00"),
        lead_time_days=3,
        min_order_quantity=Decimal("10.000"),
        pack_size=Decimal("12.000"),
        gtin="07350000000019",
        price=Decimal("1234.5"),
    )
    html = client.get(KONTOR_PEN).content.decode()
    assert "1 234,50 kr</span> / förpackning" in html
    assert "<dt>Moms</dt><dd>12&nbsp;%</dd>" in html
    assert "<dt>Leveranstid</dt><dd>3 dagar</dd>" in html
    assert "<dt>Minsta beställning</dt><dd>10\xa0förpackningar</dd>" in html
    assert "<dt>Förpackningsinnehåll</dt><dd>12</dd>" in html
    assert "07350000000019" in html
    assert "XPK" not in html
    html = client.get(KONTOR_PEN_EN).content.decode()
    assert "1 234,50 kr</span> / pack" in html
    assert "<dt>VAT</dt><dd>12&nbsp;%</dd>" in html and "<dt>Lead time</dt><dd>3 days</dd>" in html
    assert "<dt>Minimum order</dt><dd>10\xa0packs</dd>" in html
    compare = client.get("/sv/sok/jamfor/", {"id": [pen.pk, test_catalogue.items["K-1007"].pk]}).content.decode()
    assert '<th scope="row">Leveranstid</th><td>3 dagar</td><td>–</td>' in compare
    assert '<th scope="row">Moms</th><td>12&nbsp;%</td><td>25&nbsp;%</td>' in compare
    # Fields the file left empty are not shown.
    other = client.get("/sv/sok/artikel/RA-KONTOR-1/5560160680/K-1007/").content.decode()
    assert "Leveranstid" not in other and "Minsta beställning" not in other and "GTIN" not in other


@pytest.mark.parametrize(
    ("code", "swedish", "english"),
    [("LTR", "liter", "litre"), ("EA", "styck", "piece"), ("C62", "styck", "piece"), ("XBX", "låda", "box")],
)
def test_units_are_shown_by_name_in_each_language(client, test_catalogue, code, swedish, english):
    CatalogueItem.objects.filter(pk=test_catalogue.items["K-1006"].pk).update(unit=code)
    assert f"</span> / {swedish}</p>" in client.get("/sv/sok/", {"q": "kulspetspenna"}).content.decode()
    assert f"</span> / {english}</dd>" in client.get(KONTOR_PEN_EN).content.decode()
    assert f"</span> / {swedish}</dd>" in client.get(KONTOR_PEN).content.decode()


def test_an_unknown_unit_code_is_shown_as_it_is(client, test_catalogue):
    CatalogueItem.objects.filter(pk=test_catalogue.items["K-1006"].pk).update(unit="ZZ9")
    assert "</span> / ZZ9</dd>" in client.get(KONTOR_PEN).content.decode()


def test_back_link_returns_to_the_same_results(client, test_catalogue):
    html = client.get("/sv/sok/", {"q": "penna", "sort": "price", "page": "2", "page_size": "5"}).content.decode()
    back = "q%3Dpenna%26sort%3Dprice%26page%3D2%26page_size%3D5"
    assert f'href="{KONTOR_PEN}?back={back}"' in html or f"?back={back}" in html
    link = next(part for part in html.split('href="')[1:] if part.startswith("/sv/sok/artikel/")).split('"')[0]
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert '<a href="/sv/sok/?q=penna&amp;sort=price&amp;page=2&amp;page_size=5" class="back-link">' in page
    # The language switch keeps it, and the comparison carries it on.
    page = client.get(KONTOR_PEN, {"back": "q=penna"}).content.decode()
    assert f'href="{KONTOR_PEN_EN}?back=q%3Dpenna" lang="en"' in page
    assert '<input type="hidden" name="back" value="q=penna">' in page
    compare = client.get("/sv/sok/jamfor/", {"id": test_catalogue.items["K-1006"].pk, "back": "q=penna"})
    assert '<a href="/sv/sok/?q=penna">' in compare.content.decode()


@pytest.mark.parametrize(
    "back", ["//evil.example", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)", "\\\\evil.example"]
)
def test_back_link_refuses_anything_but_a_query_string(client, test_catalogue, back):
    html = client.get(KONTOR_PEN, {"back": back}).content.decode()
    assert '<a href="/sv/sok/" class="back-link">' in html
    # (The header's sign-in link carries the whole address as "next"; the sign-in view checks that one.)
    links = [part.split('"')[0] for part in html.split('href="')[1:] if "next=" not in part.split('"')[0]]
    assert not [link for link in links if "evil.example" in unquote(link) or "javascript:" in link]
    assert '<input type="hidden" name="back"' not in html


def test_keys_with_slashes_percent_and_spaces_round_trip(client, test_catalogue):
    pen = test_catalogue.items["K-1006"]
    CatalogueItem.objects.filter(pk=pen.pk).update(seller_item_id="K 10/6%a")
    pen.refresh_from_db()
    url = product_url(pen, "sv")
    assert url == "/sv/sok/artikel/RA-KONTOR-1/5560160680/K%2010%252F6%2525a/"
    response = client.get(url)
    assert response.status_code == 200 and response.context["item"].pk == pen.pk
    dots = CatalogueItem.objects.get(pk=test_catalogue.items["K-1007"].pk)
    CatalogueItem.objects.filter(pk=dots.pk).update(seller_item_id="..")
    dots.refresh_from_db()
    assert client.get(product_url(dots, "en")).context["item"].pk == dots.pk


@pytest.mark.parametrize(
    "url",
    [
        "/sv/sok/artikel/99999999999999999999999999/",
        "/sv/sok/artikel/9223372036854775808/",
        "/en/search/item/99999999999999999/",
        "/sv/sok/artikel/RA-KONTOR-1/556016068/K-1006/",
        "/sv/sok/artikel/RA-KONTOR-1/55601606800/K-1006/",
        "/sv/sok/artikel/RA-KONTOR-1/5560160680/" + "K" * 700 + "/",
        "/sv/sok/artikel/" + "R" * 300 + "/5560160680/K-1006/",
        "/sv/sok/artikel/RA-KONTOR-1/5560160680/K%2500/",
    ],
)
def test_huge_or_garbage_addresses_are_404_not_500(client, test_catalogue, url):
    assert client.get(url).status_code == 404


def test_huge_ids_in_a_comparison_are_ignored_with_a_note(client, test_catalogue):
    pen = test_catalogue.items["K-1006"].pk
    response = client.get("/sv/sok/jamfor/", {"id": ["99999999999999999999999", "9223372036854775808", pen]})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('scope="col"') == 1 and "Ogiltigt artikel-id ignorerades" in html


@pytest.mark.parametrize(
    "params",
    [
        {"supplier": "99999999999999999999999"},
        {"agreement": "9223372036854775808"},
        {"supplier": "-5"},
        {"page": "99999999999999999999999"},
        {"page_size": "99999999999999999999999"},
    ],
)
def test_huge_filter_values_on_the_search_page_are_not_a_500(client, test_catalogue, params):
    response = client.get("/sv/sok/", {"q": "penna", **params})
    assert response.status_code == 200
    assert client.get("/api/v1/search", {"q": "penna", **params}).status_code == 200


def test_product_page_shows_the_items_picture(client, test_catalogue):

    buffer = io.BytesIO()
    PILImage.new("RGB", (60, 40), (20, 120, 200)).save(buffer, "PNG")
    image = store_image(buffer.getvalue(), "image/png", "Kulspetspenna")
    CatalogueItem.objects.filter(pk=test_catalogue.items["K-1006"].pk).update(image=image)
    html = client.get(KONTOR_PEN).content.decode()
    assert '<p class="item-image"><img src="' in html and 'alt="Kulspetspenna' in html
    assert '<p class="item-image">' not in client.get("/sv/sok/artikel/RA-KONTOR-1/5560160680/K-1007/").content.decode()


def test_unit_module_names_codes_and_falls_back_to_the_code():

    with translation.override("sv"):
        assert units.unit_name("XPK") == "förpackning"
        assert units.unit_name("ltr") == "liter"
        assert units.quantity_with_unit(Decimal("10.000"), "XPK") == "10\xa0förpackningar"
        assert units.quantity_with_unit(Decimal("2.500"), "LTR") == "2,5\xa0liter"
        assert units.unit_name("QQQ") == "QQQ" and units.unit_name("") == ""
    with translation.override("en"):
        assert units.unit_name("XPK") == "pack" and units.unit_name("LTR", 2) == "litres"
        assert units.quantity_with_unit(1, "EA") == "1\xa0piece"
