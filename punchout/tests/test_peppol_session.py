"""Peppol Punch Out 3 sessions: the signed single-use start token, the shop, the auto-posted UBL basket, the
server-to-server fetch, and the Order (T01) download. Every document is checked against the XSD and the
official rules."""

from __future__ import annotations

import base64
import time

import jwt
import pytest
from lxml import etree

from catalogue import safe_xml
from punchout.credentials import SealedSecretUnreadable, open_sealed_secret, seal_secret
from punchout.models import Protocol, PunchoutSession
from punchout.protocols import peppol
from punchout.tests.fixtures import RETURN_URL, SHARED_SECRET, peppol_token
from punchout.tests.helpers import returned_form

pytestmark = pytest.mark.django_db
NS = {"cac": peppol.NS_CAC, "cbc": peppol.NS_CBC}


class SecondsFromNow(int):
    """A claim's time relative to the moment the test signs: parameters are built when pytest collects, which on a
    long run is minutes before the test runs (a token 'not valid for 200 s' was valid by then)."""

    def at(self, now: float) -> int:
        return int(now) + int(self)


def start(client, token: str):
    return client.post("/punchout/peppol/start/", {"token": token})


def add(client, shop: str, item, quantity: str = "1"):
    return client.post(shop + "lagg-till/", {"item": str(item.pk), "quantity": quantity})


def shop_for(client, system, **claims) -> str:
    response = start(client, peppol_token(system, **claims))
    assert response.status_code == 303, response.content.decode()
    return response["Location"]


def test_a_signed_token_opens_the_shop_once_without_cookies(client, peppol_system):
    token = peppol_token(peppol_system)

    first = start(client, token)
    replay = start(client, token)

    assert first.status_code == 303 and first["Location"].startswith("/punchout/s/")
    assert not first.cookies
    assert "frame-ancestors https://proceedo.example.se" in first["Content-Security-Policy"]
    session = PunchoutSession.objects.get()
    assert (session.protocol, session.state, session.buyer_cookie) == (Protocol.PEPPOL, "open", "order-4711")
    assert session.buyer_reference == "Kostnadsställe 4711"
    assert replay.status_code == 410
    text = replay.content.decode()
    assert "Startbiljetten är redan använd" in text and "The start token has already been used" in text
    assert PunchoutSession.objects.count() == 1
    assert client.get(first["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"secret": "fel-hemlighet"}, 401, "signature"),
        ({"iss": "Okänt system"}, 401, "signature"),
        ({"iat": SecondsFromNow(-400), "exp": SecondsFromNow(-100)}, 410, "expired"),
        ({"iat": SecondsFromNow(200), "exp": SecondsFromNow(290)}, 410, "expired"),  # not valid yet
        ({"iat": "1700000000"}, 400, "malformed"),
        ({"exp": SecondsFromNow(3600)}, 400, "malformed"),
        ({"return_url": "https://proceedo.example.se.evil.example/punchout/"}, 403, "return_url"),
        ({"jti": "kort"}, 400, "malformed"),
        ({"jti": None}, 400, "malformed"),
    ],
)
def test_bad_start_tokens_are_refused_and_open_nothing(client, peppol_system, change, status, reason):
    change = {
        name: value.at(time.time()) if isinstance(value, SecondsFromNow) else value for name, value in change.items()
    }
    secret = change.pop("secret", SHARED_SECRET)

    response = start(client, peppol_token(peppol_system, secret=secret, **change))

    assert response.status_code == status
    assert PunchoutSession.objects.count() == 0
    assert SHARED_SECRET not in response.content.decode()
    with pytest.raises(peppol.StartRefused) as refused:
        peppol.read_start_token(peppol_token(peppol_system, secret=secret, **change))
    assert refused.value.reason == reason


def test_an_unsigned_or_tampered_token_is_refused(client, peppol_system):
    token = peppol_token(peppol_system)
    header, payload, signature = token.split(".")
    unsigned_header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    claims = peppol.start_claims(peppol_system, "https://proceedo.example.se/punchout/annan")
    other_payload = peppol.sign_start_token("x", claims).split(".")[1]

    assert start(client, f"{unsigned_header}.{payload}.").status_code == 400
    assert start(client, f"{header}.{other_payload}.{signature}").status_code == 401
    assert start(client, "inte en token").status_code == 400
    other_algorithm = jwt.encode({**claims, "return_url": RETURN_URL}, SHARED_SECRET, algorithm="HS512")
    assert start(client, other_algorithm).status_code == 400
    # JSON allows NaN and Infinity; a signed token with them is malformed, not a server error.
    nan_token = peppol.sign_start_token(SHARED_SECRET, {**claims, "return_url": RETURN_URL, "exp": float("nan")})
    assert start(client, nan_token).status_code == 400
    assert client.get("/punchout/peppol/start/").status_code == 405
    assert PunchoutSession.objects.count() == 0


def test_a_system_not_registered_for_peppol_is_refused(client, peppol_system):
    peppol_system.protocols = [Protocol.CXML]
    peppol_system.save()

    assert start(client, peppol_token(peppol_system)).status_code == 403


def test_without_the_hubs_peppol_id_the_shop_does_not_open(client, peppol_system, settings):
    settings.HUB_PEPPOL_ID = ""

    response = start(client, peppol_token(peppol_system))

    assert response.status_code == 503
    text = response.content.decode()
    assert "Hubben saknar sitt Peppol-id" in text and "The hub has no Peppol ID" in text
    assert PunchoutSession.objects.count() == 0


def test_transfer_posts_a_valid_punch_out_3_basket_and_the_system_can_fetch_it(
    client, peppol_system, punchout_catalogue
):
    shop = shop_for(client, peppol_system)
    add(client, shop, punchout_catalogue.items["KP-100"], "2")
    add(client, shop, punchout_catalogue.items["BOK-1"], "1")

    form = returned_form(client.post(shop + "overfor/"))

    assert form["action"] == RETURN_URL
    assert (form["peppol-status"], form["state"]) == ("transferred", "order-4711")
    document = base64.b64decode(form["ubl-base64"])
    check = peppol.check_document(document, "T77")
    assert check.ok, check.describe()
    root = etree.fromstring(document, safe_xml.parser())
    assert root.findtext("cbc:ID", namespaces=NS) == form["basket-id"]
    lines = [
        (
            line.findtext("cac:Item/cac:SellersItemIdentification/cbc:ID", namespaces=NS),
            line.findtext("cac:RequiredItemLocationQuantity/cac:DeliveryUnit/cbc:BatchQuantity", namespaces=NS),
        )
        for line in root.findall("cac:CatalogueLine", NS)
    ]
    assert lines == [("KP-100", "2"), ("BOK-1", "1")]
    assert client.get(shop).status_code == 410  # the session closed

    url = f"/punchout/peppol/basket/{form['basket-id']}/"
    fetched = client.get(url, headers={"Authorization": f"Bearer {SHARED_SECRET}"})
    assert fetched.status_code == 200 and fetched.content == document
    assert client.get(url, headers={"Authorization": "Bearer fel-hemlighet"}).status_code == 401
    assert client.get(url).status_code == 401
    unknown = client.get("/punchout/peppol/basket/okand/", headers={"Authorization": f"Bearer {SHARED_SECRET}"})
    assert unknown.status_code == 404


def test_another_systems_secret_cannot_fetch_the_basket(client, peppol_system, punchout_catalogue):
    from punchout.tests.fixtures import make_buyer_system

    make_buyer_system(punchout_catalogue.organisation, name="Annat system", secret="annans-hemlighet")
    shop = shop_for(client, peppol_system)
    add(client, shop, punchout_catalogue.items["KP-200"])
    form = returned_form(client.post(shop + "overfor/"))

    response = client.get(
        f"/punchout/peppol/basket/{form['basket-id']}/", headers={"Authorization": "Bearer annans-hemlighet"}
    )

    assert response.status_code == 401


def test_cancel_and_an_empty_transfer_carry_no_document(client, peppol_system, punchout_catalogue):
    shop = shop_for(client, peppol_system)
    add(client, shop, punchout_catalogue.items["KP-200"])
    cancelled = returned_form(client.post(shop + "avbryt/"))
    empty = returned_form(client.post(shop_for(client, peppol_system) + "overfor/"))

    for form in (cancelled, empty):
        assert form["peppol-status"] == "cancelled" and "ubl-base64" not in form and "basket-id" not in form
    assert set(PunchoutSession.objects.values_list("state", flat=True)) == {"cancelled"}


def test_a_forged_item_outside_the_scope_is_refused(client, peppol_system, punchout_catalogue):
    shop = shop_for(client, peppol_system)

    response = add(client, shop, punchout_catalogue.forbidden_item)

    assert response.status_code == 403
    assert not PunchoutSession.objects.get().lines.exists()


def test_the_basket_downloads_as_a_valid_peppol_order_per_supplier(client, peppol_system, punchout_catalogue, supplier):
    shop = shop_for(client, peppol_system)
    add(client, shop, punchout_catalogue.items["KP-100"], "3")
    page = client.get(shop).content.decode()
    link = f"{shop}order/{supplier.orgnr}/"
    assert f'href="{link}"' in page

    response = client.get(link)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="order-')
    check = peppol.check_document(response.content, "T01")
    assert check.ok, check.describe()
    root = etree.fromstring(response.content, safe_xml.parser())
    assert root.findtext("cac:OrderLine/cac:LineItem/cbc:Quantity", namespaces=NS) == "3"
    assert root.findtext("cbc:CustomerReference", namespaces=NS) == "Kostnadsställe 4711"
    # The download leaves the session open, and another supplier's order has no lines.
    assert client.get(f"{shop}order/5560000000/").status_code == 303
    assert PunchoutSession.objects.get().state == "open"


def test_a_sealed_secret_opens_only_with_the_key_it_was_sealed_with(settings):
    sealed = seal_secret("rätt-hemlighet")
    assert "rätt" not in sealed and open_sealed_secret(sealed) == "rätt-hemlighet"
    assert seal_secret("rätt-hemlighet") != sealed  # a fresh IV each time
    old_key = settings.SECRET_KEY

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "ny-nyckel", [old_key]
    assert open_sealed_secret(sealed) == "rätt-hemlighet"  # a rotated SECRET_KEY still opens it
    resealed = seal_secret("rätt-hemlighet")  # and what is sealed now uses the new key
    settings.SECRET_KEY_FALLBACKS = []
    assert open_sealed_secret(resealed) == "rätt-hemlighet"
    with pytest.raises(SealedSecretUnreadable):
        open_sealed_secret(sealed)
    settings.SECRET_KEY = old_key
    with pytest.raises(SealedSecretUnreadable):
        open_sealed_secret(resealed)


@pytest.mark.parametrize("position", [0, 4, 12, 30, -5])
def test_an_altered_sealed_secret_does_not_open(position):
    raw = bytearray(base64.urlsafe_b64decode(seal_secret("rätt-hemlighet")))
    raw[position] ^= 1  # Fernet: version, time stamp, IV, ciphertext, HMAC tag

    with pytest.raises(SealedSecretUnreadable):
        open_sealed_secret(base64.urlsafe_b64encode(bytes(raw)).decode())


@pytest.mark.parametrize("sealed", ["", "inte förseglad", "v1$AAAA"])
def test_what_is_not_a_sealed_secret_does_not_open(sealed):
    with pytest.raises(SealedSecretUnreadable):
        open_sealed_secret(sealed)


def test_a_secret_sealed_under_another_secret_key_refuses_and_tells_the_operator(
    client, peppol_system, settings, caplog
):
    token = peppol_token(peppol_system)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "en-helt-ny-nyckel", []

    response = start(client, token)

    assert response.status_code == 401
    assert f"buyer system {peppol_system.pk} cannot be opened" in caplog.text
    assert SHARED_SECRET not in caplog.text
