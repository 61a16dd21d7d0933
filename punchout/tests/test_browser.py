"""Chromium runs a whole cXML session with the shop framed by an ordering system on another site.

The ordering system's page is served from http://localhost:<port>/ and frames the hub at
http://127.0.0.1:<port>/: two different sites, so every hub cookie would be a third-party cookie, and this
Chromium blocks them. The shop sets none; its state lives on the server and its key in the URL path.
axe-core checks the shop page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from lxml import etree

from catalogue import safe_xml
from punchout.tests.helpers import open_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium_blocking_third_party_cookies(browser):
    """A second Chromium from the same Playwright, launched with third-party cookies blocked."""
    from hub.testing.browser import CHROMIUM, CHROMIUM_ARGS

    blocking = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"], headless=True
    )
    yield blocking
    blocking.close()


def test_a_framed_session_from_setup_to_transfer(
    chromium_blocking_third_party_cookies,
    live_server,
    settings,
    client,
    buyer_system,
    punchout_catalogue,
    receiver,
    assert_valid_cxml,
    axe,
):
    hub = f"http://127.0.0.1:{urlsplit(live_server.url).port}"
    ordering_system = f"http://localhost:{urlsplit(receiver.url).port}"
    settings.HUB_BASE_URL = hub
    buyer_system.return_url_prefixes = [ordering_system + "/"]
    buyer_system.frame_origins = [ordering_system]
    buyer_system.save()
    start_path = open_session(client, return_url=ordering_system + "/retur")
    receiver.pages["/bestall"] = (
        '<!doctype html><html lang="sv"><title>Beställningssystem</title><h1>Proceedo</h1>'
        f'<iframe id="shop" title="E-handelshubben" src="{hub}{start_path}" width="1000" height="900"></iframe></html>'
    ).encode()

    context = chromium_blocking_third_party_cookies.new_context(locale="sv-SE")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto(ordering_system + "/bestall")
    shop = tab.frame_locator("#shop")
    shop.get_by_role("heading", name="Handla på avtal").wait_for()

    shop.get_by_label("Sökord").fill("kopi")  # suggestions while typing, from the session's scope
    shop.get_by_role("link", name="Kopieringspapper A4 80 g – Kontorsleverantören AB").wait_for()
    shop.get_by_label("Sökord").fill("kopieringspapper")
    shop.get_by_role("button", name="Sök", exact=True).click()
    shop.get_by_role("heading", name="Kopieringspapper A4 80 g").wait_for()
    shop.get_by_label("Antal", exact=True).first.fill("2")
    shop.get_by_role("button", name="Lägg i varukorgen").first.click()
    shop.get_by_text("Artikeln lades i varukorgen.").wait_for()
    assert "2 469,00 kr" in shop.locator("#total-net").inner_text().replace("\xa0", " ")

    # The shop page itself, opened on its own, has no WCAG 2.1 AA violations.
    frame = next(f for f in tab.frames if f.url.startswith(hub + "/punchout/s/"))
    alone = context.new_page()
    alone.goto(frame.url)
    axe(alone)
    alone.close()

    shop.get_by_role("button", name="Överför varukorgen").click()
    # The auto-posting form takes the frame to the ordering system's return address.
    for _ in range(100):
        if receiver.posts:
            break
        tab.wait_for_timeout(100)
    tab.frame_locator("#shop").get_by_role("heading", name="Varukorgen mottagen").wait_for()

    assert receiver.requests[-1] == "/retur"
    document = receiver.cxml()
    assert_valid_cxml(document)
    root = etree.fromstring(document, safe_xml.parser())
    item = root.find("Message/PunchOutOrderMessage/ItemIn")
    assert (item.findtext("ItemID/SupplierPartID"), item.get("quantity")) == ("KP-100", "2")
    # Nothing was kept in a cookie, on either site.
    assert context.cookies() == []
    context.close()
