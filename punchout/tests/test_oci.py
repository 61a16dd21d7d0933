"""OCI 4.0/5.0: the catalogue call (form post or signed token), its refusals, and the NEW_ITEM return form."""

from __future__ import annotations

import logging
import time
from decimal import Decimal
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.cache import cache

from punchout.models import PunchoutSession
from punchout.protocols import oci
from punchout.protocols.basket import ReturnedLine
from punchout.tests.fixtures import OCI_USERNAME, RETURN_URL, SHARED_SECRET, oci_call
from punchout.tests.helpers import returned_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle_left_over():
    cache.clear()
    yield
    cache.clear()


def post_call(client, query: str = "", **fields):
    return client.post("/punchout/oci/" + query, data=oci_call(**fields))


def shop_path(response) -> str:
    assert response.status_code == 303, response.content.decode()
    assert response["Location"].startswith("/punchout/s/")
    return response["Location"]


def get_token(client, **fields) -> str:
    response = client.post("/punchout/oci/token/", data={"USERNAME": OCI_USERNAME, "PASSWORD": SHARED_SECRET, **fields})
    assert response.status_code == 200, response.content
    return response.json()["token"]


# ------------------------------------------------------------------------------------------ starting


def test_a_form_post_opens_the_shop_for_the_organisation(client, oci_buyer_system, punchout_catalogue):
    response = post_call(client, **{"~TARGET": "ITSFRAME", "~CALLER": "CTLG", "~OkCode": "ADDI"})

    path = shop_path(response)
    assert "Set-Cookie" not in response.headers
    assert "frame-ancestors https://proceedo.example.se" in response["Content-Security-Policy"]
    session = PunchoutSession.objects.get()
    assert (session.protocol, session.state, session.organisation) == ("oci", "open", punchout_catalogue.organisation)
    assert session.return_url == RETURN_URL
    assert session.return_target == "ITSFRAME"
    assert session.return_fields == {"~OkCode": "ADDI", "~TARGET": "ITSFRAME", "~CALLER": "CTLG"}
    page = client.get(path)
    assert page.status_code == 200
    # The shop is the cXML one: within the organisation's scope only.
    assert f'value="{punchout_catalogue.items["KP-100"].pk}"' in page.content.decode()
    assert f'value="{punchout_catalogue.forbidden_item.pk}"' not in page.content.decode()


def test_target_defaults_to_top_and_lowercase_names_are_read(client, oci_buyer_system):
    call = oci_call(**{"~TARGET": None, "~OkCode": None, "~CALLER": None})
    call["~caller"] = "CTLG"
    call["~okcode"] = "ADDI"
    shop_path(client.post("/punchout/oci/", data=call))

    session = PunchoutSession.objects.get()
    assert session.return_target == "_top"
    assert session.return_fields == {"~OkCode": "ADDI", "~TARGET": "_top", "~CALLER": "CTLG"}


def test_english_when_the_call_asks_for_it(client, oci_buyer_system):
    path = shop_path(post_call(client, LANGUAGE="EN"))
    assert PunchoutSession.objects.get().language == "en"
    assert 'lang="en"' in client.get(path).content.decode()


def test_a_signed_token_opens_one_session_by_get_and_is_refused_the_second_time(client, oci_buyer_system):
    token = get_token(client)
    query = "?" + urlencode({"TOKEN": token, "HOOK_URL": RETURN_URL, "~TARGET": "_top"})

    shop_path(client.get("/punchout/oci/" + query))
    replayed = client.get("/punchout/oci/" + query)

    assert replayed.status_code == 401
    assert "Starttoken är redan använd." in replayed.content.decode()
    assert "The start token has already been used." in replayed.content.decode()
    assert PunchoutSession.objects.count() == 1


def test_a_forged_or_expired_token_is_refused(client, oci_buyer_system):
    token = get_token(client)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get("/punchout/oci/?" + urlencode({"TOKEN": forged, "HOOK_URL": RETURN_URL}))
    assert response.status_code == 401
    assert "Starttoken är inte giltig." in response.content.decode()

    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3600):
        old, _nonce = oci.new_start_token(oci_buyer_system.pk)
    response = client.get("/punchout/oci/?" + urlencode({"TOKEN": old, "HOOK_URL": RETURN_URL}))
    assert response.status_code == 401
    assert "Starttoken har gått ut." in response.content.decode()
    assert not PunchoutSession.objects.exists()


# ------------------------------------------------------------------------------------------ refusals


def test_a_password_in_the_url_is_refused_and_never_logged(client, oci_buyer_system, caplog):
    caplog.set_level(logging.DEBUG)
    query = "?" + urlencode(oci_call())

    by_get = client.get("/punchout/oci/" + query)
    by_post = client.post("/punchout/oci/" + urlencode({"PASSWORD": SHARED_SECRET}).join(["?", ""]), data=oci_call())

    for response in (by_get, by_post):
        assert response.status_code == 400
        text = response.content.decode()
        assert "Lösenordet skickades i adressen" in text
        assert "The password was sent in the address" in text
        assert SHARED_SECRET not in text
    assert not PunchoutSession.objects.exists()
    assert SHARED_SECRET not in caplog.text


def test_wrong_secret_and_unknown_user_get_the_same_answer(client, oci_buyer_system, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = post_call(client, PASSWORD="fel-hemlighet")
    unknown = post_call(client, USERNAME="ingen-sadan")

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.content == unknown.content
    assert "Okänd användare eller fel lösenord." in wrong.content.decode()
    assert not PunchoutSession.objects.exists()
    assert "fel-hemlighet" not in caplog.text


def test_a_missing_login_is_refused(client, oci_buyer_system):
    response = post_call(client, USERNAME=None, PASSWORD=None)
    assert response.status_code == 401
    assert "USERNAME och PASSWORD, eller TOKEN" in response.content.decode()


@pytest.mark.parametrize(
    "hook_url", ["https://proceedo.example.se.evil.com/punchout/", "https://evil.example.com/", "javascript:alert(1)"]
)
def test_a_hook_url_not_on_the_allow_list_is_refused(client, oci_buyer_system, hook_url):
    response = post_call(client, HOOK_URL=hook_url)
    assert response.status_code == 403
    assert "HOOK_URL finns inte bland beställningssystemets tillåtna returadresser." in response.content.decode()
    assert not PunchoutSession.objects.exists()


def test_a_refusal_after_the_login_may_show_in_the_systems_frame_and_before_it_may_not(client, oci_buyer_system):
    after_login = post_call(client, HOOK_URL="https://evil.example.com/")
    assert "frame-ancestors https://proceedo.example.se" in after_login["Content-Security-Policy"]
    assert "X-Frame-Options" not in after_login.headers

    wrong_login = post_call(client, PASSWORD="fel")
    assert "frame-ancestors 'none'" in wrong_login["Content-Security-Policy"]
    assert wrong_login["X-Frame-Options"] == "DENY"


def test_a_missing_hook_url_is_refused(client, oci_buyer_system):
    response = post_call(client, HOOK_URL=None)
    assert response.status_code == 400
    assert "HOOK_URL is missing" not in response.content.decode()  # people get the page, not the API text
    assert "Anropet saknar HOOK_URL" in response.content.decode()


def test_a_target_that_could_break_out_of_the_form_is_refused(client, oci_buyer_system):
    response = post_call(client, **{"~TARGET": '_top" onfocus="alert(1)'})
    assert response.status_code == 400
    assert "onfocus" not in response.content.decode()
    assert not PunchoutSession.objects.exists()


def test_a_system_not_registered_for_oci_is_refused(client, oci_buyer_system):
    oci_buyer_system.protocols = ["cxml"]
    oci_buyer_system.save()
    response = post_call(client)
    assert response.status_code == 403
    assert "inte registrerat för OCI" in response.content.decode()


def test_an_oci_function_call_is_refused_with_its_name(client, oci_buyer_system):
    response = post_call(client, FUNCTION="VALIDATE")
    assert response.status_code == 400
    text = response.content.decode()
    assert "OCI-funktionen VALIDATE" in text and "does not support the OCI function VALIDATE" in text


def test_refused_logins_are_throttled(client, oci_buyer_system, settings):
    settings.PUNCHOUT_SETUP_FAILURE_LIMIT = 3
    for _attempt in range(3):
        assert post_call(client, PASSWORD="fel").status_code == 401
    blocked = post_call(client)  # even the right secret, until the window has passed
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == str(settings.PUNCHOUT_SETUP_COOLOFF_SECONDS)


def test_the_token_endpoint_refuses_bad_logins_and_gets(client, oci_buyer_system):
    assert client.get("/punchout/oci/token/").status_code == 405
    wrong = client.post("/punchout/oci/token/", data={"USERNAME": OCI_USERNAME, "PASSWORD": "fel"})
    assert wrong.status_code == 401 and wrong.json() == {"error": "Unknown user or wrong password"}
    in_url = client.post(
        "/punchout/oci/token/?" + urlencode({"PASSWORD": SHARED_SECRET}), data={"USERNAME": OCI_USERNAME}
    )
    assert in_url.status_code == 400
    assert SHARED_SECRET not in in_url.content.decode()


# ------------------------------------------------------------------------------------------ the basket


def test_transfer_posts_the_new_item_fields_to_the_hook_url(client, oci_buyer_system, punchout_catalogue):
    paper = punchout_catalogue.items["KP-100"]
    paper.name = "Kopieringspapper A4 80 g, extra vitt, 500 ark per paket, FSC-märkt"
    paper.lead_time_days = 3
    paper.save()
    path = shop_path(post_call(client, **{"~TARGET": "ITSFRAME"}))
    assert client.post(path + "lagg-till/", {"item": paper.pk, "quantity": "2"}).status_code == 303
    pen = punchout_catalogue.items["KP-200"]
    assert client.post(path + "lagg-till/", {"item": pen.pk, "quantity": "1,5"}).status_code == 303

    response = client.post(path + "overfor/")

    assert response.status_code == 200
    assert 'id="punchout-return" target="ITSFRAME"' in response.content.decode()
    form = returned_form(response)
    assert form["action"] == RETURN_URL
    assert (form["~OkCode"], form["~TARGET"], form["~CALLER"]) == ("ADDI", "ITSFRAME", "CTLG")
    lines = oci.read_basket(form)
    assert len(lines) == 2
    first, second = lines
    assert first["DESCRIPTION"] == paper.name[:40] and len(paper.name) > 40
    assert first["LONGTEXT"].splitlines()[0] == paper.name
    assert "RA-PO-1" in first["LONGTEXT"]
    assert (first["QUANTITY"], first["PRICE"], first["PRICEUNIT"], first["CURRENCY"]) == (
        "2.000",
        "1234.50",
        "1",
        "SEK",
    )
    assert (first["UNIT"], first["MATGROUP"], first["VENDORMAT"], first["LEADTIME"]) == (
        "XPK",
        "14111507",
        "KP-100",
        "3",
    )
    assert first["VENDOR"] == paper.version.catalogue.supplier.orgnr
    assert first["CONTRACT"] == "RA-PO-1"
    assert (first["EXT_PRODUCT_ID"], first["MANUFACTMAT"]) == (str(paper.pk), "PB-A4-80")
    assert (second["VENDORMAT"], second["QUANTITY"], second["PRICE"]) == ("KP-200", "1.500", "8.50")
    for index, line in enumerate(lines, start=1):
        assert oci.field_problems(line, index) == []
    assert PunchoutSession.objects.get().state == "transferred"


def test_cancel_returns_an_empty_basket(client, oci_buyer_system, punchout_catalogue):
    path = shop_path(post_call(client))
    client.post(path + "lagg-till/", {"item": punchout_catalogue.items["KP-100"].pk, "quantity": "1"})

    response = client.post(path + "avbryt/")

    form = returned_form(response)
    assert form == {"action": RETURN_URL, "~OkCode": "ADDI", "~TARGET": "_top", "~CALLER": "CTLG"}
    assert 'target="_top"' in response.content.decode()
    assert PunchoutSession.objects.get().state == "cancelled"


def test_an_item_outside_the_scope_is_refused_in_an_oci_session(client, oci_buyer_system, punchout_catalogue):
    path = shop_path(post_call(client))
    response = client.post(path + "lagg-till/", {"item": punchout_catalogue.forbidden_item.pk, "quantity": "1"})
    assert response.status_code == 403
    assert not PunchoutSession.objects.get().lines.exists()


def test_a_long_agreement_reference_is_left_out_of_contract_not_cut():
    line = ReturnedLine(
        seller_item_id="X" * 60,
        name="Penna",
        quantity=Decimal("1"),
        unit="EA",
        unit_price=Decimal("12345678.5"),
        currency="SEK",
        vat_rate=Decimal("25"),
        agreement_reference="RA-2026-0001-LONG",
        supplier_name="Leverantören AB",
        supplier_orgnr="5560160680",
        auxiliary_id="RA-2026-0001-LONG;5560160680",
        item_key="7",
    )
    (fields,) = oci.read_basket(dict(oci.basket_fields([line], {"~OkCode": "ADDI"})))
    assert fields["CONTRACT"] == ""
    assert "RA-2026-0001-LONG" in fields["LONGTEXT"]
    assert fields["PRICE"] == "12345678.50"
    assert len(fields["VENDORMAT"]) == 40
    assert oci.field_problems(fields, 1) == []


def test_field_problems_finds_what_breaks_the_spec():
    problems = oci.field_problems({"DESCRIPTION": "x" * 41, "QUANTITY": "1,5", "UNIT": "ST"}, 3)
    assert "NEW_ITEM-DESCRIPTION[3] has 41 characters, more than 40" in problems
    assert "NEW_ITEM-QUANTITY[3] is not an unlocalised number: '1,5'" in problems
    assert "NEW_ITEM-PRICE[3] is missing" in problems
