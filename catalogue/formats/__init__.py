"""Catalogue file formats. One module per format, one registry line each.

`reader_for(path, report)` picks the format from the file's first bytes and its name.
"""

from __future__ import annotations

from pathlib import Path

from catalogue.formats.base import CatalogueReader, Header, RawLine
from catalogue.formats.bmecat import BmecatReader, is_bmecat
from catalogue.formats.cif import CifReader
from catalogue.formats.peppol import PeppolReader
from catalogue.report import Report

__all__ = ["REGISTRY", "CatalogueReader", "Header", "RawLine", "detect_format", "reader_for"]


def _registry() -> dict[str, type[CatalogueReader]]:
    # The spreadsheet and CSV readers load openpyxl (~0.13 s): not in the process that only reads Peppol.
    from catalogue.formats.csvfile import CsvReader  # noqa: PLC0415 (openpyxl on demand)
    from catalogue.formats.spreadsheet import XlsxReader  # noqa: PLC0415 (openpyxl on demand)

    return {"peppol": PeppolReader, "xlsx": XlsxReader, "cif": CifReader, "bmecat": BmecatReader, "csv": CsvReader}


REGISTRY = _registry
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def detect_format(path: Path, filename: str = "") -> str | None:
    """'peppol', 'xlsx', 'cif', 'bmecat', 'csv' or None, from the content first and the name second."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    name = (filename or str(path)).lower()
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"CIF_I_V"):
        return "cif"  # CIF is CSV under a header; it must win over the CSV fallback
    if stripped.startswith(b"<") and is_bmecat(head):
        return "bmecat"
    if head.startswith(UTF16_BOMS):
        # UTF-16 XML is XML; anything else in UTF-16 is a spreadsheet's "Unicode text" export, read as CSV
        # (whose reader asks for UTF-8) rather than reported as malformed XML.
        text = head.decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n")
        return "peppol" if text.startswith("<") else "csv"
    if stripped.startswith(b"<"):
        return "peppol"
    if name.endswith(".xml"):
        return "peppol"
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".cif"):
        return "cif"
    if name.endswith((".csv", ".txt")) or head:
        return "csv"
    return None


def reader_for(path: Path, report: Report, fmt: str, **options) -> CatalogueReader:
    return REGISTRY()[fmt](path, report, **options)
