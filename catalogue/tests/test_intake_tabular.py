"""Excel and CSV intake with Swedish headings: the template, comma decimals, and bad sheets."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from catalogue.error_codes import issue_texts
from catalogue.formats.columns import COLUMNS
from catalogue.formats.spreadsheet import INSTRUCTIONS_SHEET, ITEMS_SHEET, template_xlsx
from catalogue.intake import import_file
from catalogue.models import CatalogueVersion
from catalogue.tests.fixtures import issues, live_snapshot
from catalogue.validation.hub_rules import parse_decimal

pytestmark = pytest.mark.django_db
Status = CatalogueVersion.Status
HEAD = ["Artikelnummer", "GTIN", "Benämning", "Enhet", "Pris", "Miljömärkning"]


def sheet(tmp_path, rows, name="katalog.xlsx", header=HEAD, edit=None):
    workbook = Workbook()
    ws = workbook.active
    ws.title = ITEMS_SHEET
    ws.append(header)
    for row in rows:
        ws.append(row)
    if edit:
        edit(ws)
    path = tmp_path / name
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12,50", "12.50"),
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50", "1234.50"),
        ("12.50", "12.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        (7, "7"),
    ],
)
def test_swedish_numbers(text, value):
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["12,5,0", "tolv", "", "NaN"])
def test_not_numbers(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_template_has_headings_and_instructions(intake_catalogue, tmp_path):
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert workbook.sheetnames == [ITEMS_SHEET, INSTRUCTIONS_SHEET]
    assert [c.value for c in workbook[ITEMS_SHEET][1]] == [c.heading for c in COLUMNS]
    instructions = [row[0] for row in workbook[INSTRUCTIONS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert all(c.heading in instructions for c in COLUMNS)
    # A filled-in template imports.
    workbook[ITEMS_SHEET].append(
        ["A-1", "7350000000016", "Kopieringspapper A4", None, None, None, None, None, "XPK", "54,90"]
    )
    path = tmp_path / "mall.xlsx"
    workbook.save(path)
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.error_count == 0, version.report
    item = version.items.get()
    assert (item.seller_item_id, item.price, item.unit, item.currency) == ("A-1", Decimal("54.90"), "XPK", "SEK")


def test_generated_xlsx_imports(intake_catalogue, xlsx_file):
    version = import_file(xlsx_file(40), catalogue=intake_catalogue, background=False)
    assert version.error_count == 0, version.report
    assert version.format == "xlsx" and version.items.count() == 40


def test_comma_decimals_accepted(intake_catalogue, tmp_path):
    path = sheet(
        tmp_path,
        [["A-1", None, "Penna", "EA", "12,50", "Svanen; EU Ecolabel"], ["A-2", None, "Pärm", "EA", "1 234,50", None]],
    )
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.error_count == 0
    prices = dict(version.items.values_list("seller_item_id", "price"))
    assert prices == {"A-1": Decimal("12.50"), "A-2": Decimal("1234.50")}
    assert version.items.get(seller_item_id="A-1").eco_labels == ["Svanen", "EU Ecolabel"]


def test_errors_name_row_and_column(intake_catalogue, tmp_path):
    path = sheet(tmp_path, [["A-1", "7350000000018", "Penna", "EA", "tolv", None]])
    version = import_file(path, catalogue=intake_catalogue, background=False)
    number = issues(version, "HUB-NUMBER-INVALID")[0]
    assert (number["line"], number["column"]) == (2, "Pris (E)")
    assert "tolv" in issue_texts(number)["sv"] and "tolv" in issue_texts(number)["en"]
    gtin = issues(version, "HUB-GTIN-CHECKDIGIT")[0]
    assert (gtin["line"], gtin["column"]) == (2, "GTIN (B)")


@pytest.mark.parametrize("case", ["formula", "merged", "missing-heading", "duplicate", "empty-sheet"])
def test_bad_sheets_refused_and_live_untouched(intake_catalogue, live_version, tmp_path, case):
    before = live_snapshot(intake_catalogue)
    rows = [["A-1", None, "Penna", "EA", "10", None], ["A-2", None, "Pärm", "EA", "20", None]]
    header = HEAD
    edit = None
    expected = {
        "formula": "SHEET-FORMULA",
        "merged": "SHEET-MERGED",
        "missing-heading": "SHEET-MISSING-HEADING",
        "duplicate": "HUB-DUPLICATE-ITEM",
        "empty-sheet": "HUB-NO-LINES",
    }[case]
    if case == "formula":
        rows[1][4] = "=E2*2"
    elif case == "merged":

        def edit(ws):
            ws.merge_cells("C2:D2")
    elif case == "missing-heading":
        header = ["Artikelnummer", "GTIN", "Benämning", "Enhet", "Kostnad", "Miljömärkning"]
    elif case == "duplicate":
        rows[1][0] = "A-1"
    elif case == "empty-sheet":
        rows = []
    path = sheet(tmp_path, rows, header=header, edit=edit)
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID, version.report
    issue = issues(version, expected)[0]
    assert issue_texts(issue)["sv"] and issue_texts(issue)["en"]
    if case == "formula":
        assert issue["column"] == "E3" and "E3" in issue_texts(issue)["sv"]
    if case == "missing-heading":
        assert "Pris" in issue_texts(issue)["en"]
    if case == "duplicate":
        assert issue["line"] == 3 and "2" in issue_texts(issue)["en"]
    assert live_snapshot(intake_catalogue) == before


def test_csv_semicolon_with_bom(intake_catalogue, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_bytes('\ufeffArtikelnummer;Benämning;Pris;Enhet\nA-1;Kaffe mörkrost;"1 234,50";KGM\n'.encode())
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.error_count == 0, version.report
    assert version.format == "csv"
    assert version.items.get().price == Decimal("1234.50")


def test_csv_comma_without_bom(intake_catalogue, tmp_path):
    path = tmp_path / "katalog.csv"
    path.write_text('Artikelnummer,Benämning,Pris\nA-1,Kaffe,"12,50"\nA-2,Te,9.90\n', encoding="utf-8")
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.error_count == 0, version.report
    assert dict(version.items.values_list("seller_item_id", "price")) == {"A-1": Decimal("12.5"), "A-2": Decimal("9.9")}


def test_csv_in_windows_1252_is_refused_with_the_line(intake_catalogue, live_version, tmp_path):
    before = live_snapshot(intake_catalogue)
    path = tmp_path / "katalog.csv"
    path.write_bytes(
        "Artikelnummer;Benämning;Pris\n".encode() + "A-1;Kaffe;10\nA-2;Toalettpapper åäö;20\n".encode("cp1252")
    )
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    issue = issues(version, "FILE-ENCODING")[0]
    assert issue["line"] == 3
    assert live_snapshot(intake_catalogue) == before
