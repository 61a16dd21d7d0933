"""Peppol BIS Punch Out 3 (T77): the basket as a UBL 2.1 Catalogue, and the hub's session protocol around it.

Peppol leaves starting a session and returning the basket out of scope; the hub's protocol (docs/punchout.md):

1. Start: the shopper's browser posts `token` to /punchout/peppol/start/. The token is a JWT (RFC 7519) with
   HS256, i.e. an HMAC-SHA256 keyed by the buyer system's shared secret, so every platform's JWT library can
   make one. Claims: iss (the registered name), iat, exp (at most PUNCHOUT_START_TOKEN_SECONDS later), jti
   (single use), return_url (allow-listed), and optionally state (echoed back), buyer_reference
   (ReceiverParty/Contact/ID), user_email, lang. The signature is compared in constant time; a used jti
   is refused because the session stores its hash under a unique constraint.
2. Return: the browser auto-posts `ubl-base64` (the T77 document), `basket-id`, `state` and
   `peppol-status` (transferred or cancelled; a cancelled or empty basket carries no document, since
   T77 needs at least one line) to the return URL.
3. Fetch (optional): GET /punchout/peppol/basket/<basket-id>/ with `Authorization: Bearer <shared secret>`.

Every document written here passes the UBL 2.1 XSD and the official T77 rules (`check_document`; tests
run it on every document, the harness on what it receives). Numbers are unlocalised ("1234.50").
"""

from __future__ import annotations

import base64
import datetime
import logging
import math
import re
import threading
import time
import uuid
import warnings
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from catalogue import safe_xml
from catalogue.validation.official import validate_text
from catalogue.validation.standards import xsd_path
from punchout.credentials import (
    SealedSecretUnreadable,
    new_token,
    open_sealed_secret,
    shared_secret_matches,
    token_hash,
)
from punchout.models import BasketLine, BuyerSystem, Protocol, PunchoutSession

logger = logging.getLogger(__name__)
# The key is the buyer system's registered shared secret (cXML uses the same one), agreed out of band; HMAC
# takes a key of any length, so PyJWT's advice of at least 32 bytes is no reason to warn on every token.
warnings.filterwarnings("ignore", category=jwt.warnings.InsecureKeyLengthWarning)
CUSTOMIZATION_ID = "urn:fdc:peppol.eu:poacc:trns:punch_out:3"
PROFILE_ID = "urn:fdc:peppol.eu:poacc:bis:punch_out:3"
NS_CATALOGUE = "urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

MAX_TOKEN_BYTES = 8 * 1024
CLOCK_SKEW_SECONDS = 60  # an ordering system's clock may run this far ahead of the hub's
JTI = re.compile(r"[A-Za-z0-9._~:-]{16,200}")
UNSPSC_LIST = "TST"  # UNCL7143: TST = UNSPSC
GTIN_SCHEME = "0160"


class StartRefused(Exception):
    """A start token the hub does not accept; `reason` picks the page and the HTTP status."""

    STATUS: ClassVar[dict[str, int]] = {
        "malformed": 400,
        "signature": 401,
        "protocol": 403,
        "return_url": 403,
        "expired": 410,
        "used": 410,
    }

    def __init__(self, reason: str, detail: str = "", system: BuyerSystem | None = None) -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail
        self.system = system  # known once the signature is good: its origins may frame the error page

    @property
    def status(self) -> int:
        return self.STATUS[self.reason]


class NotConfigured(Exception):
    """HUB_PEPPOL_ID is not set: the hub cannot name itself as the basket's provider."""


# ------------------------------------------------------------------------------------------ the start token


def sign_start_token(secret: str, claims: dict) -> str:
    """What the ordering system does (any JWT library with HS256 does the same); the harness and tests use it."""
    return jwt.encode(claims, secret, algorithm="HS256")


def start_claims(system: BuyerSystem, return_url: str, *, lifetime: int | None = None, **optional) -> dict:
    """The claims of a fresh start token for `system` (now, a random jti); `optional` adds state etc."""
    now = int(time.time())
    lifetime = settings.PUNCHOUT_START_TOKEN_SECONDS if lifetime is None else lifetime
    claims = {"iss": system.name, "iat": now, "exp": now + lifetime, "jti": uuid.uuid4().hex, "return_url": return_url}
    claims.update({name: value for name, value in optional.items() if value is not None})
    return claims


@dataclass(frozen=True)
class StartRequest:
    system: BuyerSystem
    jti: str
    return_url: str
    state: str
    buyer_reference: str
    user_email: str
    language: str


def _text_claim(claims: dict, name: str, limit: int) -> str:
    value = claims.get(name, "")
    if not isinstance(value, str) or len(value) > limit or any(ord(ch) < 32 for ch in value):
        raise StartRefused("malformed", f"The claim {name} must be a string of at most {limit} characters")
    return value


def _number_claim(claims: dict, name: str) -> int:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StartRefused("malformed", f"The claim {name} must be a NumericDate (seconds since 1970)")
    return int(value)


def _verified_claims(token: str) -> tuple[BuyerSystem, dict[str, Any]]:
    """The token's buyer system and claims, once its form and signature are checked."""
    if not token or len(token) > MAX_TOKEN_BYTES:
        raise StartRefused("malformed", "No start token, or one longer than 8 kB")
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
        # Only to find whose secret checks the signature; nothing else is read before it is verified.
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.DecodeError:
        raise StartRefused("malformed", "The start token is not a JWT (header.payload.signature)") from None
    if header.get("alg") != "HS256":
        raise StartRefused("malformed", "The start token must be signed with HS256")
    system = (
        BuyerSystem.objects.select_related("organisation").filter(name=issuer, active=True).first()
        if isinstance(issuer, str) and issuer
        else None
    )
    secret = None
    if system is not None and system.shared_secret_sealed:
        try:
            secret = open_sealed_secret(system.shared_secret_sealed)
        except SealedSecretUnreadable:
            # SECRET_KEY changed without SECRET_KEY_FALLBACKS: the operator must register the secret again.
            logger.warning("The sealed shared secret of buyer system %s cannot be opened", system.pk)
    try:
        # A random key for an unknown issuer, so it costs the same HMAC as a wrong signature.
        claims = jwt.decode(
            token,
            secret if secret is not None else new_token(),
            algorithms=["HS256"],
            options={"require": ["iss", "iat", "exp", "jti"], "verify_iat": False, "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        raise StartRefused("signature", "Unknown issuer or wrong signature") from None
    # PyJWT checks the claims only after the signature, so from here on the issuer is known and genuine.
    except jwt.ExpiredSignatureError:
        raise StartRefused("expired", "The start token has expired", system) from None
    except jwt.InvalidTokenError as error:
        raise StartRefused("malformed", f"The start token's claims are not valid: {error}", system) from None
    if system is None:  # the random key above never verifies; refused the same way should that change
        raise StartRefused("signature", "Unknown issuer or wrong signature")
    return system, claims


def read_start_token(token: str) -> StartRequest:
    """Check a start token: form, signature (PyJWT, constant time), registration, lifetime and return URL.

    An unknown issuer and a wrong signature get the same answer after the same work (one HMAC over the token).
    Replay is refused when the session is made (open_session), by the unique hash of the jti.
    """
    system, claims = _verified_claims(token)
    if not system.speaks(Protocol.PEPPOL):
        raise StartRefused("protocol", "This buyer system is not registered for Peppol Punch Out", system)
    issued_at, expires_at = _number_claim(claims, "iat"), _number_claim(claims, "exp")
    if expires_at - issued_at > settings.PUNCHOUT_START_TOKEN_SECONDS or expires_at <= issued_at:
        raise StartRefused(
            "malformed", f"exp must be after iat by at most {settings.PUNCHOUT_START_TOKEN_SECONDS} seconds", system
        )
    if issued_at > time.time() + CLOCK_SKEW_SECONDS:  # PyJWT checked exp; iat may be this far ahead
        raise StartRefused("expired", "The start token is not valid yet", system)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not JTI.fullmatch(jti):
        raise StartRefused("malformed", "jti must be 16 to 200 characters of A-Z a-z 0-9 . _ ~ : -", system)
    return_url = _text_claim(claims, "return_url", 2000)
    if not system.allows_return_url(return_url):
        raise StartRefused(
            "return_url", "The return_url is not on this buyer system's list of return addresses", system
        )
    language = _text_claim(claims, "lang", 20)
    return StartRequest(
        system=system,
        jti=jti,
        return_url=return_url,
        state=_text_claim(claims, "state", 1000),
        buyer_reference=_text_claim(claims, "buyer_reference", 200),
        user_email=_text_claim(claims, "user_email", 254),
        language="en" if language.lower().startswith("en") else "sv",
    )


def _jti_hash(system: BuyerSystem, jti: str) -> str:
    return token_hash(f"peppol-jti:{system.pk}:{jti}")


def open_session(request: StartRequest) -> tuple[PunchoutSession, str]:
    """Open the shop at once (the token was the single use); returns the session and its clear session key."""
    provider()  # refuse before a session exists when the hub cannot write the basket
    now = timezone.now()
    key = new_token()
    agreement_ids = request.system.agreement_ids()
    try:
        with transaction.atomic():
            session = PunchoutSession.objects.create(
                buyer_system=request.system,
                organisation=request.system.organisation,
                protocol=Protocol.PEPPOL,
                state=PunchoutSession.State.OPEN,
                buyer_cookie=request.state,
                buyer_reference=request.buyer_reference,
                return_url=request.return_url,
                user_email=request.user_email,
                language=request.language,
                payload_id=request.jti,
                agreement_ids=sorted(agreement_ids) if agreement_ids is not None else None,
                start_token_hash=_jti_hash(request.system, request.jti),
                start_expires_at=now,
                session_key_hash=token_hash(key),
                started_at=now,
                expires_at=now + datetime.timedelta(seconds=settings.PUNCHOUT_SESSION_SECONDS),
            )
    except IntegrityError:
        raise StartRefused("used", "This start token has been used already", request.system) from None
    return session, key


# ------------------------------------------------------------------------------------------ the T77 document


@dataclass(frozen=True)
class Party:
    scheme: str  # EAS for the EndpointID, and the same code as ICD for PartyIdentification
    identifier: str
    name: str


def provider() -> Party:
    """The hub itself, by HUB_PEPPOL_ID (e.g. 0007:2120000142) and HUB_ORGANISATION_NAME."""
    scheme, _, identifier = (settings.HUB_PEPPOL_ID or "").partition(":")
    if not scheme or not identifier:
        raise NotConfigured(
            "Hubbens Peppol-id saknas: sätt HUB_PEPPOL_ID (t.ex. 0007:2120000142) / "
            "The hub's Peppol ID is not set: set HUB_PEPPOL_ID (e.g. 0007:2120000142)"
        )
    return Party(scheme, identifier, settings.HUB_ORGANISATION_NAME or settings.WAGTAIL_SITE_NAME)


def organisation_party(organisation) -> Party:
    scheme, _, identifier = organisation.peppol_id.partition(":")
    return Party(scheme, identifier, organisation.name)


def amount(value: Decimal) -> str:
    """Unlocalised, two to four decimals: 1234.50, 8.125."""
    text = f"{Decimal(value).quantize(Decimal('0.0001')):f}"
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def quantity(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


_NAMESPACES: dict[str | None, str] = {"cac": NS_CAC, "cbc": NS_CBC}  # str | None: lxml's nsmap type


def sub(parent: etree._Element, name: str, text: str | None = None, /, **attributes: str) -> etree._Element:
    """Add `cac:Name` or `cbc:Name` under parent. Documents are built top-down: nesting finished subtrees
    (lxml.builder) moves each one between documents and made a 200-line basket about five times slower."""
    prefix, _, local = name.partition(":")
    element = etree.SubElement(parent, f"{{{_NAMESPACES[prefix]}}}{local}", attributes)
    if text is not None:
        element.text = text
    return element


def add_party(parent: etree._Element, tag: str, party: Party, contact_id: str = "") -> etree._Element:
    element = sub(parent, tag)
    sub(element, "cbc:EndpointID", party.identifier, schemeID=party.scheme)
    sub(sub(element, "cac:PartyIdentification"), "cbc:ID", party.identifier, schemeID=party.scheme)
    sub(sub(element, "cac:PartyLegalEntity"), "cbc:RegistrationName", party.name)
    if contact_id:
        sub(sub(element, "cac:Contact"), "cbc:ID", contact_id)
    return element


def add_tax_category(item_element: etree._Element, line: BasketLine) -> None:
    category = sub(item_element, "cac:ClassifiedTaxCategory")
    sub(category, "cbc:ID", line.item.vat_category or "S")
    sub(category, "cbc:Percent", amount(line.vat_rate))
    sub(sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def add_item_identifiers(item_element: etree._Element, line: BasketLine, manufacturer_id: bool = True) -> None:
    """Seller's id, manufacturer's id and GTIN, in the order UBL's Item wants them."""
    item = line.item
    sub(sub(item_element, "cac:SellersItemIdentification"), "cbc:ID", line.seller_item_id)
    if manufacturer_id and item.manufacturer_part_number:
        sub(sub(item_element, "cac:ManufacturersItemIdentification"), "cbc:ID", item.manufacturer_part_number)
    if item.gtin:
        sub(sub(item_element, "cac:StandardItemIdentification"), "cbc:ID", item.gtin, schemeID=GTIN_SCHEME)


def add_classification(item_element: etree._Element, line: BasketLine) -> None:
    if line.item.unspsc:
        classification = sub(item_element, "cac:CommodityClassification")
        sub(classification, "cbc:ItemClassificationCode", line.item.unspsc, listID=UNSPSC_LIST)


def _add_catalogue_line(root: etree._Element, number: int, line: BasketLine) -> None:
    item = line.item
    element = sub(root, "cac:CatalogueLine")
    sub(element, "cbc:ID", str(number))
    sub(element, "cbc:ContractSubdivision", line.agreement_reference)
    location = sub(element, "cac:RequiredItemLocationQuantity")
    if item.lead_time_days is not None:
        sub(location, "cbc:LeadTimeMeasure", str(item.lead_time_days), unitCode="DAY")
    price = sub(location, "cac:Price")
    sub(price, "cbc:PriceAmount", amount(line.unit_price), currencyID=line.currency)
    sub(price, "cbc:BaseQuantity", "1", unitCode=line.unit)
    sub(sub(location, "cac:DeliveryUnit"), "cbc:BatchQuantity", quantity(line.quantity), unitCode=line.unit)
    details = sub(element, "cac:Item")
    if item.description:
        sub(details, "cbc:Description", item.description[:2000])
    sub(details, "cbc:Name", line.name)
    add_item_identifiers(details, line)
    add_classification(details, line)
    add_tax_category(details, line)
    # The supplier of each line (a basket may mix suppliers; the provider is the hub).
    for name, value in (("Leverantör", line.supplier_name), ("Leverantörens organisationsnummer", line.supplier_orgnr)):
        prop = sub(details, "cac:AdditionalItemProperty")
        sub(prop, "cbc:Name", name)
        sub(prop, "cbc:Value", value)
    if item.manufacturer:
        sub(sub(sub(details, "cac:ManufacturerParty"), "cac:PartyName"), "cbc:Name", item.manufacturer)


def basket_document(session: PunchoutSession, lines: list[BasketLine], basket_id: str) -> bytes:
    """The T77 Catalogue for the lines (at least one): the hub provides, the organisation receives."""
    issued = timezone.localtime()
    root = etree.Element(f"{{{NS_CATALOGUE}}}Catalogue", nsmap={None: NS_CATALOGUE, **_NAMESPACES})
    sub(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    sub(root, "cbc:ProfileID", PROFILE_ID)
    sub(root, "cbc:ID", basket_id)
    sub(root, "cbc:IssueDate", issued.date().isoformat())
    sub(root, "cbc:IssueTime", issued.strftime("%H:%M:%S"))
    agreements = {line.agreement_reference for line in lines}
    if len(agreements) == 1:
        sub(sub(root, "cac:ReferencedContract"), "cbc:ID", agreements.pop())
    add_party(root, "cac:ProviderParty", provider())
    add_party(root, "cac:ReceiverParty", organisation_party(session.organisation), session.buyer_reference)
    for number, line in enumerate(lines, start=1):
        _add_catalogue_line(root, number, line)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ------------------------------------------------------------------------------------------ checking


@dataclass(frozen=True)
class DocumentCheck:
    xsd_errors: list[str]
    fatal: list[tuple[str, str]]  # (rule id, text)
    warnings: list[tuple[str, str]]

    @property
    def ok(self) -> bool:
        return not self.xsd_errors and not self.fatal

    def describe(self) -> str:
        return "\n".join([*self.xsd_errors, *(f"{rule}: {text}" for rule, text in self.fatal)])


_saxon_lock = threading.Lock()


@lru_cache(maxsize=4)
def _schema(document_type: str) -> etree.XMLSchema:
    return etree.XMLSchema(file=str(xsd_path(document_type)))


def check_document(document: bytes, transaction: str = "T77") -> DocumentCheck:
    """The UBL 2.1 XSD (Catalogue for T77, Order for T01) and the official Peppol rules, run with Saxon."""
    document_type = {"T77": "Catalogue", "T01": "Order"}[transaction]
    tree = etree.fromstring(document, safe_xml.parser())
    schema = _schema(document_type)
    xsd_errors = [] if schema.validate(tree) else [f"XSD line {e.line}: {e.message}" for e in schema.error_log]
    with _saxon_lock:  # one Saxon processor per transaction and process, not made for threads
        failed = validate_text(document.decode("utf-8"), transaction)
    fatal = [(fa.rule, fa.text) for fa in failed if fa.flag != "warning"]
    warnings = [(fa.rule, fa.text) for fa in failed if fa.flag == "warning"]
    return DocumentCheck(xsd_errors, fatal, warnings)


# ------------------------------------------------------------------------------------------ return and fetch


def return_fields(session: PunchoutSession, basket_id: str = "", document: bytes = b"") -> list[tuple[str, str]]:
    """The fields the browser posts to the return URL. Without a document (cancel, or an empty basket, since
    T77 needs at least one line) they say peppol-status=cancelled."""
    fields = [("peppol-status", "transferred" if document else "cancelled")]
    if document:
        fields += [("basket-id", basket_id), ("ubl-base64", base64.b64encode(document).decode("ascii"))]
    if session.buyer_cookie:
        fields.append(("state", session.buyer_cookie))
    return fields


class FetchRefused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def fetch_basket(basket_id: str, secret: str) -> bytes:
    """The transferred basket, for its own buyer system's shared secret only (401 otherwise, 404 unknown).

    Every path runs one password-hash check, so an unknown basket costs the same time as a wrong secret.
    """
    session = (
        PunchoutSession.objects.select_related("buyer_system")
        .filter(basket_id=basket_id, protocol=Protocol.PEPPOL)
        .exclude(basket_document="")
        .first()
        if basket_id and len(basket_id) <= 64
        else None
    )
    if session is None:
        shared_secret_matches(secret, None)
        raise FetchRefused(404, "No basket has this ID")
    if not secret or not shared_secret_matches(secret, session.buyer_system.shared_secret_hash):
        raise FetchRefused(401, "Wrong or missing shared secret")
    return session.basket_document.encode("utf-8")
