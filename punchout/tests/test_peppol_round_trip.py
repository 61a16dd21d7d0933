"""A real HTTP round trip for Peppol Punch Out 3: the shopper's browser (urllib, no cookies) posts the signed
start token to a live hub, shops, and the auto-posted basket reaches a small receiving ordering system, which
then fetches the same basket server to server and validates it (UBL 2.1 XSD, official T77 rules)."""

from __future__ import annotations

import base64
import html
import re
import urllib.request

import pytest

from punchout.protocols import peppol
from punchout.tests.fixtures import SHARED_SECRET, peppol_token
from punchout.tests.test_round_trip import fetch

pytestmark = pytest.mark.django_db(transaction=True)


def test_start_shop_transfer_receive_and_fetch(live_server, settings, peppol_system, punchout_catalogue, receiver):
    settings.HUB_BASE_URL = live_server.url
    peppol_system.return_url_prefixes = [receiver.url]
    peppol_system.save()
    token = peppol_token(peppol_system, return_url=receiver.url + "retur?order=7")

    status, headers, _ = fetch(live_server.url + "/punchout/peppol/start/", {"token": token})
    assert status == 303 and "Set-Cookie" not in headers
    shop_url = live_server.url + headers["Location"]
    status, _, _ = fetch(live_server.url + "/punchout/peppol/start/", {"token": token})
    assert status == 410  # the token works once

    item = punchout_catalogue.items["KP-100"]
    status, headers, _ = fetch(shop_url + "lagg-till/", {"item": item.pk, "quantity": "4"})
    assert status == 303 and "Set-Cookie" not in headers
    status, _, page = fetch(shop_url + "overfor/", {})
    assert status == 200

    text = page.decode()
    action = html.unescape(re.search(r'action="([^"]+)" id="punchout-return"', text).group(1))
    fields = {html.unescape(n): html.unescape(v) for n, v in re.findall(r'name="([^"]+)" value="([^"]*)"', text)}
    status, _, _ = fetch(action, fields)
    assert status == 200
    assert receiver.paths == ["/retur?order=7"]
    posted = {name: values[0] for name, values in receiver.posts[0].items()}
    assert set(posted) == {"peppol-status", "basket-id", "ubl-base64", "state"}
    document = base64.b64decode(posted["ubl-base64"])
    check = peppol.check_document(document, "T77")
    assert check.ok, check.describe()
    assert b'<cbc:BatchQuantity unitCode="XPK">4</cbc:BatchQuantity>' in document

    # The ordering system's server fetches the same basket with its secret (in a header, never in the URL).
    basket_url = f"{live_server.url}/punchout/peppol/basket/{posted['basket-id']}/"
    request_headers = {"Authorization": f"Bearer {SHARED_SECRET}"}
    with urllib.request.urlopen(urllib.request.Request(basket_url, headers=request_headers), timeout=20) as answer:
        assert answer.status == 200 and answer.read() == document
    status, headers, _ = fetch(basket_url)
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
