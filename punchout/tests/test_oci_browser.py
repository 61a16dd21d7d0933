"""Chromium runs an OCI session the way SAP SRM opens a catalogue: the ordering system's page (on
http://localhost:<port>) posts the catalogue call into an iframe of the hub (http://127.0.0.1:<port>, another
site, third-party cookies blocked), and the basket comes back as NEW_ITEM fields posted to HOOK_URL in the
frame ~TARGET names. Then the "Testa punchout" page runs the harness, with axe-core on both languages."""

from __future__ import annotations

import html

import pytest
from wagtail.users.models import UserProfile

from punchout.protocols import oci
from punchout.tests.fixtures import OCI_USERNAME, SHARED_SECRET, search_and_add
from punchout.tests.test_harness import free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ordering_page(hub: str, return_url: str) -> bytes:
    fields = {
        "USERNAME": OCI_USERNAME,
        "PASSWORD": SHARED_SECRET,
        "HOOK_URL": return_url,
        "~OkCode": "ADDI",
        "~TARGET": "_top",
        "~CALLER": "CTLG",
    }
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(n)}" value="{html.escape(v)}">' for n, v in fields.items()
    )
    return (
        '<!doctype html><html lang="sv"><title>SRM</title><h1>Kundvagn</h1>'
        f'<form method="post" action="{hub}/punchout/oci/" target="katalog">{inputs}'
        '<button type="submit">Öppna katalogen</button></form>'
        '<iframe name="katalog" id="katalog" title="E-handelshubben" width="1000" height="900"></iframe></html>'
    ).encode()


def test_a_framed_oci_session_posts_the_basket_to_the_top_window(
    framed_ordering_system, oci_buyer_system, punchout_catalogue, axe
):
    ordering = framed_ordering_system
    ordering.register(oci_buyer_system)
    tab = ordering.open("/srm", ordering_page(ordering.hub, ordering.origin + "/retur"))
    tab.get_by_role("button", name="Öppna katalogen").click()
    shop = tab.frame_locator("#katalog")
    shop.get_by_role("heading", name="Handla på avtal").wait_for()

    search_and_add(shop, "kopieringspapper", "Kopieringspapper A4 80 g", 3)
    ordering.check_shop_page_alone(tab, axe)

    shop.get_by_role("button", name="Överför varukorgen").click()
    # ~TARGET=_top: the ordering system's own window (not the frame) lands on HOOK_URL.
    tab.wait_for_url(ordering.origin + "/retur")
    tab.get_by_role("heading", name="Varukorgen mottagen").wait_for()

    assert len(ordering.receiver.posts) == 1 and "/retur" in ordering.receiver.paths
    received = {name: values[0] for name, values in ordering.receiver.posts[-1].items()}
    assert (received["~OkCode"], received["~TARGET"], received["~CALLER"]) == ("ADDI", "_top", "CTLG")
    (line,) = oci.read_basket(received)
    assert (line["VENDORMAT"], line["QUANTITY"], line["PRICE"], line["DESCRIPTION"]) == (
        "KP-100",
        "3.000",
        "1234.50",
        "Kopieringspapper A4 80 g",
    )
    assert ordering.context.cookies() == []


@pytest.mark.parametrize(
    ("language", "run", "succeeded"),
    [("sv", "Kör testet", "Testet lyckades"), ("en", "Run the test", "The test succeeded")],
)
def test_the_testa_punchout_page_runs_oci_in_both_languages(
    browser_page,
    live_server,
    settings,
    axe,
    reviewer_user,
    oci_buyer_system,
    punchout_catalogue,
    language,
    run,
    succeeded,
):
    settings.HUB_BASE_URL = live_server.url
    oci_buyer_system.return_url_prefixes = [f"http://127.0.0.1:{free_port()}/"]
    oci_buyer_system.save()
    profile = UserProfile.get_for_user(reviewer_user)
    profile.preferred_language = language
    profile.save()
    page = browser_page
    page.goto("/sv/leverantor/logga-in/?next=/admin/testa-punchout/")
    page.get_by_label("Användarnamn").fill(reviewer_user.username)
    page.get_by_label("Lösenord").fill("test-password-1")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/admin/testa-punchout/")
    assert page.locator("html").get_attribute("lang") == language
    axe(page)

    page.locator("#id_buyer_system").select_option(str(oci_buyer_system.pk))
    page.locator("#id_protocol").select_option("oci")
    page.locator("#id_items").fill("KP-100:2\nKP-200:1")
    page.locator("#id_shared_secret").fill(SHARED_SECRET)
    page.get_by_role("button", name=run).click()
    page.get_by_role("heading", name=succeeded).wait_for(timeout=60_000)

    # The page shows amounts as the hub writes them (1 234,50 kr); the returned fields stay unlocalised.
    basket = page.locator("#punchout-test-basket").inner_text().replace("\xa0", " ").replace("\u202f", " ")
    assert "KP-100" in basket and "KP-200" in basket and "1 234,50 kr" in basket
    assert SHARED_SECRET not in page.content()
    axe(page)
