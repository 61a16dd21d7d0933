"""Excel (.xlsx) catalogues with Swedish headings, read with openpyxl in read-only mode, and the template."""

from __future__ import annotations

import datetime
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree import ElementTree

from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from catalogue import safe_xml
from catalogue.formats.base import CatalogueReader, Header, RawLine
from catalogue.formats.columns import COLUMNS
from catalogue.formats.tabular import map_headings, rows_to_lines
from catalogue.report import SOURCE_FILE, Report

ITEMS_SHEET = "Artiklar"
INSTRUCTIONS_SHEET = "Instruktioner"
_SHEET_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# What a truncated or corrupted .xlsx raises from the zip and XML layers under openpyxl.
DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    etree.XMLSyntaxError,
    ElementTree.ParseError,
    EOFError,
    zlib.error,
    KeyError,
)
logger = logging.getLogger(__name__)


class XlsxReader(CatalogueReader):
    format = "xlsx"

    def __init__(self, path: Path, report: Report, *, update: bool = False, **_options) -> None:
        super().__init__(path, report)
        # The supplier's choice of mode: a sheet has no header of its own to say Replace or Update.
        self.header_action = "Update" if update else "Replace"

    def lines(self) -> Iterator[RawLine]:
        try:
            yield from self._lines()
        except DAMAGED as exc:
            # A cut-off or corrupt part shows only while the rows are read: no row to point at.
            logger.info("damaged xlsx %s: %s", self.path.name, exc)
            self.report.error("SHEET-DAMAGED", source=SOURCE_FILE)

    def _lines(self) -> Iterator[RawLine]:
        try:
            workbook = load_workbook(self.path, read_only=True, data_only=False)
        except DAMAGED as exc:
            logger.info("damaged xlsx %s: %s", self.path.name, exc)
            self.report.error("SHEET-DAMAGED", source=SOURCE_FILE)
            return
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            self.report.error("SHEET-UNREADABLE", source=SOURCE_FILE, detail=type(exc).__name__)
            return
        try:
            names = workbook.sheetnames
            name = ITEMS_SHEET if ITEMS_SHEET in names else next((n for n in names if n != INSTRUCTIONS_SHEET), None)
            if name is None:
                self.report.error("HUB-NO-LINES", source=SOURCE_FILE)
                return
            sheet = workbook[name]
            merged = merged_ranges(self.path, names.index(name))
            if merged:
                self.report.error("SHEET-MERGED", source=SOURCE_FILE, cells=", ".join(merged[:10]))
                return
            self.header = Header(action=self.header_action, line=1)
            rows = sheet.iter_rows()
            first = next(rows, None)
            if first is None:
                self.report.error("HUB-NO-LINES", source=SOURCE_FILE)
                return
            mapping = map_headings([c.value for c in first], self.report)
            if mapping is None:
                return
            total = sheet.max_row or 1
            for raw in rows_to_lines(self._values(rows), mapping):
                self.bytes_done = int(self.bytes_total * raw.line / total)
                yield raw
        finally:
            workbook.close()

    def _values(self, rows) -> Iterator[tuple[int, list[object]]]:
        for row in rows:
            values = []
            number = None
            for cell in row:
                if number is None and getattr(cell, "row", None):
                    number = cell.row
                value = cell.value
                if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
                    self.report.error(
                        "SHEET-FORMULA",
                        source=SOURCE_FILE,
                        line=cell.row,
                        column=cell.coordinate,
                        cell=cell.coordinate,
                        value=str(value)[:60],
                    )
                    value = None
                values.append(value)
            if number is not None:
                yield number, values


def merged_ranges(path: Path, sheet_index: int) -> list[str]:
    """Merged cell ranges of a sheet. openpyxl's read-only mode hides them, so read the sheet part."""
    with zipfile.ZipFile(path) as archive:
        workbook_rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        workbook_xml = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        ids = re.findall(r'<sheet [^>]*r:id="([^"]+)"', workbook_xml)
        if sheet_index >= len(ids):
            return []
        target = re.search(rf'Id="{re.escape(ids[sheet_index])}"[^>]*Target="([^"]+)"', workbook_rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{re.escape(ids[sheet_index])}"', workbook_rels
        )
        if not target:
            return []
        part = target.group(1).lstrip("/")
        part = part if part.startswith("xl/") else f"xl/{part}"
        found = []
        with archive.open(part) as handle:
            for _event, element in safe_xml.iterparse(handle, events=("end",), tag=f"{_SHEET_MAIN}mergeCell"):
                found.append(element.get("ref", ""))
                element.clear()
        return found


MODE_INSTRUCTIONS = (
    "Två sätt att ladda upp. Ersätt hela katalogen: filen är hela katalogen, och artiklar som inte finns i den "
    "tas bort. Uppdatera: bara nya och ändrade rader behövs; allt annat i den publicerade katalogen ligger kvar. "
    "Skriv Ny, Ändra eller Ta bort i kolumnen Åtgärd (tom = ny eller ändrad). En ändrad rad ersätter hela "
    "artikeln, så fyll i alla kolumner. Du väljer sättet när du laddar upp.",
    "Two ways to upload. Replace the whole catalogue: the file is the whole catalogue, and items not in it are "
    "removed. Update: only new and changed rows are needed; everything else in the published catalogue stays. "
    "Write Add, Update or Delete in the Action (Åtgärd) column (empty = added or changed). An updated row "
    "replaces the whole item, so fill in every column. You choose when you upload.",
    "Den publicerade katalogen kan laddas ner i samma format från portalen, redigeras och laddas upp igen.",
    "The published catalogue downloads in this format from the portal, to edit and upload again.",
)


def write_workbook(rows: Iterable[list[object]]) -> bytes:
    """The template's workbook: the headings and `rows` on the items sheet, and an instructions sheet.

    Write-only, so a whole catalogue (catalogue.export) takes constant memory. Cells are written as
    given: the caller neutralises text that a spreadsheet would run as a formula.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ITEMS_SHEET)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.heading) + 4)
    sheet.append([_bold(sheet, c.heading) for c in COLUMNS])
    for row in rows:
        sheet.append([_date_cell(sheet, value) for value in row])
    help_sheet = workbook.create_sheet(INSTRUCTIONS_SHEET)
    for letter, width in zip("ABCDE", (28, 22, 50, 50, 30), strict=True):
        help_sheet.column_dimensions[letter].width = width
    headings = ("Kolumn / Column", "Obligatorisk / Required", "Beskrivning", "Description", "Exempel / Example")
    help_sheet.append([_bold(help_sheet, text) for text in headings])
    for column in COLUMNS:
        help_sheet.append(
            [
                column.heading,
                "Ja / Yes" if column.required else "Nej / No",
                column.help_sv,
                column.help_en,
                column.example,
            ]
        )
    help_sheet.append([])
    help_sheet.append(
        [
            "Skriv värden, inte formler, och slå inte ihop celler. Decimaler: 12,50 eller 12.50. "
            "En rad per artikel; artikelnumret får bara förekomma en gång.",
        ]
    )
    help_sheet.append(
        [
            "Type values, not formulas, and do not merge cells. Decimals: 12,50 or 12.50. "
            "One row per item; each item ID may appear only once.",
        ]
    )
    help_sheet.append([])
    for text in MODE_INSTRUCTIONS:
        help_sheet.append([text])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bold(sheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _date_cell(sheet, value: object) -> object:
    if not isinstance(value, datetime.date):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "yyyy-mm-dd"  # as the template asks (ÅÅÅÅ-MM-DD), whatever the reader's locale
    return cell


def template_xlsx() -> bytes:
    """The downloadable template: headings on the items sheet, and an instructions sheet."""
    return write_workbook([])
