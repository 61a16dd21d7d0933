"""The Peppol documents the hub writes from a basket: the Punch Out 3 basket (T77) and the Order (T01).

Each is checked against the UBL 2.1 XSD and the official rules (compiled XSLT under var/standards, Saxon);
the values are read back from the document and compared with the basket they came from.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from catalogue import safe_xml
from punchout import orders
from punchout.models import BasketLine, Protocol, PunchoutSession
from punchout.protocols import peppol
from punchout.tests.fixtures import make_buyer_system

NS = {"cac": peppol.NS_CAC, "cbc": peppol.NS_CBC}
HUB_ID = "0007:2120000142"


@pytest.fixture
def peppol_settings(settings):
    settings.HUB_PEPPOL_ID = HUB_ID
    settings.HUB_ORGANISATION_NAME = "E-handelshubben"
    return settings


@pytest.fixture
def open_basket(db, peppol_settings, punchout_catalogue, supplier, other_supplier):
    """An open Peppol session with 2 of KP-100, 1.5 of BOK-1 (6 % VAT), and a line from a second agreement."""
    system = make_buyer_system(punchout_catalogue.organisation, protocols=[Protocol.PEPPOL])
    session = PunchoutSession.objects.create(
        buyer_system=system,
        organisation=punchout_catalogue.organisation,
        protocol=Protocol.PEPPOL,
        state=PunchoutSession.State.OPEN,
        buyer_reference="Kostnadsställe 4711",
        user_email="anna.andersson@exempelkommun.se",
        return_url="https://proceedo.example.se/punchout/retur",
        start_token_hash="a" * 64,
        start_expires_at="2026-01-01T00:00:00Z",
        expires_at="2099-01-01T00:00:00Z",
    )
    items = punchout_catalogue.items
    for seller_item_id, quantity in (("KP-100", "2"), ("BOK-1", "1.5"), ("KP-200", "3")):
        BasketLine.from_item(session, items[seller_item_id], Decimal(quantity)).save()
    return session


def _lines(session):
    return list(session.lines.select_related("item").order_by("pk"))


def test_the_basket_is_a_valid_punch_out_3_catalogue(open_basket, punchout_catalogue):
    document = peppol.basket_document(open_basket, _lines(open_basket), "basket-1")

    check = peppol.check_document(document, "T77")
    assert check.ok, check.describe()
    root = etree.fromstring(document, safe_xml.parser())
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == peppol.CUSTOMIZATION_ID
    assert root.findtext("cbc:ProfileID", namespaces=NS) == peppol.PROFILE_ID
    assert root.findtext("cbc:ID", namespaces=NS) == "basket-1"
    provider = root.find("cac:ProviderParty/cbc:EndpointID", NS)
    assert f"{provider.get('schemeID')}:{provider.text}" == HUB_ID
    receiver = root.find("cac:ReceiverParty", NS)
    assert receiver.findtext("cbc:EndpointID", namespaces=NS) == punchout_catalogue.organisation.orgnr
    assert receiver.findtext("cac:Contact/cbc:ID", namespaces=NS) == "Kostnadsställe 4711"
    assert root.findtext("cac:ReferencedContract/cbc:ID", namespaces=NS) == "RA-PO-1"
    lines = root.findall("cac:CatalogueLine", NS)
    read = [
        (
            line.findtext("cac:Item/cac:SellersItemIdentification/cbc:ID", namespaces=NS),
            line.findtext("cac:RequiredItemLocationQuantity/cac:DeliveryUnit/cbc:BatchQuantity", namespaces=NS),
            line.find("cac:RequiredItemLocationQuantity/cac:DeliveryUnit/cbc:BatchQuantity", NS).get("unitCode"),
            line.findtext("cac:RequiredItemLocationQuantity/cac:Price/cbc:PriceAmount", namespaces=NS),
            line.findtext("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", namespaces=NS),
            line.findtext("cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode", namespaces=NS),
            line.findtext("cbc:ContractSubdivision", namespaces=NS),
        )
        for line in lines
    ]
    assert read == [
        ("KP-100", "2", "XPK", "1234.50", "25.00", "14111507", "RA-PO-1"),
        ("BOK-1", "1.5", "EA", "300.00", "6.00", "55101500", "RA-PO-1"),
        ("KP-200", "3", "EA", "8.50", "25.00", "44121704", "RA-PO-1"),
    ]
    suppliers = {
        line.findtext("cac:Item/cac:AdditionalItemProperty[cbc:Name='Leverantör']/cbc:Value", namespaces=NS)
        for line in lines
    }
    assert suppliers == {"Kontorsleverantören AB"}


def test_the_order_for_one_supplier_is_a_valid_peppol_order(open_basket, punchout_catalogue, supplier):
    lines = _lines(open_basket)
    assert orders.suppliers(lines) == [orders.OrderSupplier(supplier.orgnr, supplier.name, 3)]

    document = orders.order_document(open_basket, lines, supplier.orgnr)

    check = peppol.check_document(document, "T01")
    assert check.ok, check.describe()
    root = etree.fromstring(document, safe_xml.parser())
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == orders.CUSTOMIZATION_ID
    assert root.findtext("cac:SellerSupplierParty/cac:Party/cbc:EndpointID", namespaces=NS) == supplier.orgnr
    assert root.findtext("cac:BuyerCustomerParty/cac:Party/cbc:EndpointID", namespaces=NS) == (
        punchout_catalogue.organisation.orgnr
    )
    net = sum(Decimal(t) for t in root.xpath("//cac:LineItem/cbc:LineExtensionAmount/text()", namespaces=NS))
    # 2 * 1234.50 + 1.5 * 300.00 + 3 * 8.50, and VAT at 25 %, 6 %, 25 %.
    assert net == Decimal("2469.00") + Decimal("450.00") + Decimal("25.50")
    assert root.findtext("cac:AnticipatedMonetaryTotal/cbc:LineExtensionAmount", namespaces=NS) == "2944.50"
    vat = Decimal("617.25") + Decimal("27.00") + Decimal("6.38")
    assert Decimal(root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS)) == vat
    assert Decimal(root.findtext("cac:AnticipatedMonetaryTotal/cbc:PayableAmount", namespaces=NS)) == net + vat
