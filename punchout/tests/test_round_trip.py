"""A real HTTP round trip: the ordering system posts the setup to a live hub, the browser (here urllib,
without cookies, as in a third-party iframe) shops, and the returned basket reaches a small receiving
endpoint playing the ordering system, which validates it against the cXML DTD."""

from __future__ import annotations

import html
import re
import urllib.parse
import urllib.request

import pytest
from lxml import etree

from catalogue import safe_xml
from punchout.tests.fixtures import setup_request

pytestmark = pytest.mark.django_db(transaction=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, data: dict | bytes | None = None, content_type: str | None = None):
    """One request without cookies and without following redirects: (status, headers, body)."""
    if isinstance(data, dict):
        data = urllib.parse.urlencode(data).encode()
        content_type = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type} if content_type else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("encoding", ["urlencoded", "base64"])
def test_setup_shop_transfer_and_receive(
    live_server, settings, buyer_system, punchout_catalogue, receiver, assert_valid_cxml, encoding
):
    settings.HUB_BASE_URL = live_server.url
    buyer_system.return_url_prefixes = [receiver.url]
    buyer_system.cxml_return_encoding = encoding
    buyer_system.save()

    status, headers, body = fetch(
        live_server.url + "/punchout/cxml/", setup_request(return_url=receiver.url + "hook?x=1"), "text/xml"
    )
    assert status == 200
    assert_valid_cxml(body)
    start_url = etree.fromstring(body, safe_xml.parser()).findtext("Response/PunchOutSetupResponse/StartPage/URL")
    assert start_url.startswith(live_server.url)

    status, headers, _ = fetch(start_url)
    assert status == 303
    shop_url = live_server.url + headers["Location"]
    assert "Set-Cookie" not in headers

    status, headers, page = fetch(shop_url + "?q=" + urllib.parse.quote("häftapparat kulspetspenna"))
    assert status == 200 and "Set-Cookie" not in headers
    item = punchout_catalogue.items["KP-200"]
    assert f'name="item" value="{item.pk}"'.encode() in page

    status, headers, _ = fetch(shop_url + "lagg-till/", {"item": item.pk, "quantity": "3"})
    assert status == 303
    status, _, transfer_page = fetch(shop_url + "overfor/", {})
    assert status == 200

    # The browser posts the auto-submitting form to the ordering system.
    text = transfer_page.decode()
    action = html.unescape(re.search(r'action="([^"]+)" id="punchout-return"', text).group(1))
    name, value = re.search(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text).groups()
    status, _, _ = fetch(action, {name: html.unescape(value)})
    assert status == 200

    assert receiver.paths == ["/hook?x=1"]
    assert list(receiver.posts[0]) == [f"cxml-{encoding}"]
    document = receiver.cxml()
    assert_valid_cxml(document)
    root = etree.fromstring(document, safe_xml.parser())
    assert root.findtext("Message/PunchOutOrderMessage/BuyerCookie") == "cookie-550bce3e"
    assert root.findtext("Message/PunchOutOrderMessage/PunchOutOrderMessageHeader/Total/Money") == "25.50"
    lines = root.findall("Message/PunchOutOrderMessage/ItemIn")
    assert [(line.findtext("ItemID/SupplierPartID"), line.get("quantity")) for line in lines] == [("KP-200", "3")]
