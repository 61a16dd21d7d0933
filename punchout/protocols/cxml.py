"""cXML 1.2: read a PunchOutSetupRequest, write the PunchOutSetupResponse, a Status and the PunchOutOrderMessage.

Reading accepts what real ordering systems send: a DOCTYPE (never fetched: catalogue.safe_xml loads no DTD,
resolves no entity and never touches the network), UTF-8 or ISO-8859-1 (by the XML declaration or the
HTTP charset), and any ISO 8601 timestamp. A document that declares or uses entities is refused: no
real cXML needs them, and a reference left unexpanded would change what the hub reads.

Writing produces documents that validate against the cXML DTD (tests check every one against
settings.HUB_CXML_DTD). Numbers are unlocalised: "1234.50", never "1 234,50".
"""

from __future__ import annotations

import base64
import datetime
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from lxml import etree

from catalogue import safe_xml
from punchout.protocols.basket import ReturnedLine

CXML_VERSION = "1.2.063"
DOCTYPE = f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{CXML_VERSION}/cXML.dtd">'
USER_AGENT = "E-handelshubben punchout"
OPERATIONS = ("create", "edit", "inspect")
STATUS_TEXT = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class CxmlError(Exception):
    """A request the hub answers with a cXML Status `code`; `detail` is for the sender and never holds a secret."""

    def __init__(self, code: int, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Credential:
    domain: str
    identity: str
    shared_secret: str | None = None

    def __repr__(self) -> str:  # the secret never reaches a log or a traceback
        return f"Credential(domain={self.domain!r}, identity={self.identity!r})"


@dataclass
class ItemOut:
    """One line of an edit or inspect request: the hub's own earlier ItemIn, as the ordering system kept it."""

    quantity: Decimal
    supplier_part_id: str
    auxiliary_id: str
    line_number: int | None = None


@dataclass
class SetupRequest:
    payload_id: str
    timestamp: datetime.datetime | None
    language: str
    from_credentials: list[Credential]
    to_credentials: list[Credential]
    sender_credentials: list[Credential]
    operation: str
    buyer_cookie: str
    return_url: str
    extrinsics: dict[str, str] = field(default_factory=dict)
    items: list[ItemOut] = field(default_factory=list)
    deployment_mode: str = "production"

    @property
    def user_email(self) -> str:
        return self.extrinsics.get("UserEmail", "")


# ---------------------------------------------------------------------------------------------- reading


def _parse(body: bytes, charset: str | None) -> etree._Element:
    try:
        return etree.fromstring(body, safe_xml.parser())
    except etree.XMLSyntaxError as error:
        if charset:
            # No XML declaration, but the HTTP header named the encoding (ISO-8859-1 is common).
            try:
                return etree.fromstring(body, etree.XMLParser(**safe_xml.SAFE_OPTIONS, encoding=charset))
            except (etree.XMLSyntaxError, LookupError):
                pass
        raise CxmlError(400, f"The document is not well-formed XML: {error.msg}") from None
    except ValueError as error:
        raise CxmlError(400, f"The document could not be read: {error}") from None


def _refuse_entities(root: etree._Element) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    declares = dtd is not None and any(True for _ in dtd.iterentities())
    uses = any(node.tag is etree.Entity for node in root.iter())  # an entity reference's tag is etree.Entity
    if declares or uses:
        raise CxmlError(400, "Entity declarations and references are not accepted; send plain cXML")


def _text(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _credentials(parent: etree._Element | None) -> list[Credential]:
    if parent is None:
        return []
    found = []
    for credential in parent.findall("Credential"):
        secret = credential.find("SharedSecret")
        found.append(
            Credential(
                domain=(credential.get("domain") or "").strip(),
                identity=_text(credential.find("Identity")),
                shared_secret=_text(secret) if secret is not None else None,
            )
        )
    return found


_FRACTION = re.compile(r"([.,])(\d{6})\d+")


def parse_timestamp(value: str) -> datetime.datetime | None:
    """Any ISO 8601 form real systems write (extended or basic, Z or ±hh:mm or ±hhmm, fractions of any
    length, a space for T, no zone = the hub's time zone); None when it is not a timestamp at all."""
    value = (value or "").strip().upper().replace(" ", "T", 1)
    if not value:
        return None
    value = _FRACTION.sub(r"\1\2", value)
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _decimal(value: str | None, what: str) -> Decimal:
    try:
        number = Decimal((value or "").strip())
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite() or number <= 0:
        raise CxmlError(400, f"{what} must be a positive number, not {value!r}")
    return number


def parse_setup_request(body: bytes, charset: str | None = None) -> SetupRequest:
    """Read a PunchOutSetupRequest, or raise CxmlError with the Status code to answer."""
    root = _parse(body, charset)
    _refuse_entities(root)
    if root.tag != "cXML":
        raise CxmlError(400, f"The root element must be cXML, not {root.tag}")
    header = root.find("Header")
    request = root.find("Request")
    if header is None or request is None:
        raise CxmlError(400, "A cXML request needs a Header and a Request")
    setup = request.find("PunchOutSetupRequest")
    if setup is None:
        names = ", ".join(child.tag for child in request if isinstance(child.tag, str)) or "nothing"
        raise CxmlError(406, f"This address takes a PunchOutSetupRequest, not {names}")
    operation = (setup.get("operation") or "").strip()
    if operation not in OPERATIONS:
        raise CxmlError(406, f"The operation must be create, edit or inspect, not {operation!r}")
    post = setup.find("BrowserFormPost/URL")
    if post is None or not _text(post):
        raise CxmlError(400, "The PunchOutSetupRequest has no BrowserFormPost URL to return the basket to")
    cookie = setup.find("BuyerCookie")
    if cookie is None:
        raise CxmlError(400, "The PunchOutSetupRequest has no BuyerCookie")
    extrinsics = {}
    for extrinsic in setup.findall("Extrinsic"):
        name = (extrinsic.get("name") or "").strip()
        if name and name not in extrinsics:
            extrinsics[name] = _text(extrinsic)[:1000]
    items = []
    for item in setup.findall("ItemOut"):
        items.append(
            ItemOut(
                quantity=_decimal(item.get("quantity"), "ItemOut quantity"),
                supplier_part_id=_text(item.find("ItemID/SupplierPartID")),
                auxiliary_id=_text(item.find("ItemID/SupplierPartAuxiliaryID")),
                line_number=int(item.get("lineNumber")) if (item.get("lineNumber") or "").isdigit() else None,
            )
        )
    sender = header.find("Sender")
    return SetupRequest(
        payload_id=(root.get("payloadID") or "")[:255],
        timestamp=parse_timestamp(root.get("timestamp") or ""),
        language=(root.get(XML_LANG) or "").strip(),
        from_credentials=_credentials(header.find("From")),
        to_credentials=_credentials(header.find("To")),
        sender_credentials=_credentials(sender),
        operation=operation,
        buyer_cookie="".join(cookie.itertext()),
        return_url=_text(post),
        extrinsics=extrinsics,
        items=items,
        deployment_mode=(request.get("deploymentMode") or "production").strip(),
    )


# ---------------------------------------------------------------------------------------------- writing


def _payload_id() -> str:
    return f"{time.time_ns()}.{os.getpid()}.{secrets.token_hex(6)}@{settings.HUB_CXML_IDENTITY}"


def timestamp() -> str:
    """Now, as a cXML timestamp (ISO 8601 with the zone, whole seconds)."""
    return timezone.localtime().isoformat(timespec="seconds")


def _document(language: str = "sv-SE") -> etree._Element:
    root = etree.Element("cXML")
    root.set("payloadID", _payload_id())
    root.set("timestamp", timestamp())
    root.set(XML_LANG, language)
    return root


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=DOCTYPE)


def _sub(parent: etree._Element, tag: str, content: str | None = None, /, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attributes)
    if content is not None:
        element.text = content
    return element


def number(value: Decimal) -> str:
    """An unlocalised number: at least two decimals, at most four, never a thousands separator."""
    value = Decimal(value).quantize(Decimal("0.0001"))
    text = f"{value:f}"
    whole, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0").ljust(2, "0")
    return f"{whole}.{decimals}"


def quantity(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    return text


def status_response(code: int, detail: str = "") -> bytes:
    root = _document("en")
    response = _sub(root, "Response")
    status = _sub(response, "Status", detail or None, code=str(code), text=STATUS_TEXT.get(code, "Error"))
    status.set(XML_LANG, "en")
    return _serialise(root)


def setup_response(start_url: str) -> bytes:
    root = _document("en")
    response = _sub(root, "Response")
    _sub(response, "Status", code="200", text="success")
    _sub(_sub(_sub(response, "PunchOutSetupResponse"), "StartPage"), "URL", start_url)
    return _serialise(root)


def _credential(parent: etree._Element, domain: str, identity: str) -> None:
    _sub(_sub(parent, "Credential", domain=domain or "NetworkId"), "Identity", identity)


def order_message(
    *,
    buyer_cookie: str,
    operation_allowed: str,
    lines: list[ReturnedLine],
    total: Decimal,
    currency: str,
    to_domain: str,
    to_identity: str,
    language: str = "sv-SE",
) -> bytes:
    """A PunchOutOrderMessage: From and Sender are the hub, To the buyer system; no secret travels in it
    (the browser carries it). An empty `lines` is the cancelled basket."""
    root = _document(language)
    header = _sub(root, "Header")
    _credential(_sub(header, "From"), "NetworkId", settings.HUB_CXML_IDENTITY)
    _credential(_sub(header, "To"), to_domain, to_identity or "unknown")
    sender = _sub(header, "Sender")
    _credential(sender, "NetworkId", settings.HUB_CXML_IDENTITY)
    _sub(sender, "UserAgent", USER_AGENT)
    message = _sub(_sub(root, "Message"), "PunchOutOrderMessage")
    _sub(message, "BuyerCookie", buyer_cookie)
    message_header = _sub(message, "PunchOutOrderMessageHeader", operationAllowed=operation_allowed)
    _sub(_sub(message_header, "Total"), "Money", number(total), currency=currency)
    for line_number, line in enumerate(lines, start=1):
        item = _sub(message, "ItemIn", quantity=quantity(line.quantity), lineNumber=str(line_number))
        item_id = _sub(item, "ItemID")
        _sub(item_id, "SupplierPartID", line.seller_item_id)
        _sub(item_id, "SupplierPartAuxiliaryID", line.auxiliary_id)
        detail = _sub(item, "ItemDetail")
        _sub(_sub(detail, "UnitPrice"), "Money", number(line.unit_price), currency=line.currency)
        description = _sub(detail, "Description")
        description.set(XML_LANG, "sv")
        _sub(description, "ShortName", line.name[:255])
        _sub(detail, "UnitOfMeasure", line.unit)
        _sub(detail, "Classification", line.unspsc, domain="UNSPSC")
        if line.manufacturer_part_number:
            _sub(detail, "ManufacturerPartID", line.manufacturer_part_number)
        if line.manufacturer:
            _sub(detail, "ManufacturerName", line.manufacturer)
        if line.lead_time_days is not None:
            _sub(detail, "LeadTime", str(line.lead_time_days))
        _sub(detail, "Extrinsic", line.agreement_reference, name="AgreementReference")
        _sub(detail, "Extrinsic", line.supplier_name, name="SupplierName")
        _sub(detail, "Extrinsic", number(line.vat_rate), name="VATRate")
    return _serialise(root)


# ---------------------------------------------------------------------------------------------- checking


def dtd_errors(document: bytes, dtd_path: Path) -> list[str]:
    """Validate a document the hub wrote against the cXML DTD file (read locally, never fetched)."""
    with open(dtd_path, "rb") as handle:
        dtd = etree.DTD(handle)
    root = etree.fromstring(document, safe_xml.parser())
    if dtd.validate(root):
        return []
    return [f"line {error.line}: {error.message}" for error in dtd.error_log.filter_from_errors()]


def return_form_field(document: bytes, encoding: str) -> tuple[str, str]:
    """The form field the browser posts to the BrowserFormPost URL: cxml-base64 or cxml-urlencoded."""
    if encoding == "base64":
        return "cxml-base64", base64.b64encode(document).decode("ascii")
    return "cxml-urlencoded", document.decode("utf-8")
