"""cXML Catalog Interchange Format (CIF) 3.0, Ariba's comma-separated catalogue text format.

A CIF file is a header, a data section and a trailer:

    CIF_I_V3.0
    CHARSET: UTF-8
    LOADMODE: F                      F full (replaces the catalogue), I incremental (merges, may delete)
    CODEFORMAT: UNSPSC
    CURRENCY: SEK                    default for rows without a Currency value
    UNUOM: TRUE                      units are UN/ECE Rec 20 codes
    ITEMCOUNT: 2
    FIELDNAMES: Supplier ID,Supplier Part ID,Item Description,SPSC Code,Unit Price,Unit of Measure
    DATA
    5560160680,"P-1","Kopieringspapper A4",14111507,54.90,PK
    ENDOFDATA

Rows are read with the csv module (double-quote quoting, values may span lines). A full load maps
to the Peppol header action Replace and an incremental one to Update, with the Delete field as the
line action Delete, so catalogue.intake.lines treats both formats alike.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import re
from collections.abc import Iterator
from pathlib import Path

from catalogue.formats.base import CatalogueReader, Header, RawLine
from catalogue.report import SOURCE_FILE, Report

SIGNATURE = "CIF_I_V"
VERSION = "3.0"
DEFAULT_CHARSET = "UTF-8"
LOAD_MODES = {"F": "Replace", "FULL": "Replace", "I": "Update", "INCREMENTAL": "Update"}
HEADER_KEYS = frozenset(
    {
        "CHARSET",
        "LOADMODE",
        "CODEFORMAT",
        "CURRENCY",
        "SUPPLIERID_DOMAIN",
        "ITEMCOUNT",
        "TIMESTAMP",
        "UNUOM",
        "COMMENTS",
        "FIELDNAMES",
        "DUNS",
    }
)
# CIF field name -> CatalogueItem field (raw value, checked by hub_rules like every other format).
FIELDS: dict[str, str] = {
    "supplier part id": "seller_item_id",
    "manufacturer part id": "manufacturer_part_number",
    "item description": "description",
    "short name": "name",
    "spsc code": "unspsc",
    "unit price": "price",
    "unit of measure": "unit",
    "lead time": "lead_time_days",
    "manufacturer name": "manufacturer",
    "currency": "currency",
    "expiration date": "valid_to",
    "effective date": "valid_from",
    "keywords": "keywords",
    "minimum quantity": "min_order_quantity",
    "price unit quantity": "base_quantity",
}
# Read for their structure but not used by the hub.
SPECIAL_FIELDS = frozenset({"supplier id", "classification codes", "delete", "image", "thumbnail"})
IGNORED_FIELDS = frozenset(
    {
        "supplier url",
        "manufacturer url",
        "market price",
        "supplier part auxiliary id",
        "language",
        "territory available",
        "parametric name",
        "parametric data",
        "hazardous materials",
        "punchout enabled",
        "supplier id domain",
        "price unit",
        "unit conversion",
        "price unit quantity description",
        "green",
        "is partial item",
        "default relevance",
        "quantity interval",
    }
)
REQUIRED_FIELDS = ("Supplier Part ID", "Item Description", "Unit Price")
TRUE_VALUES = frozenset({"TRUE", "T", "YES", "Y", "1"})
FALSE_VALUES = frozenset({"FALSE", "F", "NO", "N", "0", ""})
CLASSIFICATION_DOMAINS = {"unspsc": "unspsc", "spsc": "unspsc", "cpv": "cpv"}
_JAVA_ISO8859 = re.compile(r"^(?:ISO)?[-_]?8859[-_]?(\d{1,2})$", re.IGNORECASE)


def codec_for(charset: str) -> str | None:
    """Python codec for a CIF CHARSET (Java names such as 8859_1 and Cp1252 are common), or None."""
    name = charset.strip()
    match = _JAVA_ISO8859.match(name)
    if match:
        name = f"iso8859_{match.group(1)}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def _short_name(description: str, limit: int = 255) -> str:
    """A name from the description when there is no Short Name; the description itself stays whole."""
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    if len(first_line) <= limit:
        return first_line
    cut = first_line[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _read_classification_codes(raw: RawLine, value: str, label: str) -> None:
    """Classification Codes: domain:value pairs ("unspsc:14111507 cpv:30197630-1"); the first of each counts."""
    for part in re.split(r"[\s;]+", value):
        domain, _colon, code = part.partition(":")
        field = CLASSIFICATION_DOMAINS.get(domain.strip().casefold())
        if field and code and field not in raw.values:
            raw.values[field] = code.strip()
            raw.where[field] = label


def _date(value: str) -> str:
    """CIF dates may carry a time ('2026-12-31 00:00:00'); hub_rules wants the date."""
    text = value.strip()
    if len(text) > 10 and text[10] in "T ":
        try:
            return datetime.datetime.fromisoformat(text).date().isoformat()
        except ValueError:
            return text
    return text


class CifReader(CatalogueReader):
    format = "cif"

    def __init__(self, path: Path, report: Report, **_options) -> None:
        super().__init__(path, report)
        self.attributes: dict[str, str] = {}
        self.codec = codecs.lookup(DEFAULT_CHARSET).name
        self.ok = True
        self.row_action = "Add"

    # --- decoding ---------------------------------------------------------------------------

    def _text_lines(self, handle) -> Iterator[tuple[int, str]]:
        """(line number, text) in the declared CHARSET, which may change after the CHARSET line."""
        for number, raw in enumerate(handle, start=1):
            self.bytes_done += len(raw)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield number, raw.decode(self.codec)
            except UnicodeDecodeError as exc:
                self.report.error(
                    "FILE-ENCODING",
                    source=SOURCE_FILE,
                    line=number,
                    encoding=self.attributes.get("CHARSET", DEFAULT_CHARSET),
                    detail=f"byte 0x{raw[exc.start]:02X}, position {exc.start + 1}",
                )
                self.ok = False
                return

    # --- header -----------------------------------------------------------------------------

    def _read_header(self, lines: Iterator[tuple[int, str]]) -> int | None:
        """Reads up to DATA. Returns DATA's line number, or None (errors reported) when the file ends first."""
        last = self._signature_line(lines)
        if last is None:
            return None
        for number, text in lines:
            last = number
            stripped = text.strip()
            if not stripped:
                continue
            marker = stripped.upper()
            if marker == "DATA":
                return number
            if marker == "ENDOFDATA":
                break
            if not self._header_entry(number, stripped):
                return None
        if self.ok:
            self.report.error("CIF-DATA-MISSING", source=SOURCE_FILE, line=last)
        return None

    def _signature_line(self, lines: Iterator[tuple[int, str]]) -> int | None:
        """The first line that is not blank must say CIF_I_V3.0: its number, or None (reported)."""
        first = next(lines, None)
        while first is not None and not first[1].strip():
            first = next(lines, None)
        if first is None:
            if self.ok:
                self.report.error("FILE-EMPTY", source=SOURCE_FILE)
            return None
        signature = first[1].strip()
        if signature != SIGNATURE + VERSION:
            self.report.error("CIF-VERSION", source=SOURCE_FILE, line=first[0], value=signature[:40], expected=VERSION)
            return None
        return first[0]

    def _header_entry(self, number: int, stripped: str) -> bool:
        """One `KEY: value` line; False when the rest cannot be read (a CHARSET the hub does not know)."""
        key, colon, value = stripped.partition(":")
        key = key.strip().upper()
        if not colon or not key:
            self.report.error("CIF-HEADER-LINE", source=SOURCE_FILE, line=number, value=stripped[:80])
            return True
        if key not in HEADER_KEYS:
            self.report.warning("CIF-HEADER-UNKNOWN", source=SOURCE_FILE, line=number, value=key)
            return True
        self.attributes[key] = value.strip()
        self._header_lines[key] = number
        if key == "CHARSET":
            codec = codec_for(value)
            if codec is None:
                self.report.error("CIF-CHARSET-UNKNOWN", source=SOURCE_FILE, line=number, value=value.strip())
                return False
            self.codec = codec
        return True

    def _make_header(self) -> Header | None:
        attributes = self.attributes
        mode = attributes.get("LOADMODE", "F").strip().upper() or "F"
        action = LOAD_MODES.get(mode)
        if action is None:
            self.report.error(
                "CIF-LOADMODE",
                source=SOURCE_FILE,
                line=self._header_lines.get("LOADMODE"),
                value=attributes["LOADMODE"],
            )
            return None
        if attributes.get("UNUOM", "").strip().upper() not in TRUE_VALUES:
            self.report.warning("CIF-UNUOM", source=SOURCE_FILE, line=self._header_lines.get("UNUOM", 1))
        return Header(
            action=action, issue_date=attributes.get("TIMESTAMP", ""), name=attributes.get("COMMENTS", ""), line=1
        )

    def _field_map(self) -> dict[int, str] | None:
        """Column index -> CIF field key, from FIELDNAMES. None (errors reported) when unusable."""
        line = self._header_lines.get("FIELDNAMES")
        text = self.attributes.get("FIELDNAMES", "")
        if line is None or not text.strip():
            self.report.error("CIF-FIELDNAMES-MISSING", source=SOURCE_FILE, line=line or 1)
            return None
        names = next(csv.reader([text], skipinitialspace=True), [])
        mapping: dict[int, str] = {}
        self.labels: dict[str, str] = {}
        ok = True
        for index, name in enumerate(names):
            key = _key(name)
            if key in mapping.values():
                self.report.error("SHEET-DUPLICATE-HEADING", source=SOURCE_FILE, line=line, heading=name.strip())
                ok = False
            elif key in FIELDS or key in SPECIAL_FIELDS:
                mapping[index] = key
                self.labels[key] = name.strip()
            elif key in IGNORED_FIELDS:
                mapping[index] = key
                self.report.warning("CIF-FIELD-IGNORED", source=SOURCE_FILE, line=line, value=name.strip())
            else:
                self.report.error("CIF-FIELD-UNKNOWN", source=SOURCE_FILE, line=line, value=name.strip())
                ok = False
        self.field_count = len(names)
        present = set(mapping.values())
        for required in REQUIRED_FIELDS:
            if _key(required) not in present:
                self.report.error("CIF-FIELD-MISSING", source=SOURCE_FILE, line=line, value=required)
                ok = False
        return mapping if ok else None

    # --- rows -------------------------------------------------------------------------------

    def _raw_line(self, number: int, cells: list[str], mapping: dict[int, str]) -> RawLine:
        raw = RawLine(line=number, where_kind="column", action=self.row_action)
        pictures: dict[str, list[str]] = {"image": [], "thumbnail": []}
        for index, key in mapping.items():
            value = cells[index].strip()
            if not value:
                continue
            if key in FIELDS:
                self._read_field(raw, FIELDS[key], value, self.labels[key])
            elif key in pictures:
                pictures[key].append(value)
            elif key == "classification codes":
                _read_classification_codes(raw, value, self.labels[key])
            elif key == "delete":
                self._read_delete(raw, value, self.labels[key])
        self._fill_from_header_and_description(raw)
        # The thumbnail is a smaller copy of the image; the hub makes its own, so it is only a fallback.
        if pictures["image"] or pictures["thumbnail"]:
            raw.values["image_urls"] = pictures["image"] or pictures["thumbnail"]
        return raw

    def _read_field(self, raw: RawLine, field: str, value: str, label: str) -> None:
        """A column with an item field of its own: dates lose their time; SPSC Code follows CODEFORMAT."""
        if field in ("valid_from", "valid_to"):
            value = _date(value)
        elif field == "unspsc" and self.code_format != "UNSPSC":
            if self.code_format != "CPV":
                return  # codes of a list the hub does not keep
            field = "cpv"
        raw.values[field] = value
        raw.where[field] = label

    def _read_delete(self, raw: RawLine, value: str, label: str) -> None:
        """The Delete column: a true value deletes the line (incremental loads), a false one keeps it."""
        flag = value.upper()
        if flag in TRUE_VALUES:
            raw.action = "Delete"
            raw.action_where = label
        elif flag not in FALSE_VALUES:
            self.report.error("CIF-DELETE-INVALID", source=SOURCE_FILE, line=raw.line, column=label, value=value)

    def _fill_from_header_and_description(self, raw: RawLine) -> None:
        """The header's CURRENCY for a row without one; a name from the description when there is no Short Name."""
        values = raw.values
        if "currency" not in values and self.attributes.get("CURRENCY"):
            values["currency"] = self.attributes["CURRENCY"]
            raw.where["currency"] = "CURRENCY"
        if "name" not in values and "description" in values:
            values["name"] = _short_name(str(values["description"]))
            raw.where["name"] = raw.where["description"]

    def lines(self) -> Iterator[RawLine]:
        self._header_lines: dict[str, int] = {}
        with open(self.path, "rb") as handle:
            numbered = self._text_lines(handle)
            data_line = self._read_header(numbered)
            if data_line is None:
                return
            header = self._make_header()
            mapping = self._field_map()
            if header is None or mapping is None:
                return
            self.code_format = (self.attributes.get("CODEFORMAT") or "UNSPSC").strip().upper()
            self.header = header
            # An incremental load changes the lines it names; a full one adds them all anew.
            self.row_action = "Update" if header.action == "Update" else "Add"
            count = yield from self._rows(numbered, data_line, mapping)
        if count is not None:
            self._check_count(count)

    def _rows(self, numbered: Iterator[tuple[int, str]], data_line: int, mapping: dict[int, str]):
        """Yields the item rows; returns their count, or None when ENDOFDATA is missing or a row is unreadable."""
        position = {"line": data_line}

        def text() -> Iterator[str]:
            for number, line in numbered:
                position["line"] = number
                yield line

        reader = csv.reader(text(), skipinitialspace=False)
        count = 0
        while True:
            start = position["line"] + 1
            try:
                cells = next(reader)
            except StopIteration:
                if self.ok:
                    self.report.error("CIF-ENDOFDATA-MISSING", source=SOURCE_FILE, line=position["line"])
                return None
            except csv.Error as exc:
                self.report.error("FILE-UNREADABLE", source=SOURCE_FILE, line=position["line"], detail=str(exc))
                return None
            if not cells or all(not cell.strip() for cell in cells):
                continue
            if len(cells) == 1 and cells[0].strip().upper() == "ENDOFDATA":
                return count
            count += 1
            if len(cells) != self.field_count:
                self.report.error(
                    "CIF-COLUMN-COUNT", source=SOURCE_FILE, line=start, found=len(cells), expected=self.field_count
                )
                continue
            yield self._raw_line(start, cells, mapping)

    def _check_count(self, count: int) -> None:
        declared = self.attributes.get("ITEMCOUNT")
        if declared is None:
            return
        line = self._header_lines.get("ITEMCOUNT")
        try:
            expected = int(declared)
        except ValueError:
            self.report.error("HUB-NUMBER-INVALID", source=SOURCE_FILE, line=line, element="ITEMCOUNT", value=declared)
            return
        if expected != count:
            self.report.error("CIF-ITEMCOUNT", source=SOURCE_FILE, line=line, expected=expected, found=count)
