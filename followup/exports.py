"""The dashboards' tables as CSV or Excel. Text a spreadsheet would run as a formula is neutralised
(catalogue.export.neutralise: a leading apostrophe), amounts are numbers in Excel and '1234,50' in CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from catalogue.export import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, neutralise
from followup.figures import DIMENSIONS, Figures

FORMATS = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
SECTIONS = ("spend", "searches", "health")


def table(section: str, figures: Figures) -> tuple[list[str], list[list[object]]]:
    """Headings and rows of one dashboard section."""
    if section == "spend":
        headings = [
            _("Månad"),
            _("Indelning"),
            _("Värde"),
            _("Belopp exkl. moms"),
            _("På giltigt avtal"),
            _("Andel (%)"),
        ]
        names = {
            "agreement": _("Avtal"),
            "supplier": _("Leverantör"),
            "category": _("Kategori"),
            "organisation": _("Organisation"),
        }
        rows = []
        for dimension in DIMENSIONS:
            for month, row in figures.by_month_and(dimension):
                rows.append([f"{month:%Y-%m}", names[dimension], row.label, row.total, row.on_agreement, row.share])
        return headings, rows
    if section == "searches":
        headings = [_("Typ"), _("Sökning"), _("Antal"), _("Trolig kategori"), _("Avtal för kategorin")]
        rows = []
        for zero_hit, kind in ((True, _("Noll träffar")), (False, _("Få träffar"))):
            for search in figures.searches(zero_hit=zero_hit, limit=100):
                rows.append([kind, search.query, search.count, search.category, search.agreements])
        return headings, rows
    if section == "health":
        headings = [_("Avtal"), _("Artiklar"), _("Utan bild"), _("Utan klassificering"), _("Utan miljömärkning")]
        rows = [
            [r["agreement"], r["items"], r["without_image"], r["without_classification"], r["without_eco_label"]]
            for r in figures.items_per_agreement()
        ]
        return headings, rows
    raise ValueError(section)


def cell_value(value: object, *, as_text: bool) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",") if as_text else float(value)
    if isinstance(value, int):
        return value
    return neutralise(str(value))


def to_csv(headings: list[str], rows: list[list[object]]) -> bytes:
    """';' separated, UTF-8 with BOM (Excel opens it right), decimal comma, as catalogue exports."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headings])
    for row in rows:
        writer.writerow([cell_value(value, as_text=True) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(headings: list[str], rows: list[list[object]], title: str) -> bytes:
    """One sheet, numbers as numbers. Written with XlsxWriter in constant-memory mode: each row goes to a
    temporary file as it is written (in_memory would keep every cell, which was slower in a large process);
    for the spend export somewhat faster than openpyxl's write-only mode (docs/benchmarks.md). Every text
    goes in with write_string, never as a formula, and is neutralised as in CSV; an empty value is no cell."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = workbook.add_worksheet(title[:31])
    for column, heading in enumerate(headings):
        sheet.write_string(0, column, neutralise(heading))
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            cell = cell_value(value, as_text=False)
            if isinstance(cell, str):
                if cell:
                    sheet.write_string(number, column, cell)
            else:
                sheet.write_number(number, column, cell)
    workbook.close()
    return buffer.getvalue()
