"""The live catalogue as a file in the template's format (Excel or CSV), for the supplier to edit and upload.

The columns are the template's (catalogue.formats.columns), so a file downloaded here and uploaded again
in replace mode gives no changes. Text that a spreadsheet would run as a formula (starting with = + - @)
gets a leading apostrophe, which the readers take off again (catalogue.formats.tabular).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from decimal import Decimal

from catalogue.formats.columns import ACTION_FIELD, COLUMNS
from catalogue.formats.spreadsheet import write_workbook
from catalogue.models import CatalogueVersion
from catalogue.validation.hub_rules import FORMULA_PREFIXES

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")


def neutralise(text: str) -> str:
    """Text a spreadsheet program would run as a formula, made plain text with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _rows(version: CatalogueVersion, *, as_text: bool) -> Iterator[list[object]]:
    """One row per item, in the template's column order, text neutralised. Excel gets numbers and dates as
    cell values; CSV (as_text) gets them as text, decimals with a comma."""
    fields = [column.field for column in COLUMNS]
    readable = [name for name in fields if name != ACTION_FIELD]
    for values in version.items.order_by("line_number").values_list(*readable).iterator(chunk_size=2000):
        item = dict(zip(readable, values, strict=True))
        row: list[object] = []
        for name in fields:
            value = item.get(name)
            if name == ACTION_FIELD or value is None or value in ("", []):
                row.append(None)  # no action: in replace mode every row is simply part of the catalogue
            elif isinstance(value, list):
                row.append(neutralise("; ".join(str(entry) for entry in value)))
            elif isinstance(value, Decimal):
                row.append(_decimal_text(value) if as_text else float(value))
            elif isinstance(value, datetime.date):
                row.append(value.isoformat() if as_text else value)
            elif isinstance(value, int):
                row.append(value)
            else:
                row.append(neutralise(str(value)))
        yield row


def _decimal_text(value: Decimal) -> str:
    """12.5000 -> '12,5': no trailing zeros, no exponent, Swedish decimal comma."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def export_xlsx(version: CatalogueVersion) -> bytes:
    """The version's items in the Excel template (with its instructions sheet)."""
    return write_workbook(_rows(version, as_text=False))


def export_csv(version: CatalogueVersion) -> bytes:
    """The version's items as CSV: ';' separated, UTF-8 with BOM (Excel opens it right), decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.heading for column in COLUMNS])
    for row in _rows(version, as_text=True):
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_csv() -> bytes:
    """The empty CSV template: the headings only (the Excel template's instructions sheet explains them)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow([column.heading for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_filename(version: CatalogueVersion, fmt: str) -> str:
    reference = re.sub(r"[^A-Za-z0-9_.-]+", "-", version.catalogue.agreement.reference).strip("-") or "katalog"
    return f"katalog-{reference}-v{version.number}.{fmt}"
