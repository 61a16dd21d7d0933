"""The punchout shop: start once, search the organisation's scope, basket, transfer, cancel, edit, inspect."""

from __future__ import annotations

import datetime
import io
import logging
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from catalogue import safe_xml
from catalogue.models import CatalogueItem
from catalogue.tests.review_fixtures import make_agreement, make_version, publish_directly
from punchout.log_filters import RedactPunchoutKeys
from punchout.models import BasketLine, PunchoutSession
from punchout.tests.fixtures import OFFICE_ITEMS, RETURN_URL
from punchout.tests.helpers import open_session, returned_cxml, returned_form, start_shopping
from search import indexing
from search.service import SearchScope, autocomplete

pytestmark = pytest.mark.django_db


def add(client, shop: str, item, quantity: str = "1"):
    return client.post(shop + "lagg-till/", {"item": str(item.pk), "quantity": quantity})


def test_the_start_page_works_once_and_the_shop_lives_at_a_different_key(client, buyer_system):
    start = open_session(client)
    start_token = start.rstrip("/").rsplit("/", 1)[1]

    first = client.get(start)
    replay = client.get(start)

    assert first.status_code == 303
    shop = first["Location"]
    assert shop.startswith("/punchout/s/") and start_token not in shop
    assert replay.status_code == 410
    assert (
        "Länken är redan använd" in replay.content.decode()
        and "The link has already been used" in replay.content.decode()
    )
    assert client.get(shop).status_code == 200


def test_an_expired_start_token_shows_the_expiry_page_in_swedish_and_english(client, buyer_system):
    start = open_session(client)
    PunchoutSession.objects.update(start_expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(start)

    assert response.status_code == 410
    text = response.content.decode()
    assert "Sessionen har gått ut" in text and "The session has expired" in text
    assert PunchoutSession.objects.get().state == PunchoutSession.State.NEW


def test_an_expired_session_shows_the_expiry_page(client, buyer_system):
    shop = start_shopping(client)
    PunchoutSession.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(shop)

    assert response.status_code == 410
    assert "The session has expired" in response.content.decode()


def test_an_unknown_key_is_not_found_and_not_redirected_to_a_language(client):
    response = client.get("/punchout/s/nonsense/")

    assert response.status_code == 404
    assert "Sessionen finns inte" in response.content.decode()


def test_shop_pages_are_framed_only_by_the_registered_origins_and_set_no_cookie(client, buyer_system):
    shop = start_shopping(client)

    response = client.get(shop)

    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://proceedo.example.se" in policy
    assert "X-Frame-Options" not in response
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies
    # Everywhere else the hub still refuses to be framed.
    other = client.get("/sv/sok/")
    assert other["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in other["Content-Security-Policy"]


def test_search_shows_only_the_sessions_scope(client, buyer_system, punchout_catalogue):
    shop = start_shopping(client)

    everything = client.get(shop).content.decode()
    papper = client.get(shop, {"q": "kopieringspapper"}).content.decode()
    hidden = client.get(shop, {"q": "hemlig"}).content.decode()

    assert "Kopieringspapper A4 80 g" in everything and "Hemlig vara" not in everything
    assert "Kopieringspapper A4 80 g" in papper and "Kulspetspenna" not in papper
    assert "Hemlig vara" not in hidden


def test_an_agreement_scope_narrows_the_organisations_entitlement(client, buyer_system, punchout_catalogue):
    narrow = make_agreement("RA-PO-3", title="Bara detta")
    buyer_system.agreements.set([narrow])
    shop = start_shopping(client)

    assert "Kopieringspapper" not in client.get(shop).content.decode()
    assert add(client, shop, punchout_catalogue.items["KP-100"]).status_code == 403


def test_add_items_and_see_totals_with_and_without_vat(client, buyer_system, punchout_catalogue):
    shop = start_shopping(client)
    items = punchout_catalogue.items

    assert add(client, shop, items["KP-100"], "2").status_code == 303
    assert add(client, shop, items["BOK-1"], "1").status_code == 303
    assert add(client, shop, items["KP-100"], "1").status_code == 303  # adds to the same line

    session = PunchoutSession.objects.get()
    assert {line.seller_item_id: line.quantity for line in session.lines.all()} == {"KP-100": 3, "BOK-1": 1}
    page = client.get(shop).content.decode()
    # 3 * 1 234,50 + 300,00 = 4 003,50; VAT 25 % of 3 703,50 + 6 % of 300 = 925,88 + 18,00 = 943,88.
    assert "3\xa0703,50 kr" in page or "3 703,50 kr" in page
    assert "4 003,50 kr" in page.replace("\xa0", " ")
    assert "943,88 kr" in page
    assert "4 947,38 kr" in page.replace("\xa0", " ")


def test_a_forged_item_outside_the_scope_is_refused(client, buyer_system, punchout_catalogue):
    shop = start_shopping(client)

    response = add(client, shop, punchout_catalogue.forbidden_item)

    assert response.status_code == 403
    assert not BasketLine.objects.exists()
    assert "Hemlig vara" not in response.content.decode()


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "1e9", "0.0001", "NaN"])
def test_bad_quantities_are_refused(client, buyer_system, punchout_catalogue, quantity):
    shop = start_shopping(client)

    assert add(client, shop, punchout_catalogue.items["KP-200"], quantity).status_code == 400
    assert not BasketLine.objects.exists()


def test_quantities_change_and_zero_removes_a_line(client, buyer_system, punchout_catalogue):
    shop = start_shopping(client)
    add(client, shop, punchout_catalogue.items["KP-100"], "2")
    add(client, shop, punchout_catalogue.items["KP-200"], "5")
    kp100, kp200 = BasketLine.objects.order_by("pk")

    client.post(shop + "varukorg/", {f"line-{kp100.pk}": "0", f"line-{kp200.pk}": "7,5"})

    assert list(BasketLine.objects.values_list("seller_item_id", "quantity")) == [("KP-200", Decimal("7.5"))]


def test_transfer_posts_a_valid_order_message_and_closes_the_session(
    client, buyer_system, punchout_catalogue, assert_valid_cxml
):
    shop = start_shopping(client, buyer_cookie="kaka &amp; &lt;mer&gt;")
    add(client, shop, punchout_catalogue.items["KP-100"], "2")
    add(client, shop, punchout_catalogue.items["KP-200"], "3")

    response = client.post(shop + "overfor/")

    assert response.status_code == 200
    form = returned_form(response)
    assert form["action"] == RETURN_URL
    assert "form-action 'self' https://proceedo.example.se" in response["Content-Security-Policy"]
    document = returned_cxml(response)
    assert_valid_cxml(document)
    root = etree.fromstring(document, safe_xml.parser())
    message = root.find("Message/PunchOutOrderMessage")
    assert message.findtext("BuyerCookie") == "kaka & <mer>"
    assert message.find("PunchOutOrderMessageHeader").get("operationAllowed") == "edit"
    assert message.findtext("PunchOutOrderMessageHeader/Total/Money") == "2494.50"  # 2 * 1234.50 + 3 * 8.50
    first, second = message.findall("ItemIn")
    assert first.get("quantity") == "2"
    assert first.findtext("ItemID/SupplierPartID") == "KP-100"
    assert (
        first.findtext("ItemID/SupplierPartAuxiliaryID")
        == f"RA-PO-1;{punchout_catalogue.agreement.suppliers.get().orgnr}"
    )
    assert first.findtext("ItemDetail/UnitPrice/Money") == "1234.50"
    assert first.find("ItemDetail/UnitPrice/Money").get("currency") == "SEK"
    assert first.findtext("ItemDetail/UnitOfMeasure") == "XPK"
    assert first.find("ItemDetail/Classification").get("domain") == "UNSPSC"
    assert first.findtext("ItemDetail/Classification") == "14111507"
    assert first.findtext("ItemDetail/ManufacturerPartID") == "PB-A4-80"
    assert first.findtext("ItemDetail/Extrinsic[@name='AgreementReference']") == "RA-PO-1"
    assert second.findtext("ItemDetail/UnitPrice/Money") == "8.50"
    assert root.findtext("Header/From/Credential/Identity") == "e-handelshubben"
    assert root.findtext("Header/To/Credential/Identity") == buyer_system.cxml_from_identity
    assert b"SharedSecret" not in document
    # The session is over: the key leads to the closed page, and nothing more can be sent.
    assert PunchoutSession.objects.get().state == PunchoutSession.State.TRANSFERRED
    assert client.get(shop).status_code == 410
    assert client.post(shop + "overfor/").status_code == 410


def test_base64_return_encoding(client, buyer_system, punchout_catalogue, assert_valid_cxml):
    buyer_system.cxml_return_encoding = "base64"
    buyer_system.save()
    shop = start_shopping(client)
    add(client, shop, punchout_catalogue.items["BOK-1"])

    response = client.post(shop + "overfor/")

    form = returned_form(response)
    assert "cxml-base64" in form and "cxml-urlencoded" not in form
    document = returned_cxml(response)
    assert_valid_cxml(document)
    assert b"<SupplierPartID>BOK-1</SupplierPartID>" in document


def test_cancel_returns_an_empty_basket(client, buyer_system, punchout_catalogue, assert_valid_cxml):
    shop = start_shopping(client)
    add(client, shop, punchout_catalogue.items["KP-100"])

    response = client.post(shop + "avbryt/")

    document = returned_cxml(response)
    assert_valid_cxml(document)
    root = etree.fromstring(document, safe_xml.parser())
    assert root.findall("Message/PunchOutOrderMessage/ItemIn") == []
    assert root.findtext("Message/PunchOutOrderMessage/PunchOutOrderMessageHeader/Total/Money") == "0.00"
    assert PunchoutSession.objects.get().state == PunchoutSession.State.CANCELLED


def item_outs(lines: list[tuple[str, str, str]]) -> str:
    return "".join(
        f"""<ItemOut quantity="{quantity}" lineNumber="{n}"><ItemID><SupplierPartID>{part}</SupplierPartID>
        <SupplierPartAuxiliaryID>{aux}</SupplierPartAuxiliaryID></ItemID></ItemOut>"""
        for n, (part, aux, quantity) in enumerate(lines, start=1)
    )


def test_edit_reopens_the_returned_basket(client, buyer_system, punchout_catalogue, assert_valid_cxml):
    orgnr = punchout_catalogue.agreement.suppliers.get().orgnr
    other_orgnr = punchout_catalogue.other_agreement.suppliers.get().orgnr
    lines = [("KP-100", f"RA-PO-1;{orgnr}", "4"), ("HEM-1", f"RA-PO-2;{other_orgnr}", "1")]
    shop = start_shopping(client, operation="edit", item_outs=item_outs(lines))

    page = client.get(shop).content.decode()

    session = PunchoutSession.objects.get()
    assert list(session.lines.values_list("seller_item_id", "quantity")) == [("KP-100", Decimal("4"))]
    assert session.unmatched_lines == [{"supplier_part_id": "HEM-1", "quantity": "1"}]
    assert "Hemlig vara" not in page and "HEM-1" in page
    # Closing without changes returns the basket as it came.
    document = returned_cxml(client.post(shop + "overfor/"))
    assert_valid_cxml(document)
    root = etree.fromstring(document, safe_xml.parser())
    assert [(i.findtext("ItemID/SupplierPartID"), i.get("quantity")) for i in root.iter("ItemIn")] == [("KP-100", "4")]


def test_inspect_is_read_only(client, buyer_system, punchout_catalogue):
    orgnr = punchout_catalogue.agreement.suppliers.get().orgnr
    shop = start_shopping(client, operation="inspect", item_outs=item_outs([("KP-200", f"RA-PO-1;{orgnr}", "2")]))

    page = client.get(shop).content.decode()
    added = add(client, shop, punchout_catalogue.items["KP-100"])
    line = BasketLine.objects.get()
    changed = client.post(shop + "varukorg/", {f"line-{line.pk}": "9"})

    assert "Lägg i varukorgen" not in page and "Kulspetspenna blå" in page
    assert added.status_code == 403 and changed.status_code == 403
    assert list(BasketLine.objects.values_list("seller_item_id", "quantity")) == [("KP-200", Decimal("2"))]
    document = returned_cxml(client.post(shop + "overfor/"))
    root = etree.fromstring(document, safe_xml.parser())
    assert root.find("Message/PunchOutOrderMessage/PunchOutOrderMessageHeader").get("operationAllowed") == "inspect"


def test_the_shop_speaks_english_when_the_request_does(client, buyer_system, punchout_catalogue):
    shop = start_shopping(client, language="en-US")

    page = client.get(shop).content.decode()

    assert 'lang="en"' in page and "Transfer the basket" in page
    assert "Överför varukorgen" in client.get(shop, {"lang": "sv"}).content.decode()


def test_the_periodic_jobs_delete_sessions_a_day_past_expiry(client, buyer_system, punchout_catalogue):
    shop = start_shopping(client)
    add(client, shop, punchout_catalogue.items["KP-100"])
    start_shopping(client)
    old, recent = PunchoutSession.objects.order_by("pk")
    PunchoutSession.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(days=2))
    PunchoutSession.objects.filter(pk=recent.pk).update(expires_at=timezone.now() - datetime.timedelta(hours=1))

    call_command("run_periodic_jobs", "--once")

    assert list(PunchoutSession.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not BasketLine.objects.exists()


def test_session_keys_never_reach_the_log_handlers(client, buyer_system, punchout_catalogue, settings):
    """Django logs the path of every refused request; the hub's handlers write <hidden> for the key."""
    assert "redact_punchout_keys" in settings.LOGGING["handlers"]["console"]["filters"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPunchoutKeys())
    logging.getLogger("django.request").addHandler(handler)
    try:
        start = open_session(client)
        shop = client.get(start)["Location"]
        client.get(start)  # a replayed start token: 410, logged
        refused = add(client, shop, punchout_catalogue.forbidden_item)  # 403, logged
    finally:
        logging.getLogger("django.request").removeHandler(handler)

    assert refused.status_code == 403
    key = shop.rstrip("/").rsplit("/", 1)[1]
    token = start.rstrip("/").rsplit("/", 1)[1]
    logged = stream.getvalue()
    assert "/punchout/s/<hidden>/lagg-till/" in logged
    assert key not in logged and token not in logged


def publish_new_prices(punchout_catalogue) -> None:
    """A newer version of the supplier's catalogue: KP-100 costs more, KP-200 is gone, BOK-1 unchanged."""
    items = [dict(item) for item in OFFICE_ITEMS if item["seller_item_id"] != "KP-200"]
    items[0]["price"] = "1300.00"
    catalogue = punchout_catalogue.items["KP-100"].version.catalogue
    publish_directly(make_version(catalogue, items))


def test_a_newer_catalogue_version_is_shown_before_transfer_and_the_live_price_goes(
    client, buyer_system, punchout_catalogue, assert_valid_cxml
):
    shop = start_shopping(client)
    add(client, shop, punchout_catalogue.items["KP-100"], "2")
    add(client, shop, punchout_catalogue.items["KP-200"], "3")
    publish_new_prices(punchout_catalogue)

    # A transfer straight away would carry prices the shopper has not seen: the basket is shown again.
    first = client.post(shop + "overfor/")
    assert first.status_code == 303 and "meddelande=changed" in first["Location"]
    assert PunchoutSession.objects.get().state == PunchoutSession.State.OPEN
    page = re.sub(r"<[^>]+>", "", client.get(first["Location"]).content.decode()).replace("\xa0", " ")
    assert "Nytt pris: 1 300,00 kr (var 1 234,50 kr)." in page
    assert "Finns inte längre på avtalet och följer inte med." in page
    assert "2 600,00 kr" in page  # the total counts only what will be sent

    document = returned_cxml(client.post(shop + "overfor/"))

    assert_valid_cxml(document)
    root = etree.fromstring(document, safe_xml.parser())
    lines = [
        (i.findtext("ItemID/SupplierPartID"), i.findtext("ItemDetail/UnitPrice/Money")) for i in root.iter("ItemIn")
    ]
    assert lines == [("KP-100", "1300.00")]
    assert root.findtext("Message/PunchOutOrderMessage/PunchOutOrderMessageHeader/Total/Money") == "2600.00"


def test_autocomplete_takes_the_same_scope(buyer_system, punchout_catalogue):
    scope = SearchScope(punchout_catalogue.organisation)

    names = [suggestion.name for suggestion in autocomplete("he", scope=scope)[0]]
    others = [suggestion.name for suggestion in autocomplete("ko", scope=scope)[0]]

    assert "Hemlig vara" not in names
    assert others == ["Kopieringspapper A4 80 g"]
    entitled = SearchScope(punchout_catalogue.other_agreement.buyers.get())
    assert [suggestion.name for suggestion in autocomplete("he", scope=entitled)[0]] == ["Hemlig vara"]


def test_facets_filter_within_the_scope(client, buyer_system, punchout_catalogue, other_supplier):
    shop = start_shopping(client)

    everything = client.get(shop).content.decode()
    cheap = client.get(shop, {"price": "0-100"}).content.decode()

    assert "Filtrera" in everything and "Kontorsleverantören AB" in everything
    assert other_supplier.name not in everything  # its agreement is outside the scope, so is its facet
    assert "Kulspetspenna blå" in cheap and "Kopieringspapper A4 80 g" not in cheap.split('id="varukorg"')[0]


def test_suggestions_come_from_the_scope_and_lead_to_a_search(client, buyer_system, punchout_catalogue):
    shop = start_shopping(client)

    mine = client.get(shop + "forslag/", {"q": "kop"}).json()["results"]
    hidden = client.get(shop + "forslag/", {"q": "hem"}).json()["results"]

    assert [(r["name"], r["supplier"]) for r in mine] == [("Kopieringspapper A4 80 g", "Kontorsleverantören AB")]
    assert mine[0]["url"].startswith(shop + "?q=")
    assert hidden == []


def test_item_and_line_ids_in_forms_are_never_written_with_a_thousands_separator(
    client, buyer_system, punchout_catalogue
):
    """Swedish number formatting wrote id 2214 as "2 214" in the form, so adding to the basket failed."""
    item = punchout_catalogue.items["KP-200"]
    CatalogueItem.objects.filter(pk=item.pk).update(id=1_234_567)
    indexing.index_version(item.version)  # the search index knows the item by its new id
    shop = start_shopping(client)
    page = client.get(shop, {"q": "kulspetspenna"}).content.decode()
    assert 'name="item" value="1234567"' in page
    assert client.post(shop + "lagg-till/", {"item": "1234567", "quantity": "1"}).status_code == 303
    line = PunchoutSession.objects.get().lines.get()
    page = client.get(shop).content.decode()
    assert f'name="line-{line.pk}"' in page
