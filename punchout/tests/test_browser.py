"""Chromium runs a whole cXML session with the shop framed by an ordering system on another site.

The ordering system's page is served from http://localhost:<port>/ and frames the hub at
http://127.0.0.1:<port>/: two different sites, so every hub cookie would be a third-party cookie, and this
Chromium blocks them. The shop sets none; its state lives on the server and its key in the URL path.
axe-core checks the shop page.
"""

from __future__ import annotations

import pytest
from lxml import etree

from catalogue import safe_xml
from punchout.tests.fixtures import search_and_add
from punchout.tests.helpers import open_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_framed_session_from_setup_to_transfer(
    framed_ordering_system, client, buyer_system, punchout_catalogue, assert_valid_cxml, axe
):
    ordering = framed_ordering_system
    ordering.register(buyer_system)
    start_path = open_session(client, return_url=ordering.origin + "/retur")
    tab = ordering.open(
        "/bestall",
        '<!doctype html><html lang="sv"><title>Beställningssystem</title><h1>Proceedo</h1>'
        f'<iframe id="shop" title="E-handelshubben" src="{ordering.hub}{start_path}" width="1000" height="900">'
        "</iframe></html>",
    )
    shop = tab.frame_locator("#shop")
    shop.get_by_role("heading", name="Handla på avtal").wait_for()

    shop.get_by_label("Sökord").fill("kopi")  # suggestions while typing, from the session's scope
    shop.get_by_role("link", name="Kopieringspapper A4 80 g \N{EN DASH} Kontorsleverantören AB").wait_for()
    search_and_add(shop, "kopieringspapper", "Kopieringspapper A4 80 g", 2)
    assert "2 469,00 kr" in shop.locator("#total-net").inner_text().replace("\xa0", " ")
    ordering.check_shop_page_alone(tab, axe)

    shop.get_by_role("button", name="Överför varukorgen").click()
    # The auto-posting form takes the frame to the ordering system's return address.
    ordering.wait_for_basket(tab)
    tab.frame_locator("#shop").get_by_role("heading", name="Varukorgen mottagen").wait_for()

    assert ordering.receiver.paths[-1] == "/retur"
    document = ordering.receiver.cxml()
    assert_valid_cxml(document)
    root = etree.fromstring(document, safe_xml.parser())
    item = root.find("Message/PunchOutOrderMessage/ItemIn")
    assert (item.findtext("ItemID/SupplierPartID"), item.get("quantity")) == ("KP-100", "2")
    # Nothing was kept in a cookie, on either site.
    assert ordering.context.cookies() == []
