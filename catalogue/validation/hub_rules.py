"""The hub's own rules, the same for every format: raw values become CatalogueItem fields, or errors.

Runs in the fast pass, so a supplier hears about a wrong agreement, provider, GTIN, unit or price
within seconds, before the official rules have finished.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db.models import Field
from stdnum import ean
from stdnum.se import orgnr as se_orgnr

from catalogue.formats.base import HEADER_ACTIONS, LINE_ACTIONS, Header, RawLine
from catalogue.formats.columns import ACTION_WORDS_DISPLAY
from catalogue.formats.peppol import CUSTOMIZATION_ID, PROFILE_IDS
from catalogue.models import CatalogueItem
from catalogue.report import ERROR, Report
from catalogue.validation import codelists

SWEDISH_ORGNR_SCHEME = "0007"
TEXT_FIELDS = (
    "seller_item_id",
    "gtin",
    "name",
    "description",
    "manufacturer",
    "manufacturer_part_number",
    "unspsc",
    "cpv",
    "unit",
    "currency",
    "vat_category",
)
DECIMAL_FIELDS = ("price", "base_quantity", "vat_rate", "min_order_quantity", "max_order_quantity", "pack_size")
LIST_FIELDS = ("eco_labels", "keywords", "image_urls")
# Lengths beyond the model's max_length: a description is shown on one page and searched word by word.
TEXT_LIMITS = {"description": 5_000}
# (most values, longest value) for the list fields.
LIST_LIMITS = {"keywords": (50, 100), "eco_labels": (20, 100), "image_urls": (10, 2_000)}
# Bidirectional overrides, embeddings, isolates and marks, zero-width characters and the BOM: invisible, they
# can make a name read differently from what it is ("evil\u202egnp.exe"), so they are removed (with a warning).
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# NUL and the other C0/C1 control characters except tab, newline and carriage return: refused.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FORMULA_PREFIXES = ("=", "+", "-", "@")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_UNSPSC = re.compile(r"^\d{8}$")
_CPV = re.compile(r"^\d{8}(-\d)?$")
_CLASSIFICATIONS = (("unspsc", "UNSPSC", _UNSPSC, "12345678"), ("cpv", "CPV", _CPV, "12345678-9"))


def parse_decimal(value: object) -> Decimal:
    """A number as Swedish users type it: '12,50', '1 234,50', or '12.50'. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = _SPACES.sub("", str(value))
    if "," in text and "." in text:
        # 1.234,50 (thousands dot) or 1,234.50 (thousands comma): the last separator is the decimal one.
        decimal_comma = text.rfind(",") > text.rfind(".")
        text = text.replace(".", "").replace(",", ".") if decimal_comma else text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def parse_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def _field_limits() -> dict[str, int]:
    return {f.name: f.max_length for f in CatalogueItem._meta.get_fields() if isinstance(f, Field) and f.max_length}


_LIMITS: dict[str, int] = {}


def limits() -> dict[str, int]:
    if not _LIMITS:
        _LIMITS.update(_field_limits())
        _LIMITS.update(TEXT_LIMITS)
    return _LIMITS


def check_header(header: Header, report: Report, *, agreement, supplier, fmt: str, today: datetime.date) -> None:
    """Agreement valid, provider is the agreement's supplier, identifiers and Peppol ids right."""
    line = header.line
    if fmt == "peppol":
        if not header.customization_id.startswith(CUSTOMIZATION_ID):
            report.error(
                "PEPPOL-CUSTOMIZATION",
                line=line,
                element="cbc:CustomizationID",
                value=header.customization_id,
                expected=CUSTOMIZATION_ID,
            )
        if header.profile_id not in PROFILE_IDS:
            report.error(
                "PEPPOL-PROFILE",
                line=line,
                element="cbc:ProfileID",
                value=header.profile_id,
                expected=", ".join(PROFILE_IDS),
            )
        if header.action not in HEADER_ACTIONS:
            report.error(
                "HUB-ACTION-UNKNOWN",
                line=line,
                element="cbc:ActionCode",
                value=header.action,
                expected=", ".join(HEADER_ACTIONS),
            )
        for scheme, value in header.provider_ids + header.receiver_ids:
            if scheme == SWEDISH_ORGNR_SCHEME and not se_orgnr.is_valid(value):
                report.error("HUB-ORGNR-CHECKDIGIT", line=line, element="@schemeID=0007", value=value)
        provider_numbers = {
            _digits(value)
            for scheme, value in header.provider_ids
            if scheme in (SWEDISH_ORGNR_SCHEME, "") or value.startswith(f"{SWEDISH_ORGNR_SCHEME}:")
        } | {_digits(value)[2:12] for scheme, value in header.provider_ids if scheme == "9955"}  # SE VAT no.
        if supplier is not None and supplier.orgnr not in provider_numbers:
            found = ", ".join(f"{s}:{v}" if s else v for s, v in header.provider_ids) or "–"
            report.error(
                "HUB-PROVIDER-MISMATCH",
                line=line,
                element="cac:ProviderParty",
                found=found,
                supplier=supplier.name,
                orgnr=supplier.orgnr_display,
            )
    if header.valid_from and header.valid_to and header.valid_to < header.valid_from:
        report.error(
            "HUB-DATES-ORDER", line=line, element="cac:ValidityPeriod", start=header.valid_from, end=header.valid_to
        )
    if agreement is not None:
        overlaps = (
            header.valid_from is not None
            and header.valid_from <= agreement.valid_to
            and (header.valid_to or header.valid_from) >= agreement.valid_from
        )
        if not (agreement.is_valid_on(today) or overlaps):
            report.error(
                "HUB-AGREEMENT-INVALID",
                line=line,
                agreement=agreement.reference,
                valid_from=agreement.valid_from,
                valid_to=agreement.valid_to,
            )


def _gtin_ok(gtin: str) -> bool:
    if gtin.isascii() and gtin.isdigit() and len(gtin) in _GTIN_LENGTHS:
        # The common case, without stdnum's clean-up pass: only the check digit is left to compute.
        return ean.calc_check_digit(gtin[:-1]) == gtin[-1]
    return ean.is_valid(gtin)


_GTIN_LENGTHS = (8, 12, 13, 14)


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


class _Line:
    """One line on its way to item fields: its raw values and where each came from, for the messages."""

    __slots__ = ("default_currency", "kind", "limits", "line", "raw", "report", "values", "where_map")

    def __init__(self, raw: RawLine, report: Report, default_currency: str) -> None:
        self.raw = raw
        self.values = raw.values
        self.line = raw.line
        self.kind = raw.where_kind
        self.where_map = raw.where
        self.report = report
        self.limits = _LIMITS or limits()
        self.default_currency = default_currency

    def where(self, name: str) -> dict:
        label = self.where_map.get(name)
        return {} if label is None else {self.kind: label}

    def error(self, code: str, name: str | None = None, **params) -> None:
        self.report.error(code, line=self.line, **params, **(self.where(name) if name else {}))


def build_item(raw: RawLine, report: Report, *, default_currency: str = "SEK") -> dict | None:
    """CatalogueItem field values for one line, or None when the line has errors (they are reported).

    A table of small converters (ITEM_CONVERTERS), each filling and checking its fields in turn. Runs
    once per line in the fast pass, so the common case (clean text, plain numbers) takes the short
    paths; anything unusual falls through to the careful ones.
    """
    errors_before = report.counts[ERROR]
    line = _Line(raw, report, default_currency)
    item: dict = {"line_number": raw.line}
    for convert in ITEM_CONVERTERS:
        convert(line, item)
    return item if report.counts[ERROR] == errors_before else None


def _texts(line: _Line, item: dict) -> None:
    values, kind, field_limits = line.values, line.kind, line.limits
    for name in TEXT_FIELDS:
        value = values.get(name)
        if value is None:
            item[name] = ""
            continue
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))  # a GTIN or item number typed into a numeric cell
        else:
            text = value.strip() if isinstance(value, str) else str(value).strip()
        if not text.isprintable() or (kind == "column" and text.startswith(FORMULA_PREFIXES)):
            text = _clean_text(text, line.report, line.line, kind, line.where(name))  # the rare case
        limit = field_limits.get(name)
        if limit and len(text) > limit:
            line.error("HUB-VALUE-TOO-LONG", name, length=len(text), limit=limit)
        item[name] = text


def _identity(line: _Line, item: dict) -> None:
    if not item["seller_item_id"]:
        item["seller_item_id"] = item["gtin"]
    if not item["seller_item_id"]:
        line.error("HUB-ITEM-ID-MISSING", "seller_item_id")
    if not item["name"]:
        line.error("HUB-NAME-MISSING", "name")
    gtin = item["gtin"]
    if gtin and not _gtin_ok(gtin):
        line.error("HUB-GTIN-CHECKDIGIT", "gtin", value=gtin)


def _codes(line: _Line, item: dict) -> None:
    """Unit, currency and VAT category from the official code lists, with their defaults."""
    unit = item["unit"].upper()
    if not unit:
        unit = "EA"
    elif unit not in _UNITS:
        line.error("HUB-UNIT-UNKNOWN", "unit", value=unit)
    item["unit"] = unit
    currency = (item["currency"] or line.default_currency).upper()
    if currency not in _CURRENCIES:
        line.error("HUB-CURRENCY-UNKNOWN", "currency", value=currency)
    item["currency"] = currency
    category = (item["vat_category"] or "S").upper()
    if category not in _TAX_CATEGORIES:
        line.error("HUB-VAT-CATEGORY-UNKNOWN", "vat_category", value=category)
    item["vat_category"] = category


def _classifications(line: _Line, item: dict) -> None:
    for name, scheme, pattern, expected in _CLASSIFICATIONS:
        value = item[name]
        if value and not pattern.match(value):
            line.error("HUB-CLASSIFICATION-INVALID", name, value=value, scheme=scheme, expected=expected)


def _numbers(line: _Line, item: dict) -> None:
    values = line.values
    for name in DECIMAL_FIELDS:
        value = values.get(name)
        if value is None or value == "":
            item[name] = None
        elif isinstance(value, str) and _PLAIN_NUMBER.match(value):
            item[name] = Decimal(value)  # the common case: 12.50
        else:
            item[name] = _careful_number(line, name, value)
    price = values.get("price")
    if price is None or (isinstance(price, str) and not price.strip()):
        line.error("HUB-PRICE-MISSING", "price")
    if item["base_quantity"] is None:
        item["base_quantity"] = ONE
    if item["vat_rate"] is None:
        item["vat_rate"] = DEFAULT_VAT


def _careful_number(line: _Line, name: str, value: object) -> Decimal | None:
    try:
        number = parse_decimal(value)
    except ValueError:
        line.error("HUB-NUMBER-INVALID", name, value=str(value))
        return None
    if number < 0:
        line.error("HUB-NUMBER-NEGATIVE", name, value=str(value))
    return number


def _lead_time(line: _Line, item: dict) -> None:
    lead = line.values.get("lead_time_days")
    item["lead_time_days"] = None
    if lead is None or lead == "":
        return
    try:
        days = parse_decimal(lead)
    except ValueError:
        line.error("HUB-NUMBER-INVALID", "lead_time_days", value=str(lead))
        return
    if line.values.get("lead_time_unit") == "WEE":
        days *= 7
    item["lead_time_days"] = int(days)
    if days < 0:
        line.error("HUB-NUMBER-NEGATIVE", "lead_time_days", value=str(lead))


def _dates(line: _Line, item: dict) -> None:
    for name in ("valid_from", "valid_to"):
        value = line.values.get(name)
        item[name] = None
        if value is not None and value != "":
            try:
                item[name] = parse_date(value)
            except ValueError:
                line.error("HUB-DATE-INVALID", name, value=str(value))
    if item["valid_from"] and item["valid_to"] and item["valid_to"] < item["valid_from"]:
        line.error("HUB-DATES-ORDER", "valid_to", start=item["valid_from"], end=item["valid_to"])


def _lists(line: _Line, item: dict) -> None:
    kind = line.kind
    for name in LIST_FIELDS:
        raw = line.values.get(name) or []
        values: list[object]
        if isinstance(raw, str):
            values = [part.strip() for part in re.split(r"[;,]", raw) if part.strip()]
        elif isinstance(raw, list | tuple):
            values = list(raw)
        else:
            values = [raw]  # one value where a list was expected: a list of one
        most, longest = LIST_LIMITS[name]
        if len(values) > most:
            line.error("HUB-LIST-TOO-LONG", name, count=len(values), limit=most)
        cleaned = []
        for value in values:
            entry = str(value)
            if not entry.isprintable() or (kind == "column" and entry.startswith(FORMULA_PREFIXES)):
                entry = _clean_text(entry, line.report, line.line, kind, line.where(name))
            if len(entry) > longest:
                line.error("HUB-VALUE-TOO-LONG", name, length=len(entry), limit=longest)
            cleaned.append(entry)
        item[name] = cleaned


def _action(line: _Line, item: dict) -> None:
    raw = line.raw
    if raw.action not in LINE_ACTIONS:
        line.report.error(
            "HUB-ACTION-UNKNOWN",
            line=line.line,
            **({line.kind: raw.action_where} if raw.action_where else {}),
            value=raw.action,
            expected=ACTION_WORDS_DISPLAY if line.kind == "column" else ", ".join(LINE_ACTIONS),
        )


# In this order: a line's messages come out field by field as the supplier reads the line.
ITEM_CONVERTERS = (_texts, _identity, _codes, _classifications, _numbers, _lead_time, _dates, _lists, _action)


def _clean_text(text: str, report: Report, line: int, kind: str, where: dict) -> str:
    """Refuse control characters (NUL included); remove invisible direction and zero-width characters;
    in sheets and CSV, warn about a value a spreadsheet program would run as a formula."""
    control = _CONTROL.search(text)
    if control:
        report.error("HUB-CONTROL-CHARACTER", line=line, value=f"U+{ord(control.group()):04X}", **where)
    invisible = sorted(set(_INVISIBLE.findall(text)))
    if invisible:
        report.warning(
            "HUB-INVISIBLE-REMOVED", line=line, value=", ".join(f"U+{ord(ch):04X}" for ch in invisible), **where
        )
        text = _INVISIBLE.sub("", text).strip()
    if kind == "column" and text.startswith(FORMULA_PREFIXES):
        report.warning("HUB-FORMULA-PREFIX", line=line, value=text[0], **where)
    return text


class _CodeList:
    """A code list loaded on first use (the rule file is read once per process)."""

    def __init__(self, loader) -> None:
        self._loader = loader
        self._codes: frozenset[str] | None = None

    def __contains__(self, code: str) -> bool:
        if self._codes is None:
            self._codes = self._loader()
        return code in self._codes


_UNITS = _CodeList(codelists.units)
_CURRENCIES = _CodeList(codelists.currencies)
_TAX_CATEGORIES = _CodeList(codelists.tax_categories)
_PLAIN_NUMBER = re.compile(r"^\d{1,12}(\.\d{1,6})?$")
ONE = Decimal("1")
DEFAULT_VAT = Decimal("25")
