"""Chromium runs a whole Peppol Punch Out 3 session with the shop framed by an ordering system on another site.

The ordering system's page on http://localhost:<port>/ posts the signed start token into an iframe showing
the hub on http://127.0.0.1:<port>/ (two sites: every hub cookie would be third-party, and this Chromium
blocks them). The shopper searches, adds, transfers; the basket is auto-posted back inside the frame.
"""

from __future__ import annotations

import base64
import html

import pytest

from punchout.protocols import peppol
from punchout.tests.fixtures import peppol_token, search_and_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def start_page(hub: str, token: str, target: str) -> str:
    """The ordering system's page that posts the start token into `target` (a frame's name, or _self)."""
    return (
        '<!doctype html><html lang="sv"><title>Beställningssystem</title><h1>Inköpssystemet</h1>'
        f'<form method="post" action="{hub}/punchout/peppol/start/" target="{target}">'
        f'<input type="hidden" name="token" value="{html.escape(token)}"></form>'
        '<iframe name="shop" id="shop" title="E-handelshubben" width="1000" height="900"></iframe>'
        "<script>document.forms[0].submit();</script></html>"
    )


def test_a_framed_peppol_session_from_start_token_to_transfer(
    framed_ordering_system, peppol_system, punchout_catalogue, axe
):
    ordering = framed_ordering_system
    ordering.register(peppol_system)
    token = peppol_token(peppol_system, return_url=ordering.origin + "/retur")
    tab = ordering.open("/bestall", start_page(ordering.hub, token, "shop"))
    shop = tab.frame_locator("#shop")
    shop.get_by_role("heading", name="Handla på avtal").wait_for()

    search_and_add(shop, "kulspetspenna", "Kulspetspenna blå", 4)
    assert "34,00 kr" in shop.locator("#total-net").inner_text().replace("\xa0", " ")
    shop.get_by_role("link", name="Order till Kontorsleverantören AB (1 rad)").wait_for()

    shop.get_by_role("button", name="Överför varukorgen").click()
    ordering.wait_for_basket(tab)
    tab.frame_locator("#shop").get_by_role("heading", name="Varukorgen mottagen").wait_for()

    assert ordering.receiver.paths[-1] == "/retur"
    posted = {name: values[0] for name, values in ordering.receiver.posts[-1].items()}
    assert (posted["peppol-status"], posted["state"]) == ("transferred", "order-4711")
    document = base64.b64decode(posted["ubl-base64"])
    check = peppol.check_document(document, "T77")
    assert check.ok, check.describe()
    assert (
        b"<cbc:ID>KP-200</cbc:ID>" in document and b'<cbc:BatchQuantity unitCode="EA">4</cbc:BatchQuantity>' in document
    )
    assert ordering.context.cookies() == []

    # The same token again, posted in a window of its own: the refusal page, in Swedish and English, passes axe.
    again = ordering.open("/igen", start_page(ordering.hub, token, "_self"))
    again.get_by_role("heading", name="Butiken kunde inte öppnas").wait_for()
    again.get_by_text("The start token has already been used.").wait_for()
    axe(again)
