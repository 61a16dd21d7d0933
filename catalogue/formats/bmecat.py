"""BMEcat 2005 catalogues (and the BMEcat 1.2 element names), read in one streaming pass.

    <BMECAT version="2005" xmlns="http://www.bmecat.org/bmecat/2005">
      <HEADER><CATALOG>…<CURRENCY>SEK</CURRENCY></CATALOG><SUPPLIER>…</SUPPLIER></HEADER>
      <T_NEW_CATALOG>
        <PRODUCT>                                   ARTICLE in 1.2
          <SUPPLIER_PID>P-1</SUPPLIER_PID>          SUPPLIER_AID in 1.2
          <PRODUCT_DETAILS><DESCRIPTION_SHORT>…</DESCRIPTION_SHORT>…</PRODUCT_DETAILS>
          <PRODUCT_ORDER_DETAILS><ORDER_UNIT>EA</ORDER_UNIT>…</PRODUCT_ORDER_DETAILS>
          <PRODUCT_PRICE_DETAILS><PRODUCT_PRICE price_type="net_customer">…</PRODUCT_PRICE></PRODUCT_PRICE_DETAILS>
        </PRODUCT>
      </T_NEW_CATALOG>
    </BMECAT>

Elements are matched by local name, so the 2005 namespace, the 1.2 one and none all read alike.
T_NEW_CATALOG is a complete catalogue (Peppol Replace); T_UPDATE_PRODUCTS changes some products
(Peppol Update) with mode="new|update|delete" per product. Parsing is as safe as the Peppol reader's:
no entities, no DTD, no network, and a DOCTYPE is refused before parsing starts.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urljoin

from lxml import etree

from catalogue import safe_xml
from catalogue.formats import xmlerrors
from catalogue.formats.base import CatalogueReader, Header, RawLine
from catalogue.report import SOURCE_FILE, Report

ROOT = "BMECAT"
TRANSACTIONS = {"T_NEW_CATALOG": "Replace", "T_UPDATE_PRODUCTS": "Update"}
UNSUPPORTED_TRANSACTIONS = ("T_UPDATE_PRICES", "T_NEW_PRODUCTDATA")
PRODUCT_TAGS = ("PRODUCT", "ARTICLE")
PRODUCT_MODES = {"": "Add", "new": "Add", "update": "Update", "delete": "Delete"}
# Preferred price types, best first: the buyer's own net price, then the net list price.
NET_PRICE_TYPES = ("net_customer", "net_list", "net_customer_exp", "nrp")
DETECT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?BMECAT[\s>]")
# Local name -> item field, for the elements that mean one thing wherever they are in a product.
SIMPLE_FIELDS = {
    "SUPPLIER_PID": "seller_item_id",
    "SUPPLIER_AID": "seller_item_id",
    "DESCRIPTION_SHORT": "name",
    "DESCRIPTION_LONG": "description",
    "MANUFACTURER_PID": "manufacturer_part_number",
    "MANUFACTURER_AID": "manufacturer_part_number",
    "MANUFACTURER_NAME": "manufacturer",
    "EAN": "gtin",
    "DELIVERY_TIME": "lead_time_days",
    "ORDER_UNIT": "unit",
    "NO_CU_PER_OU": "pack_size",
    "PRICE_QUANTITY": "base_quantity",
    "QUANTITY_MIN": "min_order_quantity",
}


def is_bmecat(head: bytes) -> bool:
    """True when the first bytes hold a BMECAT root element."""
    return DETECT.search(head) is not None


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child.tag) == name]


def _path(element: etree._Element, product: etree._Element) -> str:
    names = []
    while element is not None and element is not product:
        names.append(_local(element.tag))
        element = element.getparent()
    return "/".join([_local(product.tag), *reversed(names)])


def _percent(tax: str) -> str:
    """BMEcat's TAX is a factor (0.25); the hub's VAT rate is a percentage (25)."""
    try:
        factor = Decimal(tax)
    except InvalidOperation:
        return tax  # hub_rules reports it as not a number
    return str((factor * 100).normalize()) if factor <= 1 else tax


class BmecatReader(CatalogueReader):
    format = "bmecat"

    def __init__(self, path: Path, report: Report, **_options) -> None:
        super().__init__(path, report)
        self.ok = True
        self.currency = ""
        self.mime_root = ""

    def _prolog_ok(self) -> bool:
        with open(self.path, "rb") as handle:
            head = handle.read(65536)
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            for marker in ("<!DOCTYPE", "<!ENTITY"):
                position = head.find(marker.encode(encoding))
                if position >= 0:
                    self.report.error("BMECAT-DOCTYPE", source=SOURCE_FILE, line=1 + head[:position].count(b"\n"))
                    return False
        return True

    def _read_header(self, element: etree._Element, root: etree._Element) -> Header:
        catalog = _child(element, "CATALOG")
        supplier = _child(element, "SUPPLIER")
        header = Header(line=root.sourceline)
        if catalog is not None:
            header.document_id = _text(_child(catalog, "CATALOG_ID"))
            header.name = _text(_child(catalog, "CATALOG_NAME"))
            self.currency = _text(_child(catalog, "CURRENCY"))
            self.mime_root = _text(_child(catalog, "MIME_ROOT"))
            for when in _children(catalog, "DATETIME"):
                if when.get("type") == "generation_date":
                    header.issue_date = _text(_child(when, "DATE"))
        if supplier is not None:
            header.provider_name = _text(_child(supplier, "SUPPLIER_NAME"))
            header.provider_ids = [(i.get("type", ""), _text(i)) for i in _children(supplier, "SUPPLIER_ID")]
        agreement = _child(element, "AGREEMENT")
        if agreement is not None:
            header.contract_id = _text(_child(agreement, "AGREEMENT_ID"))
        return header

    def _price(self, product: etree._Element, raw: RawLine) -> None:
        details = [e for e in product.iter() if _local(e.tag) in ("PRODUCT_PRICE_DETAILS", "ARTICLE_PRICE_DETAILS")]
        if not details:
            return
        price_details = details[0]
        prices = [e for e in price_details if _local(e.tag) in ("PRODUCT_PRICE", "ARTICLE_PRICE")]
        for when in _children(price_details, "DATETIME"):
            field = {"valid_start_date": "valid_from", "valid_end_date": "valid_to"}.get(when.get("type", ""))
            date = _child(when, "DATE")
            if field and date is not None:
                raw.values[field] = _text(date)
                raw.where[field] = _path(date, product)
        if not prices:
            return

        def rank(price: etree._Element) -> tuple[int, Decimal]:
            kind = price.get("price_type", "")
            preference = NET_PRICE_TYPES.index(kind) if kind in NET_PRICE_TYPES else len(NET_PRICE_TYPES)
            try:
                bound = Decimal(_text(_child(price, "LOWER_BOUND")) or "1")
            except InvalidOperation:
                bound = Decimal(1)
            return preference, bound  # the single-unit price of the best type (scale prices come later)

        chosen = min(prices, key=rank)
        kind = chosen.get("price_type", "")
        if kind not in NET_PRICE_TYPES:
            self.report.warning("BMECAT-PRICE-TYPE", source=SOURCE_FILE, line=chosen.sourceline, value=kind or "–")
        for name, field in (("PRICE_AMOUNT", "price"), ("PRICE_CURRENCY", "currency"), ("TAX", "vat_rate")):
            element = _child(chosen, name)
            if element is not None and _text(element):
                raw.values[field] = _percent(_text(element)) if field == "vat_rate" else _text(element)
                raw.where[field] = _path(element, product)

    def _raw_line(self, product: etree._Element, header_action: str) -> RawLine:
        raw = RawLine(line=product.sourceline or 0, action_where=f"{_local(product.tag)}/@mode")
        mode = product.get("mode", "").strip()
        if header_action == "Update":
            raw.action = PRODUCT_MODES.get(mode, mode)
        found = _ProductElements(product, raw, self.mime_root)
        for element in product.iter():
            name = _local(element.tag)
            field = SIMPLE_FIELDS.get(name)
            if field is not None:
                found.first(field, element)
                continue
            read = _ELEMENT_READERS.get(name)
            if read is not None:
                read(found, element)
        self._price(product, raw)
        if "currency" not in raw.values and self.currency:
            raw.values["currency"] = self.currency
            raw.where["currency"] = "HEADER/CATALOG/CURRENCY"
        raw.values["keywords"] = found.keywords
        raw.values["image_urls"] = found.images
        return raw

    def lines(self) -> Iterator[RawLine]:
        if not self._prolog_ok():
            self.ok = False
            return
        tags = ["{*}HEADER", "{*}" + ROOT]
        tags += ["{*}" + name for name in (*TRANSACTIONS, *UNSUPPORTED_TRANSACTIONS, *PRODUCT_TAGS)]
        handle = open(self.path, "rb")  # noqa: SIM115 - closed in finally; the position drives progress
        self._root: etree._Element | None = None
        self._transaction = ""
        self._read_head: Header | None = None
        try:
            context = safe_xml.iterparse(handle, events=("start", "end"), tag=tags)
            for event, element in context:
                name = _local(element.tag)
                if event == "start":
                    if not self._start(element, name):
                        return
                elif name == "HEADER" and self._root is not None:  # (a HEADER ends inside the root)
                    self._read_head = self._read_header(element, self._root)
                    element.clear()
                elif name in PRODUCT_TAGS and self._is_catalogue_line(element):
                    yield self._raw_line(element, TRANSACTIONS[self._transaction])
                    _drop_read(element)
                    self.bytes_done = handle.tell()
            self._check_complete()
        except etree.XMLSyntaxError as exc:
            self.ok = False
            self._syntax_error(exc)
        finally:
            self.bytes_done = self.bytes_total
            handle.close()

    def _start(self, element: etree._Element, name: str) -> bool:
        """The root and the transaction as they open; False (reported) when the file is not one the hub reads."""
        if self._root is None:
            if name != ROOT:
                self.report.error("BMECAT-NOT-CATALOGUE", source=SOURCE_FILE, line=element.sourceline)
                self.ok = False
                return False
            self._root = element
            return True
        if name in UNSUPPORTED_TRANSACTIONS:
            self.report.error("BMECAT-TRANSACTION", source=SOURCE_FILE, line=element.sourceline, value=name)
            self.ok = False
            return False
        if name in TRANSACTIONS:
            self._transaction = name
            header = self._read_head or Header(line=self._root.sourceline)
            header.action = TRANSACTIONS[name]
            self.header = self._read_head = header
        return True

    def _is_catalogue_line(self, product: etree._Element) -> bool:
        """A PRODUCT right inside the transaction; one nested elsewhere (e.g. a reference) is not a line."""
        parent = product.getparent()
        return bool(self._transaction) and parent is not None and _local(parent.tag) == self._transaction

    def _check_complete(self) -> None:
        if self._root is None:
            self.report.error("BMECAT-NOT-CATALOGUE", source=SOURCE_FILE, line=1)
            self.ok = False
        elif not self._transaction:
            self.report.error("BMECAT-TRANSACTION", source=SOURCE_FILE, line=self._root.sourceline, value="–")
            self.ok = False

    def _syntax_error(self, exc: etree.XMLSyntaxError) -> None:
        message = str(getattr(exc, "msg", exc))
        if "encoding" in message.lower() or "char out of range" in message.lower():
            xmlerrors.report_encoding_error(self.report, exc)
        else:
            xmlerrors.report_syntax_error(self.report, exc)


def _drop_read(product: etree._Element) -> None:
    """Drop what has been read, so memory stays flat whatever the file size."""
    product.clear()
    while product.getprevious() is not None:
        del product.getparent()[0]


@dataclasses.dataclass(slots=True)
class _ProductElements:
    """What one product's elements give, gathered in document order: the first of each field counts."""

    product: etree._Element
    raw: RawLine
    mime_root: str
    keywords: list[str] = dataclasses.field(default_factory=list)
    images: list[str] = dataclasses.field(default_factory=list)
    classification_system: str = ""

    def first(self, name: str, element: etree._Element) -> None:
        if name not in self.raw.values and _text(element):
            self.raw.values[name] = _text(element)
            self.raw.where[name] = _path(element, self.product)

    def gtin(self, element: etree._Element) -> None:
        """INTERNATIONAL_PID of type GTIN (or EAN); other types are other numbering systems."""
        if element.get("type", "").lower() in ("gtin", "ean") and "gtin" not in self.raw.values:
            self.raw.values["gtin"] = _text(element)
            self.raw.where["gtin"] = _path(element, self.product)

    def keyword(self, element: etree._Element) -> None:
        if _text(element):
            self.keywords.append(_text(element))

    def feature_system(self, element: etree._Element) -> None:
        """REFERENCE_FEATURE_SYSTEM_NAME says which code list the group IDs after it belong to."""
        self.classification_system = _text(element).upper()

    def feature_group(self, element: etree._Element) -> None:
        """REFERENCE_FEATURE_GROUP_ID: a UNSPSC or CPV code by the system named before it."""
        system = self.classification_system
        name = "unspsc" if system.startswith("UNSPSC") else "cpv" if system.startswith("CPV") else None
        if name and name not in self.raw.values:
            self.raw.values[name] = _text(element)
            self.raw.where[name] = _path(element, self.product)

    def mime(self, element: etree._Element) -> None:
        image = _image(element, self.mime_root)
        if image:
            self.images.append(image)


# Local name -> reader, for the elements whose meaning depends on an attribute or on what came before.
_ELEMENT_READERS: dict[str, Callable[[_ProductElements, etree._Element], None]] = {
    "INTERNATIONAL_PID": _ProductElements.gtin,
    "KEYWORD": _ProductElements.keyword,
    "REFERENCE_FEATURE_SYSTEM_NAME": _ProductElements.feature_system,
    "REFERENCE_FEATURE_GROUP_ID": _ProductElements.feature_group,
    "MIME": _ProductElements.mime,
}


def _image(mime: etree._Element, mime_root: str) -> str:
    """The product picture (purpose normal), as an absolute URL when MIME_ROOT gives one."""
    kind = _text(_child(mime, "MIME_TYPE")).lower()
    purpose = _text(_child(mime, "MIME_PURPOSE")).lower()
    source = _text(_child(mime, "MIME_SOURCE"))
    if not source or (kind and not kind.startswith("image/")) or purpose not in ("", "normal"):
        return ""
    if "://" not in source and mime_root.startswith(("http://", "https://")):
        return urljoin(mime_root.rstrip("/") + "/", source)
    return source
