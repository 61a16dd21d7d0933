"""SAP OCI 4.0/5.0: read the catalogue call (outbound, from the ordering system), write the basket (inbound).

Facts from ../shared/standards/oci/OCI-FIELDS.md. The ordering system opens the hub in the shopper's
browser, by GET or POST, with HOOK_URL (where the basket goes), the login and the SAP fields ~OkCode,
~TARGET and ~CALLER. The basket goes back as an HTML form posted by the browser to HOOK_URL into the frame
~TARGET names (default _top): one set of NEW_ITEM-<FIELD>[n] fields per line, every value a string,
decimals with a point, lengths as the spec sets them (longer values are cut; the full name travels in
LONGTEXT). ~OkCode, ~TARGET and ~CALLER are echoed back unchanged.

The login is either USERNAME/PASSWORD posted in the form body, or a start token the ordering system
fetched server to server (signed by the hub, five minutes, single use). A password in a URL is refused:
it would end up in browser histories and in every proxy's access log.

This module reads and writes; punchout.sessions keeps the state.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core import signing

# Prices are written as in cXML: unlocalised, point decimal, two to four decimals (1234.50).
from punchout.protocols.basket import ReturnedLine
from punchout.protocols.cxml import number

# Field lengths in characters (OCI-FIELDS.md); a longer value is cut to this length.
FIELD_LENGTHS = {
    "DESCRIPTION": 40,
    "MATNR": 40,
    "QUANTITY": 15,
    "UNIT": 3,
    "PRICE": 15,
    "PRICEUNIT": 5,
    "CURRENCY": 5,
    "LEADTIME": 5,
    "VENDOR": 10,
    "VENDORMAT": 40,
    "MANUFACTCODE": 10,
    "MANUFACTMAT": 40,
    "MATGROUP": 10,
    "SERVICE": 1,
    "CONTRACT": 10,
    "CONTRACT_ITEM": 5,
    "EXT_QUOTE_ID": 35,
    "EXT_QUOTE_ITEM": 10,
    "EXT_PRODUCT_ID": 40,
    "ATTACHMENT": 255,
    "ATTACHMENT_TITLE": 255,
    "ATTACHMENT_PURPOSE": 1,
    "EXT_SCHEMA_TYPE": 10,
    "EXT_CATEGORY_ID": 60,
    "CUST_FIELD1": 10,
    "CUST_FIELD2": 10,
    "CUST_FIELD3": 10,
    "CUST_FIELD4": 20,
    "CUST_FIELD5": 50,
}
DEFAULT_TARGET = "_top"
DEFAULT_OK_CODE = "ADDI"
DEFAULT_CALLER = "CTLG"
ECHOED = ("~OkCode", "~TARGET", "~CALLER")
# A frame name or keyword for the form's target attribute, and the echoed SAP codes: nothing that needs escaping.
SAFE_VALUE = re.compile(r"[A-Za-z0-9_.:\-]{1,100}")
START_SIGNING_SALT = "punchout.oci.start-token"  # Django signing's namespace for start tokens, not a secret


class OciError(Exception):
    """A catalogue call the hub refuses; `reason` picks the message the shopper sees (punchout/refused.html)."""

    def __init__(self, status: int, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.detail = detail  # quoted in the page (never a secret): e.g. the unsupported FUNCTION
        # The buyer system's registered frame origins, once the login has named it: the refusal page may
        # then show inside its iframe. Before that (no login, a wrong one) the page may not be framed.
        self.frame_origins: list[str] = []


# What each refusal says to a program (the token endpoint answers JSON); people see refused.html.
ENGLISH = {
    "password_in_url": "Never send PASSWORD in the URL: post it in the form body, or use a start token",
    "function": "This catalogue does not support OCI FUNCTION calls",
    "no_hook_url": "HOOK_URL is missing",
    "bad_field": "~TARGET, ~OkCode or ~CALLER holds characters a frame name or code may not have",
    "login_missing": "USERNAME and PASSWORD (or TOKEN) are required",
    "login": "Unknown user or wrong password",
    "token_invalid": "The start token is not valid",
    "token_expired": "The start token has expired",
    "token_used": "The start token has already been used",
    "not_oci": "This buyer system is not registered for OCI",
    "hook_url": "HOOK_URL is not on this buyer system's list of return addresses",
    "throttled": "Too many refused logins from this address; try again later",
}


@dataclass
class StartRequest:
    """The catalogue call, as read from the query string and the form body."""

    hook_url: str
    target: str
    ok_code: str
    caller: str
    username: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    language: str = "sv"

    @property
    def echoed_fields(self) -> dict[str, str]:
        return {"~OkCode": self.ok_code, "~TARGET": self.target, "~CALLER": self.caller}


def _lookup(params: dict[str, str], *names: str) -> str:
    """The first of `names` present, compared without case (systems write ~TARGET, ~target, ~Target …)."""
    folded = {name.casefold(): value for name, value in params.items()}
    for name in names:
        value = folded.get(name.casefold())
        if value is not None:
            return value.strip()
    return ""


def has_password(query: dict[str, str]) -> bool:
    return any(name.casefold() == "password" for name in query)


def _echoed(params: dict[str, str], names: tuple[str, ...], default: str, what: str) -> str:
    value = _lookup(params, *names) or default
    if not SAFE_VALUE.fullmatch(value):
        raise OciError(400, "bad_field", what)
    return value


def parse_start(query: dict[str, str], form: dict[str, str]) -> StartRequest:
    """Read the catalogue call. `query` is the URL's parameters, `form` the posted body (empty for a GET).

    A password in the URL is refused before anything else is read, whatever the method.
    """
    if has_password(query):
        raise OciError(400, "password_in_url")
    params = {**query, **form}
    function = _lookup(params, "FUNCTION")
    if function:
        raise OciError(400, "function", function[:40])
    hook_url = _lookup(params, "HOOK_URL")
    if not hook_url:
        raise OciError(400, "no_hook_url")
    language = _lookup(params, "LANGUAGE", "sy-langu", "language")
    return StartRequest(
        hook_url=hook_url,
        target=_echoed(params, ("~TARGET", "returntarget"), DEFAULT_TARGET, "~TARGET"),
        ok_code=_echoed(params, ("~OkCode",), DEFAULT_OK_CODE, "~OkCode"),
        caller=_echoed(params, ("~CALLER",), DEFAULT_CALLER, "~CALLER"),
        username=_lookup(form, "USERNAME") or _lookup(query, "USERNAME"),
        password=_lookup(form, "PASSWORD"),
        token=_lookup(params, "TOKEN"),
        language="en" if language.lower().startswith("en") else "sv",
    )


# ---------------------------------------------------------------------------------------------- start tokens


def new_start_token(buyer_system_id: int) -> tuple[str, str]:
    """A signed start token for a buyer system, and its nonce (what makes it single-use once stored)."""
    nonce = secrets.token_urlsafe(24)
    return signing.dumps({"b": buyer_system_id, "n": nonce}, salt=START_SIGNING_SALT), nonce


def read_start_token(token: str, max_age: int) -> tuple[int, str]:
    """The buyer system's id and the nonce, or OciError 401 for a forged, damaged or expired token."""
    try:
        payload = signing.loads(token, salt=START_SIGNING_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise OciError(401, "token_expired") from None
    except signing.BadSignature:
        raise OciError(401, "token_invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("b"), int) or not isinstance(payload.get("n"), str):
        raise OciError(401, "token_invalid")
    return payload["b"], payload["n"]


# ---------------------------------------------------------------------------------------------- the basket


def quantity(value: Decimal) -> str:
    """SAP reads quantities with three decimals: 2.000, 1.500."""
    return f"{Decimal(value).quantize(Decimal('0.001'), rounding=ROUND_HALF_UP):f}"


LONG_TEXT_LABELS = {"sv": ("Leverantör", "Avtal", "Moms"), "en": ("Supplier", "Agreement", "VAT")}


def long_text(line: ReturnedLine, language: str = "sv") -> str:
    """The full name (DESCRIPTION holds only 40 characters), the supplier, the agreement and the VAT rate."""
    labels = LONG_TEXT_LABELS.get(language, LONG_TEXT_LABELS["sv"])
    return (
        f"{line.name}\n{labels[0]}: {line.supplier_name} ({line.supplier_orgnr})\n"
        f"{labels[1]}: {line.agreement_reference}\n{labels[2]}: {number(line.vat_rate)} %"
    )


def _line_fields(line: ReturnedLine, language: str) -> dict[str, str]:
    fields = {
        "DESCRIPTION": line.name,
        "QUANTITY": quantity(line.quantity),
        "UNIT": line.unit,
        "PRICE": number(line.unit_price),
        "PRICEUNIT": "1",
        "CURRENCY": line.currency,
        "VENDOR": line.supplier_orgnr,
        "VENDORMAT": line.seller_item_id,
        "MANUFACTMAT": line.manufacturer_part_number,
        "MATGROUP": line.unspsc,
        "EXT_SCHEMA_TYPE": "UNSPSC" if line.unspsc else "",
        "EXT_CATEGORY_ID": line.unspsc,
        "LEADTIME": "" if line.lead_time_days is None else str(line.lead_time_days),
        # CONTRACT holds 10 characters; a longer agreement reference is not cut (a wrong contract number is
        # worse than none) but left out: it is always in LONGTEXT.
        "CONTRACT": line.agreement_reference if len(line.agreement_reference) <= FIELD_LENGTHS["CONTRACT"] else "",
        "EXT_PRODUCT_ID": line.item_key,
    }
    return {name: value[: FIELD_LENGTHS[name]] for name, value in fields.items()}


def basket_fields(lines: list[ReturnedLine], echoed: dict[str, str], language: str = "sv") -> list[tuple[str, str]]:
    """The return form's fields in order: the echoed SAP fields, then NEW_ITEM-…[n] per line (n from 1).

    An empty `lines` is the cancelled basket: the echoed fields alone.
    """
    fields = [(name, echoed[name]) for name in ECHOED if name in echoed]
    for index, line in enumerate(lines, start=1):
        fields += [(f"NEW_ITEM-{name}[{index}]", value) for name, value in _line_fields(line, language).items()]
        fields.append((f"NEW_ITEM-LONGTEXT_{index}:132[]", long_text(line, language)))
    return fields


# ---------------------------------------------------------------------------------------------- reading it back

ITEM_FIELD = re.compile(r"NEW_ITEM-([A-Z_0-9]+)\[(\d+)\]")
LONGTEXT_FIELD = re.compile(r"NEW_ITEM-LONGTEXT_(\d+):132\[\]")


def read_basket(form: dict[str, str]) -> list[dict[str, str]]:
    """The lines of a returned OCI form, by index (what an ordering system reads): [{"DESCRIPTION": …}, …]."""
    lines: dict[int, dict[str, str]] = {}
    for name, value in form.items():
        if match := ITEM_FIELD.fullmatch(name):
            lines.setdefault(int(match.group(2)), {})[match.group(1)] = value
        elif match := LONGTEXT_FIELD.fullmatch(name):
            lines.setdefault(int(match.group(1)), {})["LONGTEXT"] = value
    return [lines[index] for index in sorted(lines)]


def field_problems(line: dict[str, str], index: int) -> list[str]:
    """Where a returned line breaks the spec: a missing mandatory field, a value too long, a localised number."""
    problems = []
    for name in ("DESCRIPTION", "QUANTITY", "UNIT", "PRICE", "CURRENCY"):
        if not line.get(name):
            problems.append(f"NEW_ITEM-{name}[{index}] is missing")
    for name, value in line.items():
        limit = FIELD_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            problems.append(f"NEW_ITEM-{name}[{index}] has {len(value)} characters, more than {limit}")
    for name in ("QUANTITY", "PRICE", "PRICEUNIT"):
        value = line.get(name, "")
        if value and not re.fullmatch(r"\d+(\.\d+)?", value):
            problems.append(f"NEW_ITEM-{name}[{index}] is not an unlocalised number: {value!r}")
    return problems
