"""Peppol BIS Catalogue 3 (T19), read in one streaming pass.

XXE-safe: entities are never resolved, no DTD is loaded, nothing is fetched (a DOCTYPE is refused
outright; a schemaLocation is reported, never followed). While lines stream by, they are moved into
self-contained chunk documents (the header plus N lines), handed to the pipeline's chunk check (the
UBL 2.1 XSD, catalogue.validation.schema) and written to disk for the official rules, so memory stays
bounded whatever the file size. The reader itself checks nothing.
"""

from __future__ import annotations

import copy
import datetime
import re
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from catalogue import safe_xml
from catalogue.formats import xmlerrors
from catalogue.formats.base import CatalogueReader, Chunk, Header, RawLine
from catalogue.report import SOURCE_FILE, Issue, Report

UBL_CATALOGUE = "urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS = {"cac": CAC, "cbc": CBC}
ROOT_TAG = f"{{{UBL_CATALOGUE}}}Catalogue"
LINE_TAG = f"{{{CAC}}}CatalogueLine"

CUSTOMIZATION_ID = "urn:fdc:peppol.eu:poacc:trns:catalogue:3"
PROFILE_IDS = (
    "urn:fdc:peppol.eu:poacc:bis:catalogue_only:3",
    "urn:fdc:peppol.eu:poacc:bis:catalogue_wo_response:3",
)
GTIN_SCHEME = "0160"
# Run on each chunk document in the chunk thread: the pipeline passes catalogue.validation.schema.XsdCheck.
ChunkCheck = Callable[[etree._Element], list[Issue]]  # noqa: SLF001 (lxml's element type has no public name)
DEFAULT_CHUNK_LINES = 500

# Item field -> path under cac:CatalogueLine (first match).
_PRICE = "cac:RequiredItemLocationQuantity/cac:Price"
FIELD_PATHS = {
    "seller_item_id": "cac:Item/cac:SellersItemIdentification/cbc:ID",
    "name": "cac:Item/cbc:Name",
    "description": "cac:Item/cbc:Description",
    "manufacturer_part_number": "cac:Item/cac:ManufacturersItemIdentification/cbc:ID",
    "manufacturer": "cac:Item/cac:ManufacturerParty/cac:PartyName/cbc:Name",
    "price": f"{_PRICE}/cbc:PriceAmount",
    "base_quantity": f"{_PRICE}/cbc:BaseQuantity",
    "vat_category": "cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
    "vat_rate": "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent",
    "min_order_quantity": "cbc:MinimumOrderQuantity",
    "max_order_quantity": "cbc:MaximumOrderQuantity",
    "pack_size": "cac:Item/cbc:PackSizeNumeric",
    "lead_time_days": "cac:RequiredItemLocationQuantity/cbc:LeadTimeMeasure",
    "valid_from": "cac:LineValidityPeriod/cbc:StartDate",
    "valid_to": "cac:LineValidityPeriod/cbc:EndDate",
    "unit": "cbc:OrderableUnit",
}


def _c(prefixed: str) -> str:
    prefix, _, local = prefixed.partition(":")
    return f"{{{NS[prefix]}}}{local}"


def _key(path: str) -> tuple[str, str]:
    parts = ["cac:CatalogueLine", *path.split("/")]
    return (_c(parts[-2]), _c(parts[-1]))


_FIELD_BY_KEY = {_key(path): name for name, path in FIELD_PATHS.items()}
_LINE_ACTION = _key("cbc:ActionCode")
_KEYWORD = _key("cac:Item/cbc:Keyword")
_LABEL = _key("cac:Item/cac:Certificate/cbc:ID")
_IMAGE_URI = _key("cac:Attachment/cac:ExternalReference/cbc:URI")
_CLASSIFICATION_PATH = "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode"
_CLASSIFICATION = _key(_CLASSIFICATION_PATH)
_CLASSIFICATION_FIELDS = {"TST": "unspsc", "STI": "cpv"}
_STANDARD_ID_PATH = "cac:Item/cac:StandardItemIdentification/cbc:ID"
_STANDARD_ID = _key(_STANDARD_ID_PATH)
_PARTY_NAME = _key("cac:PartyName/cbc:Name")
_MANUFACTURER_PARTY = _c("cac:ManufacturerParty")
_ID_TAG = _c("cbc:ID")
_KEYWORDS_FIELD, _IMAGES_FIELD, _CLASSIFICATION_FIELD = "keywords", "image_urls", "classification"
_LABELS_FIELD = "eco_labels"
_CURRENCY_PATH = f"{FIELD_PATHS['price']}/@currencyID"
# Tags that mean one thing wherever they sit in a catalogue line.
_BY_TAG = {
    _c("cbc:OrderableUnit"): "unit",
    _c("cbc:MinimumOrderQuantity"): "min_order_quantity",
    _c("cbc:MaximumOrderQuantity"): "max_order_quantity",
    _c("cbc:PackSizeNumeric"): "pack_size",
    _c("cbc:LeadTimeMeasure"): "lead_time_days",
    _c("cbc:Percent"): "vat_rate",
    _c("cbc:Keyword"): _KEYWORDS_FIELD,
    _c("cbc:URI"): _IMAGES_FIELD,
    _c("cbc:ItemClassificationCode"): _CLASSIFICATION_FIELD,
}
_WANTED_TAGS = tuple(
    sorted(
        {key[1] for key in (*_FIELD_BY_KEY, _LINE_ACTION, _KEYWORD, _LABEL, _IMAGE_URI, _CLASSIFICATION, _STANDARD_ID)}
    )
)
_BASE_QUANTITY = etree.ETXPath(f"{{{CAC}}}RequiredItemLocationQuantity/{{{CAC}}}Price/{{{CBC}}}BaseQuantity/@unitCode")


def base_unit_of(element: etree._Element) -> str:
    found = _BASE_QUANTITY(element)
    return str(found[0]) if found else ""


def _has_doctype(head: bytes) -> bool:
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        if "<!DOCTYPE".encode(encoding) in head or "<!ENTITY".encode(encoding) in head:
            return True
    return False


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


class PeppolReader(CatalogueReader):
    format = "peppol"

    def __init__(
        self,
        path: Path,
        report: Report,
        *,
        chunk_lines: int = DEFAULT_CHUNK_LINES,
        chunk_dir: Path | None = None,
        chunk_check: ChunkCheck | None = None,
        write_chunks: bool = True,
    ) -> None:
        """`chunk_check` runs on every chunk document in the chunk thread (the pipeline passes the XSD)."""
        super().__init__(path, report)
        self.chunk_lines = max(1, chunk_lines)
        self.chunk_dir = Path(chunk_dir) if chunk_dir else Path(tempfile.mkdtemp(prefix="catalogue-chunks-"))
        self.chunk_check = chunk_check
        self.write_chunks = write_chunks
        self.ok = True
        self._chunk_issues_seen: set[tuple] = set()
        self._header_children: list[etree._Element] = []

    # -- the header ---------------------------------------------------------------------------------
    def _prolog_ok(self) -> bool:
        with open(self.path, "rb") as handle:
            head = handle.read(65536)
        # The prolog ends where the root element starts; a DOCTYPE can only come before it.
        if _has_doctype(head):
            self.report.error("XML-DOCTYPE", source=SOURCE_FILE, line=1 + head[: head.find(b"<!")].count(b"\n"))
            return False
        return True

    def _read_header(self, root: etree._Element, children: list[etree._Element]) -> Header:
        header = Header(line=root.sourceline)

        def first(path: str) -> etree._Element | None:
            head, _, rest = path.partition("/")
            for child in children:
                if child.tag == _clark(head):
                    return child.find(rest, NS) if rest else child
            return None

        header.customization_id = _text(first("cbc:CustomizationID"))
        header.profile_id = _text(first("cbc:ProfileID"))
        header.document_id = _text(first("cbc:ID"))
        header.name = _text(first("cbc:Name"))
        header.issue_date = _text(first("cbc:IssueDate"))
        action = _text(first("cbc:ActionCode"))
        header.action = action or "Replace"
        header.contract_id = _text(first("cac:ReferencedContract/cbc:ID"))
        header.valid_from = _date(_text(first("cac:ValidityPeriod/cbc:StartDate")))
        header.valid_to = _date(_text(first("cac:ValidityPeriod/cbc:EndDate")))
        for attr, role in (("provider", "cac:ProviderParty"), ("receiver", "cac:ReceiverParty")):
            party = first(role)
            if party is None:
                continue
            ids = []
            for path in ("cbc:EndpointID", "cac:PartyIdentification/cbc:ID", "cac:PartyLegalEntity/cbc:CompanyID"):
                for element in party.iterfind(path, NS):
                    ids.append((element.get("schemeID", ""), _text(element)))
            setattr(header, f"{attr}_ids", ids)
            setattr(
                header,
                f"{attr}_name",
                _text(party.find("cac:PartyLegalEntity/cbc:RegistrationName", NS))
                or _text(party.find("cac:PartyName/cbc:Name", NS)),
            )
        return header

    # -- lines --------------------------------------------------------------------------------------
    def _raw_line(self, element: etree._Element) -> RawLine:
        """One pass over the line's interesting elements (filtered in C).

        Tags that mean one thing anywhere in a line map straight to a field; the ambiguous ones
        (cbc:ID, cbc:Name, prices, dates) are told apart by their parent.
        """
        raw = RawLine(line=element.sourceline or 0, action_where="cac:CatalogueLine/cbc:ActionCode")
        values = raw.values
        lists: dict[str, list[str]] = {_KEYWORDS_FIELD: [], _LABELS_FIELD: [], _IMAGES_FIELD: []}
        for node in element.iter(*_WANTED_TAGS):
            name = _BY_TAG.get(node.tag)
            if name is None:
                name = _field_by_parent(raw, element, node, lists)
                if name is None:
                    continue
            elif name in lists:
                _add_text(lists[name], node)
                continue
            elif name == _CLASSIFICATION_FIELD:
                _read_classification(raw, node)
                continue
            if name in values:
                continue  # a later repeat: the first one counts
            values[name] = (node.text or "").strip()
            raw.where[name] = FIELD_PATHS[name]
            attributes = _ATTRIBUTE_READERS.get(name)
            if attributes is not None:
                attributes(raw, node)
        if "unit" not in values and "base_quantity" in values:
            _unit_from_base_quantity(raw, element)
        values.update(lists)
        return raw

    def lines(self) -> Iterator[RawLine]:
        if not self._prolog_ok():
            self.ok = False
            return
        handle = open(self.path, "rb")  # noqa: SIM115 - closed in finally; the position drives progress
        # Chunks are validated and written in a second thread: lxml releases the GIL for both, so that
        # work runs beside the parsing and the line mapping instead of after them.
        self._chunk_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalogue-chunk")
        self._pending_chunk: Future | None = None
        self._pending_first_index = 1
        try:
            if self._peek_root(handle):
                handle.seek(0)
                yield from self._stream(handle)
        except etree.XMLSyntaxError as exc:
            self.ok = False
            self._syntax_error(exc)
        finally:
            self._chunk_thread.shutdown(wait=True)
            if self._pending_chunk is not None and self._pending_chunk.done():
                self._collect_chunk()
            self.bytes_done = self.bytes_total
            handle.close()

    def _stream(self, handle: BinaryIO) -> Iterator[RawLine]:
        """The one pass: each catalogue line out as a RawLine, then moved into the open chunk."""
        # Only the catalogue lines raise events (filtered in C); the header builds up on the root.
        context = safe_xml.iterparse(handle, events=("start", "end"), tag=LINE_TAG)
        root = None
        chunk: _OpenChunk | None = None
        total = 0
        for event, element in context:
            if event == "start":
                if root is None:
                    root = element.getparent()
                    self._take_header(root)
                continue
            if element.getparent() is not root:
                continue  # a CatalogueLine nested somewhere else is not a catalogue line
            total += 1
            yield self._raw_line(element)
            if chunk is None:
                chunk = self._open_chunk(root, first_index=total)
            chunk.add(element)
            if chunk.line_count >= self.chunk_lines:
                self._close_chunk(chunk, root)
                chunk = None
                self.bytes_done = handle.tell()
        self._finish(context.root if root is None else root, chunk, total)

    def _take_header(self, root: etree._Element) -> None:
        # The parser reads ahead: later lines may already hang off the root, so the header is copied.
        self._header_children = [copy.deepcopy(c) for c in root if c.tag != LINE_TAG]
        self.header = self._read_header(root, self._header_children)

    def _finish(self, root: etree._Element | None, chunk: _OpenChunk | None, total: int) -> None:
        """The last chunk; a file without lines still gets its header read and one chunk for the official rules."""
        if root is None:
            return
        if self.header is None:
            self._take_header(root)
        if chunk is None and total == 0:
            chunk = self._open_chunk(root, first_index=1)
        if chunk is not None:
            self._close_chunk(chunk, root)
        self._collect_chunk()

    def _peek_root(self, handle) -> bool:
        """Check the root element (and that there is no DOCTYPE) before the long pass."""
        try:
            for _event, element in safe_xml.iterparse(handle, events=("start",)):
                return self._root_ok(element)
        except etree.XMLSyntaxError as exc:
            self.ok = False
            self._syntax_error(exc)
            return False
        self.report.error("FILE-EMPTY", source=SOURCE_FILE)
        return False

    def _root_ok(self, root: etree._Element) -> bool:
        if root.getroottree().docinfo.doctype:
            self.report.error("XML-DOCTYPE", source=SOURCE_FILE, line=1)
            self.ok = False
            return False
        if root.tag != ROOT_TAG:
            self.report.error("XML-NOT-CATALOGUE", source=SOURCE_FILE, line=root.sourceline, root=root.tag)
            self.ok = False
            return False
        location = root.get(f"{{{XSI}}}schemaLocation") or root.get(f"{{{XSI}}}noNamespaceSchemaLocation")
        if location:
            self.report.error(
                "XML-SCHEMALOCATION",
                source=SOURCE_FILE,
                line=root.sourceline,
                element="@xsi:schemaLocation",
                value=location[:200],
            )
        return True

    def _syntax_error(self, exc: etree.XMLSyntaxError) -> None:
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        line = exc.lineno if getattr(exc, "lineno", None) else None
        lowered = message.lower()
        if "encoding" in lowered or "utf-8" in lowered or "char out of range" in lowered:
            xmlerrors.report_encoding_error(self.report, exc)
        elif ("entity" in lowered or "doctype" in lowered) and not xmlerrors.is_bare_ampersand(exc):
            self.report.error("XML-DOCTYPE", source=SOURCE_FILE, line=line)
        elif "document is empty" in lowered or ("start tag expected" in lowered and self.bytes_total == 0):
            self.report.error("FILE-EMPTY", source=SOURCE_FILE)
        else:
            xmlerrors.report_syntax_error(self.report, exc)

    # -- chunks -------------------------------------------------------------------------------------
    def _open_chunk(self, root: etree._Element, first_index: int) -> _OpenChunk:
        """A new chunk document: the root's attributes and namespaces, a copy of the header, no lines yet."""
        chunk_root = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=root.nsmap)
        chunk_root.text = root.text
        for child in self._header_children:
            chunk_root.append(copy.deepcopy(child))
        return _OpenChunk(chunk_root, [c.sourceline or 0 for c in self._header_children], first_index)

    def _close_chunk(self, chunk: _OpenChunk, root: etree._Element) -> None:
        """Hand a finished chunk to the chunk thread; its check's issues join the report one chunk later."""
        self._collect_chunk()
        path = None
        if self.write_chunks:
            path = self.chunk_dir / f"chunk-{len(self.chunks) + 1:06d}.xml"
            self.chunks.append(
                Chunk(str(path), tuple(chunk.child_lines), chunk.first_index, chunk.line_count, root.sourceline or 1)
            )
        # From here on only the chunk thread touches the chunk's root (a document of its own).
        self._pending_chunk = self._chunk_thread.submit(_check_and_write, chunk.root, path, self.chunk_check)
        self._pending_first_index = chunk.first_index

    def _collect_chunk(self) -> None:
        """Wait for the chunk in the thread and report its check's issues (header issues only once)."""
        pending, self._pending_chunk = self._pending_chunk, None
        if pending is None:
            return
        for issue in pending.result():
            key = (issue.line, issue.code, issue.params.get("detail"))
            if key in self._chunk_issues_seen:
                continue  # header issues repeat in every chunk
            self._chunk_issues_seen.add(key)
            issue.element = _whole_file_path(issue.element, self._pending_first_index)
            self.report.append(issue)


@dataclass(slots=True)
class _OpenChunk:
    """The chunk document that lines are moved into until it holds chunk_lines of them."""

    root: etree._Element
    child_lines: list[int]  # source line of each top-level child: the header's, then each line's
    first_index: int  # 1-based position of its first CatalogueLine in the whole file
    line_count: int = 0

    def add(self, line: etree._Element) -> None:
        self.child_lines.append(line.sourceline or 0)
        self.root.append(line)  # moves it out of the parse tree, so memory stays flat
        self.line_count += 1


# -- one catalogue line's elements, told apart ------------------------------------------------------
def _field_by_parent(
    raw: RawLine, line: etree._Element, node: etree._Element, lists: dict[str, list[str]]
) -> str | None:
    """The field of an ambiguous tag (cbc:ID, cbc:Name, prices, dates) by its parent; None when there is none
    to store: the GTIN, an eco label and the line's action are taken here, and misplaced tags are skipped."""
    parent = node.getparent()
    tag = node.tag
    name = _FIELD_BY_KEY.get((parent.tag, tag))
    if name is None:
        if tag == _ID_TAG and parent.tag == _STANDARD_ID[0]:
            _read_gtin(raw, node)
        elif tag == _ID_TAG and parent.tag == _LABEL[0]:
            _add_text(lists[_LABELS_FIELD], node)
        elif parent is line and tag == _LINE_ACTION[1]:
            raw.action = (node.text or "").strip() or "Add"
        return None
    if name == "manufacturer" and parent.getparent().tag != _MANUFACTURER_PARTY:
        return None  # a Name in another party
    if parent.tag == LINE_TAG and parent is not line:
        return None  # a CatalogueLine nested in this one
    return name


def _add_text(texts: list[str], node: etree._Element) -> None:
    text = (node.text or "").strip()
    if text:
        texts.append(text)


def _read_gtin(raw: RawLine, node: etree._Element) -> None:
    """The first standard item ID in the GTIN scheme; other schemes are not GTINs."""
    if node.get("schemeID") == GTIN_SCHEME and "gtin" not in raw.values:
        raw.values["gtin"] = (node.text or "").strip()
        raw.where["gtin"] = _STANDARD_ID_PATH


def _read_classification(raw: RawLine, node: etree._Element) -> None:
    """The first UNSPSC (listID TST) and the first CPV (STI) code; other lists are not kept."""
    name = _CLASSIFICATION_FIELDS.get(node.get("listID", ""))
    if name and name not in raw.values:
        raw.values[name] = (node.text or "").strip()
        raw.where[name] = _CLASSIFICATION_PATH


def _read_currency(raw: RawLine, price: etree._Element) -> None:
    raw.values["currency"] = price.get("currencyID", "")
    raw.where["currency"] = _CURRENCY_PATH


def _read_lead_time_unit(raw: RawLine, lead_time: etree._Element) -> None:
    raw.values["lead_time_unit"] = lead_time.get("unitCode", "DAY")


# Fields whose element carries a second value in an attribute.
_ATTRIBUTE_READERS: dict[str, Callable[[RawLine, etree._Element], None]] = {
    "price": _read_currency,
    "lead_time_days": _read_lead_time_unit,
}


def _unit_from_base_quantity(raw: RawLine, line: etree._Element) -> None:
    """No OrderableUnit: the unit code of the price's base quantity stands in."""
    unit = base_unit_of(line)
    if unit:
        raw.values["unit"] = unit
        raw.where["unit"] = f"{FIELD_PATHS['base_quantity']}/@unitCode"


_CHUNK_LINE_STEP = re.compile(r"^(/\*/(?:[\w.-]+:)?CatalogueLine\[)(\d+)(\])")


def _whole_file_path(path: str | None, first_index: int) -> str | None:
    """A chunk's /*/cac:CatalogueLine[n] as the line's position in the whole file."""
    if not path:
        return path
    return _CHUNK_LINE_STEP.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + first_index - 1}{m.group(3)}", path)


def _check_and_write(chunk_root: etree._Element, path: Path | None, check: ChunkCheck | None) -> list[Issue]:
    """The check's issues for one chunk (paths relative to the chunk); writes the chunk file when given a path."""
    issues = check(chunk_root) if check is not None else []
    if path is not None:
        etree.ElementTree(chunk_root).write(str(path), xml_declaration=True, encoding="UTF-8")
    return issues


def _clark(prefixed: str) -> str:
    prefix, _, local = prefixed.partition(":")
    return f"{{{NS[prefix]}}}{local}"


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None
