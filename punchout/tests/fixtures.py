"""Punchout test data: an organisation's agreements and catalogue, a buyer system, setup requests, a receiver.

The receiver plays the ordering system's BrowserFormPost endpoint: an http.server thread on a free port
that keeps every form it is posted.
"""

from __future__ import annotations

import base64
import datetime
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.conf import settings
from django.utils import timezone

from catalogue.models import Agreement, Catalogue, CatalogueItem
from catalogue.tests.review_fixtures import make_agreement, make_version, publish_directly
from hub.organisations.models import BuyerOrganisation
from punchout.credentials import hash_shared_secret
from punchout.models import BuyerSystem, Protocol

SHARED_SECRET = "rätt-hemlighet-2026"  # noqa: S105 - a test value
FROM_IDENTITY = "proceedo-exempelkommun"
RETURN_PREFIX = "https://proceedo.example.se/punchout/"
RETURN_URL = RETURN_PREFIX + "retur?id=42"

OFFICE_ITEMS = [
    {
        "seller_item_id": "KP-100",
        "name": "Kopieringspapper A4 80 g",
        "price": "1234.50",
        "unit": "XPK",
        "unspsc": "14111507",
        "vat_rate": Decimal("25"),
        "manufacturer": "Pappersbruket",
        "manufacturer_part_number": "PB-A4-80",
    },
    {"seller_item_id": "KP-200", "name": "Kulspetspenna blå", "price": "8.50", "unit": "EA", "unspsc": "44121704"},
    {
        "seller_item_id": "BOK-1",
        "name": "Handbok i upphandling",
        "price": "300.00",
        "unit": "EA",
        "unspsc": "55101500",
        "vat_rate": Decimal("6"),
    },
]
FORBIDDEN_ITEMS = [{"seller_item_id": "HEM-1", "name": "Hemlig vara", "price": "99.00", "unit": "EA"}]


@dataclass
class PunchoutCatalogue:
    organisation: BuyerOrganisation
    agreement: Agreement
    other_agreement: Agreement
    items: dict[str, CatalogueItem]
    forbidden_item: CatalogueItem


@pytest.fixture
def punchout_catalogue(buyer_organisation, other_buyer_organisation, supplier, other_supplier) -> PunchoutCatalogue:
    """KP-100, KP-200 and BOK-1 on an agreement the organisation is entitled to; HEM-1 on one it is not."""
    today = timezone.localdate()
    agreement = make_agreement(
        "RA-PO-1",
        supplier=supplier,
        open_to_all=False,
        valid_from=today - datetime.timedelta(days=30),
        valid_to=today + datetime.timedelta(days=365),
    )
    agreement.buyers.add(buyer_organisation)
    other_agreement = make_agreement(
        "RA-PO-2",
        supplier=other_supplier,
        open_to_all=False,
        title="Andras avtal",
        valid_from=today - datetime.timedelta(days=30),
        valid_to=today + datetime.timedelta(days=365),
    )
    other_agreement.buyers.add(other_buyer_organisation)
    version = publish_directly(
        make_version(Catalogue.objects.create(supplier=supplier, agreement=agreement), OFFICE_ITEMS)
    )
    other = publish_directly(
        make_version(Catalogue.objects.create(supplier=other_supplier, agreement=other_agreement), FORBIDDEN_ITEMS)
    )
    return PunchoutCatalogue(
        organisation=buyer_organisation,
        agreement=agreement,
        other_agreement=other_agreement,
        items={item.seller_item_id: item for item in version.items.all()},
        forbidden_item=other.items.get(),
    )


def make_buyer_system(organisation: BuyerOrganisation, **fields) -> BuyerSystem:
    fields.setdefault("name", "Proceedo Exempelkommun")
    fields.setdefault("protocols", [Protocol.CXML])
    fields.setdefault("cxml_from_domain", "NetworkId")
    fields.setdefault("cxml_from_identity", FROM_IDENTITY)
    fields.setdefault("return_url_prefixes", [RETURN_PREFIX])
    fields.setdefault("frame_origins", ["https://proceedo.example.se"])
    secret = fields.pop("secret", SHARED_SECRET)
    return BuyerSystem.objects.create(
        organisation=organisation, shared_secret_hash=hash_shared_secret(secret), **fields
    )


@pytest.fixture
def buyer_system(punchout_catalogue) -> BuyerSystem:
    return make_buyer_system(punchout_catalogue.organisation)


def setup_request(
    *,
    secret: str = SHARED_SECRET,
    sender: str = FROM_IDENTITY,
    from_identity: str = FROM_IDENTITY,
    to: str | None = None,
    operation: str = "create",
    return_url: str | None = RETURN_URL,
    buyer_cookie: str = "cookie-550bce3e",
    timestamp: str = "2026-12-02T09:15:00+01:00",
    encoding: str = "UTF-8",
    doctype: str = '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">',
    item_outs: str = "",
    user_email: str = "anna.andersson@exempelkommun.se",
    language: str = "sv-SE",
) -> bytes:
    """A PunchOutSetupRequest as an ordering system writes it (the shared sample's shape)."""
    to = settings.HUB_CXML_IDENTITY if to is None else to
    post = f"<BrowserFormPost><URL>{return_url}</URL></BrowserFormPost>" if return_url is not None else ""
    text = f"""<?xml version="1.0" encoding="{encoding}"?>
{doctype}
<cXML payloadID="1733130900.42@proceedo.example.se" timestamp="{timestamp}" xml:lang="{language}">
  <Header>
    <From><Credential domain="NetworkId"><Identity>{from_identity}</Identity></Credential></From>
    <To><Credential domain="NetworkId"><Identity>{to}</Identity></Credential></To>
    <Sender>
      <Credential domain="NetworkId"><Identity>{sender}</Identity><SharedSecret>{secret}</SharedSecret></Credential>
      <UserAgent>Proceedo 2026</UserAgent>
    </Sender>
  </Header>
  <Request deploymentMode="test">
    <PunchOutSetupRequest operation="{operation}">
      <BuyerCookie>{buyer_cookie}</BuyerCookie>
      <Extrinsic name="UserEmail">{user_email}</Extrinsic>
      <Extrinsic name="CostCenter">Kostnadsställe 4711, Förskolan Äppelgården</Extrinsic>
      {post}
      <SupplierSetup><URL>https://hub.example.se/punchout/cxml/</URL></SupplierSetup>
      {item_outs}
    </PunchOutSetupRequest>
  </Request>
</cXML>"""
    return text.encode("utf-8" if encoding.upper() == "UTF-8" else encoding)


@pytest.fixture
def cxml_dtd():
    """The cXML DTD (settings.HUB_CXML_DTD): skip with the reason when absent, fail under CI=true."""
    from conftest import require_service

    path = settings.HUB_CXML_DTD
    if path is None or not path.is_file():
        require_service("The cXML DTD", "HUB_CXML_DTD is unset and ../shared/standards/cxml has no dtd/*/cXML.dtd")
    return path


@pytest.fixture
def assert_valid_cxml(cxml_dtd):
    from punchout.protocols.cxml import dtd_errors

    def check(document: bytes) -> None:
        errors = dtd_errors(document, cxml_dtd)
        assert errors == [], f"not valid against {cxml_dtd}:\n" + "\n".join(errors)

    return check


@dataclass
class Receiver:
    """The ordering system's BrowserFormPost endpoint."""

    url: str
    posts: list[dict[str, list[str]]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    pages: dict[str, bytes] = field(default_factory=dict)  # what GET serves, by path (the framing page)

    def cxml(self, index: int = -1) -> bytes:
        form = self.posts[index]
        if "cxml-base64" in form:
            return base64.b64decode(form["cxml-base64"][0])
        return form["cxml-urlencoded"][0].encode("utf-8")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A tiny HTTP server on a free port on 127.0.0.1 that records what it is sent (GET and POST)."""
    holder: dict[str, Receiver] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            holder["receiver"].requests.append(self.path)
            self._answer(holder["receiver"].pages.get(self.path, b"<!doctype html><title>ok</title><p>ok</p>"))

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            holder["receiver"].requests.append(self.path)
            holder["receiver"].posts.append(parse_qs(body, keep_blank_values=True))
            self._answer(b'<!doctype html><html lang="sv"><title>Mottaget</title><h1>Varukorgen mottagen</h1></html>')

        def _answer(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["receiver"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder["receiver"]
    server.shutdown()
    server.server_close()


# ------------------------------------------------------------------------------------------ Peppol Punch Out 3

HUB_PEPPOL_ID = "0007:2120000142"


@pytest.fixture
def peppol_system(punchout_catalogue, settings) -> BuyerSystem:
    """A buyer system speaking Peppol Punch Out 3 (its secret hashed and sealed), and the hub's Peppol id set."""
    from punchout.credentials import set_shared_secret

    settings.HUB_PEPPOL_ID = HUB_PEPPOL_ID
    settings.HUB_ORGANISATION_NAME = "E-handelshubben"
    system = make_buyer_system(
        punchout_catalogue.organisation, name="Inköpssystem Exempelkommun", protocols=[Protocol.PEPPOL]
    )
    set_shared_secret(system, SHARED_SECRET)
    system.save()
    return system


def peppol_token(system: BuyerSystem, secret: str = SHARED_SECRET, return_url: str = RETURN_URL, **claims) -> str:
    """A start token as the ordering system signs it; `claims` override or add (None leaves one out)."""
    from punchout.protocols import peppol

    made = peppol.start_claims(system, return_url, state="order-4711", buyer_reference="Kostnadsställe 4711")
    made.update(claims)
    return peppol.sign_start_token(secret, {name: value for name, value in made.items() if value is not None})


OCI_USERNAME = "proceedo-oci"


@pytest.fixture
def oci_buyer_system(punchout_catalogue) -> BuyerSystem:
    """The buyer system registered for OCI too, logging in as OCI_USERNAME with SHARED_SECRET."""
    return make_buyer_system(
        punchout_catalogue.organisation, protocols=[Protocol.CXML, Protocol.OCI], oci_username=OCI_USERNAME
    )


def oci_call(**fields: str) -> dict[str, str]:
    """The fields of an OCI catalogue call as SAP SRM posts them (override or drop one with None)."""
    call = {
        "USERNAME": OCI_USERNAME,
        "PASSWORD": SHARED_SECRET,
        "HOOK_URL": RETURN_URL,
        "~OkCode": "ADDI",
        "~TARGET": "_top",
        "~CALLER": "CTLG",
    }
    call.update(fields)
    return {name: value for name, value in call.items() if value is not None}
