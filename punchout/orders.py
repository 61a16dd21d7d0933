"""A basket as a Peppol BIS Order 3 (T01) document, for buyers whose organisation has no ordering system.

An order goes to one seller, and a basket may hold several suppliers' items: the shop offers one order per
supplier (`suppliers`). The buyer organisation is BuyerCustomerParty, the supplier SellerSupplierParty (both
by Swedish organisation number, EAS 0007; T01 requires the seller's postal address, of which the hub knows
the country, SE), and the agreement is the Contract when all lines share one.
Amounts are computed from the basket lines as the shop shows them. Tests check every document against the
UBL 2.1 Order XSD and the official T01 rules (punchout.protocols.peppol.check_document).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils import timezone
from lxml import etree
from lxml.builder import ElementMaker

from hub.organisations.identifiers import peppol_participant_id
from punchout import sessions
from punchout.models import BasketLine, PunchoutSession
from punchout.protocols.peppol import (
    GTIN_SCHEME,
    NS_CAC,
    NS_CBC,
    UNSPSC_LIST,
    Party,
    amount,
    organisation_party,
    quantity,
)

CUSTOMIZATION_ID = "urn:fdc:peppol.eu:poacc:trns:order:3"
PROFILE_ID = "urn:fdc:peppol.eu:poacc:bis:order_only:3"
NS_ORDER = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
DOC = ElementMaker(namespace=NS_ORDER, nsmap={None: NS_ORDER, "cac": NS_CAC, "cbc": NS_CBC})
CAC = ElementMaker(namespace=NS_CAC)
CBC = ElementMaker(namespace=NS_CBC)


@dataclass(frozen=True)
class OrderSupplier:
    orgnr: str
    name: str
    line_count: int


def suppliers(lines: list[BasketLine]) -> list[OrderSupplier]:
    """The suppliers of the lines that would be ordered, in basket order, one order each."""
    found: dict[str, OrderSupplier] = {}
    for line in sessions.transferable(lines):
        known = found.get(line.supplier_orgnr)
        count = known.line_count + 1 if known else 1
        found[line.supplier_orgnr] = OrderSupplier(line.supplier_orgnr, line.supplier_name, count)
    return list(found.values())


def _party(tag: str, party: Party, email: str = "", country: str = "") -> etree._Element:
    children = [
        CBC.EndpointID(party.identifier, schemeID=party.scheme),
        CAC.PartyIdentification(CBC.ID(party.identifier, schemeID=party.scheme)),
    ]
    if country:  # the seller's postal address is mandatory; the hub knows only its country
        children.append(CAC.PostalAddress(CAC.Country(CBC.IdentificationCode(country))))
    children.append(CAC.PartyLegalEntity(CBC.RegistrationName(party.name)))
    if email:
        children.append(CAC.Contact(CBC.ElectronicMail(email)))
    return getattr(CAC, tag)(CAC.Party(*children))


def _order_line(number: int, line: BasketLine, currency: str) -> etree._Element:
    item = line.item
    details = [CBC.Name(line.name)]
    details.append(CAC.SellersItemIdentification(CBC.ID(line.seller_item_id)))
    if item.gtin:
        details.append(CAC.StandardItemIdentification(CBC.ID(item.gtin, schemeID=GTIN_SCHEME)))
    if item.unspsc:
        details.append(CAC.CommodityClassification(CBC.ItemClassificationCode(item.unspsc, listID=UNSPSC_LIST)))
    details.append(
        CAC.ClassifiedTaxCategory(
            CBC.ID(item.vat_category or "S"), CBC.Percent(amount(line.vat_rate)), CAC.TaxScheme(CBC.ID("VAT"))
        )
    )
    return CAC.OrderLine(
        CAC.LineItem(
            CBC.ID(str(number)),
            CBC.Quantity(quantity(line.quantity), unitCode=line.unit),
            CBC.LineExtensionAmount(amount(line.total), currencyID=currency),
            CAC.Price(CBC.PriceAmount(amount(line.unit_price), currencyID=currency)),
            CAC.Item(*details),
        )
    )


def order_document(session: PunchoutSession, lines: list[BasketLine], supplier_orgnr: str) -> bytes:
    """The T01 Order for one supplier's lines of the basket; ValueError when that supplier has none."""
    lines = [line for line in sessions.transferable(lines) if line.supplier_orgnr == supplier_orgnr]
    if not lines:
        raise ValueError(f"The basket has no lines from {supplier_orgnr}")
    currency = lines[0].currency
    totals = sessions.totals(lines)
    issued = timezone.localtime()
    children = [
        CBC.CustomizationID(CUSTOMIZATION_ID),
        CBC.ProfileID(PROFILE_ID),
        CBC.ID(f"EH-{issued:%Y%m%d}-{uuid.uuid4().hex[:10].upper()}"),
        CBC.IssueDate(issued.date().isoformat()),
        CBC.IssueTime(issued.strftime("%H:%M:%S")),
        CBC.DocumentCurrencyCode(currency),
    ]
    if session.buyer_reference:
        children.append(CBC.CustomerReference(session.buyer_reference))
    agreements = {line.agreement_reference for line in lines}
    if len(agreements) == 1:
        children.append(CAC.Contract(CBC.ID(agreements.pop())))
    scheme, _, identifier = peppol_participant_id(supplier_orgnr).partition(":")
    children += [
        _party("BuyerCustomerParty", organisation_party(session.organisation), session.user_email),
        _party("SellerSupplierParty", Party(scheme, identifier, lines[0].supplier_name), country="SE"),
        CAC.TaxTotal(CBC.TaxAmount(amount(totals.vat), currencyID=currency)),
        CAC.AnticipatedMonetaryTotal(
            CBC.LineExtensionAmount(amount(totals.net), currencyID=currency),
            CBC.PayableAmount(amount(totals.gross), currencyID=currency),
        ),
    ]
    children += [_order_line(number, line, currency) for number, line in enumerate(lines, start=1)]
    return etree.tostring(DOC.Order(*children), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def order_filename(session: PunchoutSession, supplier_orgnr: str) -> str:
    return f"order-{session.organisation.orgnr}-{supplier_orgnr}-{timezone.localdate():%Y%m%d}.xml"
