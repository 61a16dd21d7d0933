"""Chromium runs a whole Peppol Punch Out 3 session with the shop framed by an ordering system on another site.

The ordering system's page on http://localhost:<port>/ posts the signed start token into an iframe showing
the hub on http://127.0.0.1:<port>/ (two sites: every hub cookie would be third-party, and this Chromium
blocks them). The shopper searches, adds, transfers; the basket is auto-posted back inside the frame.
"""

from __future__ import annotations

import base64
import html
from urllib.parse import urlsplit

import pytest

from punchout.protocols import peppol
from punchout.tests.fixtures import peppol_token
from punchout.tests.test_browser import chromium_blocking_third_party_cookies  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_framed_peppol_session_from_start_token_to_transfer(
    chromium_blocking_third_party_cookies,  # noqa: F811
    live_server,
    settings,
    peppol_system,
    punchout_catalogue,
    receiver,
    axe,
):
    hub = f"http://127.0.0.1:{urlsplit(live_server.url).port}"
    ordering_system = f"http://localhost:{urlsplit(receiver.url).port}"
    settings.HUB_BASE_URL = hub
    peppol_system.return_url_prefixes = [ordering_system + "/"]
    peppol_system.frame_origins = [ordering_system]
    peppol_system.save()
    token = peppol_token(peppol_system, return_url=ordering_system + "/retur")
    receiver.pages["/bestall"] = (
        '<!doctype html><html lang="sv"><title>Beställningssystem</title><h1>Inköpssystemet</h1>'
        f'<form method="post" action="{hub}/punchout/peppol/start/" target="shop">'
        f'<input type="hidden" name="token" value="{html.escape(token)}"></form>'
        '<iframe name="shop" id="shop" title="E-handelshubben" width="1000" height="900"></iframe>'
        "<script>document.forms[0].submit();</script></html>"
    ).encode()

    context = chromium_blocking_third_party_cookies.new_context(locale="sv-SE")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto(ordering_system + "/bestall")
    shop = tab.frame_locator("#shop")
    shop.get_by_role("heading", name="Handla på avtal").wait_for()

    shop.get_by_label("Sökord").fill("kulspetspenna")
    shop.get_by_role("button", name="Sök", exact=True).click()
    shop.get_by_role("heading", name="Kulspetspenna blå").wait_for()
    shop.get_by_label("Antal", exact=True).first.fill("4")
    shop.get_by_role("button", name="Lägg i varukorgen").first.click()
    shop.get_by_text("Artikeln lades i varukorgen.").wait_for()
    assert "34,00 kr" in shop.locator("#total-net").inner_text().replace("\xa0", " ")
    shop.get_by_role("link", name="Order till Kontorsleverantören AB (1 rad)").wait_for()

    shop.get_by_role("button", name="Överför varukorgen").click()
    for _ in range(100):
        if receiver.posts:
            break
        tab.wait_for_timeout(100)
    tab.frame_locator("#shop").get_by_role("heading", name="Varukorgen mottagen").wait_for()

    assert receiver.requests[-1] == "/retur"
    posted = {name: values[0] for name, values in receiver.posts[-1].items()}
    assert (posted["peppol-status"], posted["state"]) == ("transferred", "order-4711")
    document = base64.b64decode(posted["ubl-base64"])
    check = peppol.check_document(document, "T77")
    assert check.ok, check.describe()
    assert (
        b"<cbc:ID>KP-200</cbc:ID>" in document and b'<cbc:BatchQuantity unitCode="EA">4</cbc:BatchQuantity>' in document
    )
    assert context.cookies() == []

    # The same token again, posted in a window of its own: the refusal page, in Swedish and English, passes axe.
    receiver.pages["/igen"] = receiver.pages["/bestall"].replace(b'target="shop"', b'target="_self"')
    again = context.new_page()
    again.goto(ordering_system + "/igen")
    again.get_by_role("heading", name="Butiken kunde inte öppnas").wait_for()
    again.get_by_text("The start token has already been used.").wait_for()
    axe(again)
    context.close()
