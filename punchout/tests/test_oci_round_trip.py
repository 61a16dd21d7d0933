"""A real OCI round trip over HTTP: the shopper's browser (urllib, without cookies) brings the catalogue call
to a live hub, shops, and posts the NEW_ITEM form to a small receiver playing SAP SRM's HOOK_URL."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import lxml.html
import pytest

from punchout.protocols import oci
from punchout.tests.fixtures import OCI_USERNAME, SHARED_SECRET, oci_call
from punchout.tests.test_round_trip import fetch

pytestmark = pytest.mark.django_db(transaction=True)


def return_form(page: bytes) -> lxml.html.FormElement:
    return lxml.html.document_fromstring(page).get_element_by_id("punchout-return")


@pytest.fixture
def hub(live_server, settings, oci_buyer_system, receiver):
    settings.HUB_BASE_URL = live_server.url
    oci_buyer_system.return_url_prefixes = [receiver.url]
    oci_buyer_system.save()
    return live_server.url


def test_form_post_login_shop_transfer_and_receive(hub, punchout_catalogue, receiver):
    hook_url = receiver.url + "sap/bc/srm/hook?sap-client=100&OCI_VERSION=5.0"
    status, headers, body = fetch(hub + "/punchout/oci/", oci_call(HOOK_URL=hook_url, **{"~TARGET": "_parent"}))
    assert status == 303, body
    assert "Set-Cookie" not in headers
    shop_url = hub + headers["Location"]

    paper, book = punchout_catalogue.items["KP-100"], punchout_catalogue.items["BOK-1"]
    for item, quantity in ((paper, "2"), (book, "1,5")):
        status, headers, _ = fetch(shop_url + "lagg-till/", {"item": item.pk, "quantity": quantity})
        assert status == 303 and "Set-Cookie" not in headers
    status, _, page = fetch(shop_url + "overfor/", {})
    assert status == 200

    form = return_form(page)
    assert form.get("action") == hook_url and form.get("target") == "_parent"
    status, _, _ = fetch(form.get("action"), dict(form.form_values()))
    assert status == 200

    assert receiver.paths == ["/sap/bc/srm/hook?sap-client=100&OCI_VERSION=5.0"]
    received = {name: values[0] for name, values in receiver.posts[0].items()}
    assert (received["~OkCode"], received["~TARGET"], received["~CALLER"]) == ("ADDI", "_parent", "CTLG")
    lines = oci.read_basket(received)
    assert [(line["VENDORMAT"], line["QUANTITY"], line["PRICE"], line["UNIT"]) for line in lines] == [
        ("KP-100", "2.000", "1234.50", "XPK"),
        ("BOK-1", "1.500", "300.00", "EA"),
    ]
    assert lines[0]["MATGROUP"] == "14111507"
    assert lines[0]["LONGTEXT"].replace("\r\n", "\n").startswith("Kopieringspapper A4 80 g\nLeverantör: ")
    for index, line in enumerate(lines, start=1):
        assert oci.field_problems(line, index) == []


def test_token_from_the_server_then_get_in_the_browser_and_cancel(hub, punchout_catalogue, receiver):
    status, _, body = fetch(hub + "/punchout/oci/token/", {"USERNAME": OCI_USERNAME, "PASSWORD": SHARED_SECRET})
    assert status == 200
    token = json.loads(body)["token"]
    query = urllib.parse.urlencode({"TOKEN": token, "HOOK_URL": receiver.url + "hook", "~OkCode": "ADDI"})

    status, headers, _ = fetch(hub + "/punchout/oci/?" + query)
    assert status == 303
    shop_url = hub + headers["Location"]
    fetch(shop_url + "lagg-till/", {"item": punchout_catalogue.items["KP-200"].pk, "quantity": "1"})
    status, _, page = fetch(shop_url + "avbryt/", {})
    form = return_form(page)
    assert form.get("target") == "_top"  # no ~TARGET: the spec's default
    fetch(form.get("action"), dict(form.form_values()))

    assert receiver.posts == [{"~OkCode": ["ADDI"], "~TARGET": ["_top"], "~CALLER": ["CTLG"]}]
    status, _, page = fetch(hub + "/punchout/oci/?" + query)  # the same token again
    assert status == 401
    assert "Starttoken är redan använd." in page.decode()


def test_a_password_in_the_url_is_refused_over_http(hub):
    url = hub + "/punchout/oci/?" + urllib.parse.urlencode(oci_call())
    status, headers, page = fetch(url)
    assert status == 400
    assert "Set-Cookie" not in headers
    assert SHARED_SECRET not in page.decode()
