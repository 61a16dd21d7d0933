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

from hub.organisations.identifiers import peppol_participant_id
from punchout import sessions
from punchout.models import BasketLine, PunchoutSession
from punchout.protocols.peppol import (
    NS_CAC,
    NS_CBC,
    Party,
    add_classification,
    add_item_identifiers,
    add_tax_category,
    amount,
    organisation_party,
    quantity,
    sub,
)

CUSTOMIZATION_ID = "urn:fdc:peppol.eu:poacc:trns:order:3"
PROFILE_ID = "urn:fdc:peppol.eu:poacc:bis:order_only:3"
NS_ORDER = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"


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


def _add_party(root: etree._Element, tag: str, party: Party, email: str = "", country: str = "") -> None:
    element = sub(sub(root, tag), "cac:Party")
    sub(element, "cbc:EndpointID", party.identifier, schemeID=party.scheme)
    sub(sub(element, "cac:PartyIdentification"), "cbc:ID", party.identifier, schemeID=party.scheme)
    if country:  # the seller's postal address is mandatory; the hub knows only its country
        sub(sub(sub(element, "cac:PostalAddress"), "cac:Country"), "cbc:IdentificationCode", country)
    sub(sub(element, "cac:PartyLegalEntity"), "cbc:RegistrationName", party.name)
    if email:
        sub(sub(element, "cac:Contact"), "cbc:ElectronicMail", email)


def _add_order_line(root: etree._Element, number: int, line: BasketLine, currency: str) -> None:
    line_item = sub(sub(root, "cac:OrderLine"), "cac:LineItem")
    sub(line_item, "cbc:ID", str(number))
    sub(line_item, "cbc:Quantity", quantity(line.quantity), unitCode=line.unit)
    sub(line_item, "cbc:LineExtensionAmount", amount(line.total), currencyID=currency)
    sub(sub(line_item, "cac:Price"), "cbc:PriceAmount", amount(line.unit_price), currencyID=currency)
    details = sub(line_item, "cac:Item")
    sub(details, "cbc:Name", line.name)
    add_item_identifiers(details, line, manufacturer_id=False)
    add_classification(details, line)
    add_tax_category(details, line)


def order_document(session: PunchoutSession, lines: list[BasketLine], supplier_orgnr: str) -> bytes:
    """The T01 Order for one supplier's lines of the basket; ValueError when that supplier has none."""
    lines = [line for line in sessions.transferable(lines) if line.supplier_orgnr == supplier_orgnr]
    if not lines:
        raise ValueError(f"The basket has no lines from {supplier_orgnr}")
    currency = lines[0].currency
    totals = sessions.totals(lines)
    issued = timezone.localtime()
    root = etree.Element(f"{{{NS_ORDER}}}Order", nsmap={None: NS_ORDER, "cac": NS_CAC, "cbc": NS_CBC})
    sub(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    sub(root, "cbc:ProfileID", PROFILE_ID)
    sub(root, "cbc:ID", f"EH-{issued:%Y%m%d}-{uuid.uuid4().hex[:10].upper()}")
    sub(root, "cbc:IssueDate", issued.date().isoformat())
    sub(root, "cbc:IssueTime", issued.strftime("%H:%M:%S"))
    sub(root, "cbc:DocumentCurrencyCode", currency)
    if session.buyer_reference:
        sub(root, "cbc:CustomerReference", session.buyer_reference)
    agreements = {line.agreement_reference for line in lines}
    if len(agreements) == 1:
        sub(sub(root, "cac:Contract"), "cbc:ID", agreements.pop())
    scheme, _, identifier = peppol_participant_id(supplier_orgnr).partition(":")
    _add_party(root, "cac:BuyerCustomerParty", organisation_party(session.organisation), session.user_email)
    _add_party(root, "cac:SellerSupplierParty", Party(scheme, identifier, lines[0].supplier_name), country="SE")
    sub(sub(root, "cac:TaxTotal"), "cbc:TaxAmount", amount(totals.vat), currencyID=currency)
    monetary_total = sub(root, "cac:AnticipatedMonetaryTotal")
    sub(monetary_total, "cbc:LineExtensionAmount", amount(totals.net), currencyID=currency)
    sub(monetary_total, "cbc:PayableAmount", amount(totals.gross), currencyID=currency)
    for number, line in enumerate(lines, start=1):
        _add_order_line(root, number, line, currency)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def order_filename(session: PunchoutSession, supplier_orgnr: str) -> str:
    return f"order-{session.organisation.orgnr}-{supplier_orgnr}-{timezone.localdate():%Y%m%d}.xml"
