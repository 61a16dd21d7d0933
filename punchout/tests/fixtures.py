"""Punchout test data: an organisation's agreements and catalogue, a buyer system, setup requests, a receiver,
and an ordering system's page framing the hub in a Chromium that blocks third-party cookies.

The receiver plays the ordering system (punchout.harness.receiving): an http.server thread on a free port
that keeps every form it is posted and serves the pages it is given.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from catalogue.models import Agreement, Catalogue, CatalogueItem
from catalogue.tests.review_fixtures import make_agreement, make_version, publish_directly
from conftest import require_service
from hub.organisations.models import BuyerOrganisation
from hub.testing.browser import CHROMIUM, CHROMIUM_ARGS
from punchout.credentials import hash_shared_secret, set_shared_secret
from punchout.harness import Receiver, receiving
from punchout.models import BuyerSystem, Protocol
from punchout.protocols import peppol
from punchout.protocols.cxml import dtd_errors

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, FrameLocator, Page

SHARED_SECRET = "rätt-hemlighet-2026"  # a test value
FROM_IDENTITY = "proceedo-exempelkommun"
RETURN_PREFIX = "https://proceedo.example.se/punchout/"
RETURN_URL = RETURN_PREFIX + "retur?id=42"

OFFICE_ITEMS: list[dict[str, object]] = [
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
FORBIDDEN_ITEMS: list[dict[str, object]] = [
    {"seller_item_id": "HEM-1", "name": "Hemlig vara", "price": "99.00", "unit": "EA"}
]


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
    path = settings.HUB_CXML_DTD
    if path is None or not path.is_file():
        require_service("The cXML DTD", "HUB_CXML_DTD is unset and ../shared/standards/cxml has no dtd/*/cXML.dtd")
    return path


@pytest.fixture
def assert_valid_cxml(cxml_dtd):
    def check(document: bytes) -> None:
        errors = dtd_errors(document, cxml_dtd)
        assert errors == [], f"not valid against {cxml_dtd}:\n" + "\n".join(errors)

    return check


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """The ordering system's side (the harness's receiver) on a free port of 127.0.0.1: records what it is sent."""
    with receiving() as running:
        yield running


@dataclass
class FramedOrderingSystem:
    """An ordering system's page on http://localhost:<port> framing the hub on http://127.0.0.1:<port>.

    Two sites: every hub cookie would be a third-party cookie, and `context`'s Chromium blocks them.
    """

    hub: str
    origin: str
    receiver: Receiver
    context: BrowserContext

    def register(self, system: BuyerSystem) -> None:
        """Let `system` return baskets to this ordering system and frame the hub from it."""
        system.return_url_prefixes = [self.origin + "/"]
        system.frame_origins = [self.origin]
        system.save()

    def open(self, path: str, page: str | bytes) -> Page:
        """Serve `page` at `path` on the ordering system and open it in a new tab."""
        self.receiver.pages[path] = page.encode() if isinstance(page, str) else page
        tab = self.context.new_page()
        tab.set_default_timeout(15_000)
        tab.goto(self.origin + path)
        return tab

    def check_shop_page_alone(self, tab: Page, axe) -> None:
        """The shop page of the framed session, opened on its own, has no WCAG 2.1 AA violations."""
        frame = next(f for f in tab.frames if f.url.startswith(self.hub + "/punchout/s/"))
        alone = self.context.new_page()
        alone.goto(frame.url)
        axe(alone)
        alone.close()

    def wait_for_basket(self, tab: Page) -> None:
        """Until the auto-posting return form has reached the ordering system."""
        for _ in range(100):
            if self.receiver.posts:
                return
            tab.wait_for_timeout(100)


def search_and_add(shop: FrameLocator, query: str, item_name: str, quantity: int) -> None:
    """In the framed shop: search, then add the first hit (`item_name`) in `quantity`."""
    shop.get_by_label("Sökord").fill(query)
    shop.get_by_role("button", name="Sök", exact=True).click()
    shop.get_by_role("heading", name=item_name).wait_for()
    shop.get_by_label("Antal", exact=True).first.fill(str(quantity))
    shop.get_by_role("button", name="Lägg i varukorgen").first.click()
    shop.get_by_text("Artikeln lades i varukorgen.").wait_for()


@pytest.fixture
def framed_ordering_system(browser, live_server, settings, receiver) -> Iterator[FramedOrderingSystem]:
    """The hub on 127.0.0.1 (HUB_BASE_URL), the receiver as the ordering system on localhost, and a second
    Chromium from the same Playwright, launched with third-party cookies blocked (Swedish locale)."""
    blocking = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"], headless=True
    )
    context = blocking.new_context(locale="sv-SE")
    hub = f"http://127.0.0.1:{urlsplit(live_server.url).port}"
    settings.HUB_BASE_URL = hub
    yield FramedOrderingSystem(hub=hub, origin=f"http://localhost:{receiver.port}", receiver=receiver, context=context)
    context.close()
    blocking.close()


# ------------------------------------------------------------------------------------------ Peppol Punch Out 3

HUB_PEPPOL_ID = "0007:2120000142"


@pytest.fixture
def peppol_system(punchout_catalogue, settings) -> BuyerSystem:
    """A buyer system speaking Peppol Punch Out 3 (its secret hashed and sealed), and the hub's Peppol id set."""
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
