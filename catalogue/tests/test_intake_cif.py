"""cXML CIF 3.0 intake: full and incremental loads, the header, and bad files with their line numbers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.api import create_token
from catalogue.error_codes import issue_texts
from catalogue.formats import detect_format
from catalogue.formats.cif import codec_for
from catalogue.intake import import_file
from catalogue.models import CatalogueVersion
from catalogue.tests.fixtures import issues, live_snapshot

pytestmark = pytest.mark.django_db
Status = CatalogueVersion.Status
SUPPLIER_ID = "5560160680"
FIELDNAMES = [
    "Supplier ID",
    "Supplier Part ID",
    "Manufacturer Part ID",
    "Item Description",
    "SPSC Code",
    "Unit Price",
    "Unit of Measure",
    "Lead Time",
    "Manufacturer Name",
    "Short Name",
    "Currency",
    "Expiration Date",
    "Image",
]


def row(part_id: str, description: str, price: str, unit: str = "EA", **extra: str) -> dict[str, str]:
    values = {
        "Supplier ID": SUPPLIER_ID,
        "Supplier Part ID": part_id,
        "Item Description": description,
        "SPSC Code": "44121701",
        "Unit Price": price,
        "Unit of Measure": unit,
    }
    values.update(extra)
    return values


def quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def cif_lines(
    rows: list[dict[str, str]],
    *,
    fieldnames: list[str] | None = None,
    attributes: dict[str, str | None] | None = None,
    itemcount: int | None = None,
    data: bool = True,
    end: bool = True,
) -> list[str]:
    """A CIF 3.0 file as lines; None in attributes drops that header line."""
    fieldnames = FIELDNAMES if fieldnames is None else fieldnames
    header: dict[str, str | None] = {
        "CHARSET": "UTF-8",
        "LOADMODE": "F",
        "CODEFORMAT": "UNSPSC",
        "CURRENCY": "SEK",
        "SUPPLIERID_DOMAIN": "orgnr",
        "ITEMCOUNT": str(len(rows) if itemcount is None else itemcount),
        "TIMESTAMP": "2026-11-28 06:00:00",
        "UNUOM": "TRUE",
        "COMMENTS": "Kontorsmaterial, hösten 2026",
        "FIELDNAMES": ",".join(fieldnames),
    }
    header.update(attributes or {})
    lines = ["CIF_I_V3.0"] + [f"{key}: {value}" for key, value in header.items() if value is not None]
    if data:
        lines.append("DATA")
    for values in rows:
        lines.append(",".join(quote(values.get(name, "")) for name in fieldnames))
    if end:
        lines.append("ENDOFDATA")
    return lines


def write(tmp_path, lines: list[str], name: str = "katalog.cif", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def line_of(lines: list[str], text: str) -> int:
    """1-based physical line number where text first appears (values may hold line breaks)."""
    joined = "\n".join(lines)
    return joined.count("\n", 0, joined.index(text)) + 1


def test_detected_by_its_first_line_whatever_the_name(tmp_path):
    path = write(tmp_path, cif_lines([row("P-1", "Penna", "10")]), name="export.csv")
    assert detect_format(path, "export.csv") == "cif"
    plain_csv = tmp_path / "katalog.csv"
    plain_csv.write_text("Artikelnummer;Benämning;Pris\nA-1;Penna;10\n", encoding="utf-8")
    assert detect_format(plain_csv) == "csv"


@pytest.mark.parametrize(("charset", "codec"), [("UTF-8", "utf-8"), ("8859_1", "iso8859-1"), ("Cp1252", "cp1252")])
def test_java_charset_names_are_understood(charset, codec):
    assert codec_for(charset) == codec


def test_full_load_imports_items_prices_and_units(intake_catalogue, tmp_path):
    rows = [
        row(
            "P-1",
            "Kopieringspapper A4, 80 g, 500 ark",
            "54.90",
            "XPK",
            **{
                "Manufacturer Part ID": "NP-80",
                "Lead Time": "3",
                "Manufacturer Name": "Nordpapper",
                "Short Name": "Kopieringspapper A4",
                "Expiration Date": "2027-06-30",
                "Image": "https://bilder.example.se/np80.jpg",
            },
        ),
        row("P-2", "Kulspetspenna blå", "12,50", "EA"),  # comma decimal, quoted like every value
        row("P-3", "Pärm A4 bred rygg", "3.10", "EA", Currency="EUR"),
    ]
    version = import_file(write(tmp_path, cif_lines(rows)), catalogue=intake_catalogue, background=False)
    assert version.format == "cif"
    assert version.error_count == 0 and version.warning_count == 0, version.report
    assert version.status in {Status.PENDING_REVIEW, Status.PUBLISHED}
    assert version.line_count == 3
    items = {item.seller_item_id: item for item in version.items.all()}
    assert {key: (item.price, item.unit, item.currency) for key, item in items.items()} == {
        "P-1": (Decimal("54.90"), "XPK", "SEK"),
        "P-2": (Decimal("12.50"), "EA", "SEK"),
        "P-3": (Decimal("3.10"), "EA", "EUR"),
    }
    first = items["P-1"]
    assert first.name == "Kopieringspapper A4"
    assert first.description == "Kopieringspapper A4, 80 g, 500 ark"
    assert (first.manufacturer, first.manufacturer_part_number) == ("Nordpapper", "NP-80")
    assert (first.unspsc, first.lead_time_days, first.valid_to) == ("44121701", 3, datetime.date(2027, 6, 30))
    assert first.image_urls == ["https://bilder.example.se/np80.jpg"]
    # Without a Short Name the description names the item.
    assert items["P-2"].name == "Kulspetspenna blå"


def test_incremental_load_updates_adds_and_deletes(intake_catalogue, live_version, tmp_path):
    before = live_snapshot(intake_catalogue)
    fieldnames = [*FIELDNAMES, "Delete"]
    rows = [
        row("KON-0000001", "Kopieringspapper A4", "51.00"),
        row("NY-1", "Whiteboardpenna", "19.00"),
        {"Supplier ID": SUPPLIER_ID, "Supplier Part ID": "OLD-1", "Delete": "TRUE"},
    ]
    lines = cif_lines(rows, fieldnames=fieldnames, attributes={"LOADMODE": "I"})
    version = import_file(write(tmp_path, lines), catalogue=intake_catalogue, background=False)
    assert version.error_count == 0, version.report
    stored = dict(version.items.values_list("seller_item_id", "price"))
    assert stored == {"KON-0000001": Decimal("51.00"), "NY-1": Decimal("19.00"), "OLD-2": Decimal("30.00")}
    # NY-1 is not in the live version: added, and the report says so (as for a Peppol Update).
    assert [i["line"] for i in issues(version, "HUB-UPDATE-UNKNOWN-ITEM")] == [line_of(lines, '"NY-1"')]
    # The live version's own items are untouched (they belong to version 1).
    assert set(live_version.items.values_list("seller_item_id", "price")) == set(before[2:])


def test_delete_in_a_full_load_is_ignored_with_a_warning(intake_catalogue, tmp_path):
    fieldnames = [*FIELDNAMES, "Delete"]
    rows = [row("P-1", "Penna", "10"), row("P-2", "Pärm", "20", Delete="T")]
    lines = cif_lines(rows, fieldnames=fieldnames)
    version = import_file(write(tmp_path, lines), catalogue=intake_catalogue, background=False)
    assert version.error_count == 0
    assert [(i["code"], i["line"]) for i in version.report["issues"]] == [
        ("HUB-DELETE-IGNORED", line_of(lines, '"P-2"'))
    ]
    assert list(version.items.values_list("seller_item_id", flat=True)) == ["P-1"]


def test_without_unuom_the_units_are_said_to_be_read_as_rec_20(intake_catalogue, tmp_path):
    lines = cif_lines([row("P-1", "Penna", "10", "BOX")], attributes={"UNUOM": None})
    version = import_file(write(tmp_path, lines), catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    assert issues(version, "CIF-UNUOM")[0]["severity"] == "warning"
    unit = issues(version, "HUB-UNIT-UNKNOWN")[0]
    assert (unit["line"], unit["column"]) == (line_of(lines, '"BOX"'), "Unit of Measure")


def test_declared_latin_1_is_decoded_and_wrong_bytes_name_their_line(intake_catalogue, tmp_path):
    lines = cif_lines([row("P-1", "Pärm", "10")], attributes={"CHARSET": "8859_1"})
    version = import_file(write(tmp_path, lines, encoding="latin-1"), catalogue=intake_catalogue, background=False)
    assert version.error_count == 0, version.report
    assert version.items.get().name == "Pärm"

    lines = cif_lines([row("P-1", "Pärm", "10")], attributes={"CHARSET": "UTF-8"})
    path = write(tmp_path, lines, name="fel.cif", encoding="latin-1")
    version = import_file(path, catalogue=intake_catalogue, background=False)
    first_non_ascii = next(number for number, line in enumerate(lines, start=1) if not line.isascii())
    assert [i["line"] for i in issues(version, "FILE-ENCODING")] == [first_non_ascii]
    assert version.status == Status.INVALID


def _bad_file(case: str) -> tuple[list[str], str, str]:
    """(lines, expected code, text of the line the error must name)."""
    rows = [row("P-1", "Penna", "10"), row("P-2", "Pärm", "20"), row("P-3", "Gem", "5")]
    if case == "no-fieldnames":
        return cif_lines(rows, attributes={"FIELDNAMES": None}), "CIF-FIELDNAMES-MISSING", "CIF_I_V3.0"
    if case == "no-data":
        lines = cif_lines([], data=False, end=False)
        return lines, "CIF-DATA-MISSING", lines[-1]
    if case == "no-endofdata":
        return cif_lines(rows, end=False), "CIF-ENDOFDATA-MISSING", '"P-3"'
    if case == "itemcount":
        return cif_lines(rows, itemcount=5), "CIF-ITEMCOUNT", "ITEMCOUNT"
    if case == "unknown-field":
        return cif_lines(rows, fieldnames=[*FIELDNAMES, "Colour"]), "CIF-FIELD-UNKNOWN", "FIELDNAMES"
    if case == "column-count":
        lines = cif_lines(rows)
        index = line_of(lines, '"P-2"') - 1
        lines[index] = lines[index] + ',"extra"'
        return lines, "CIF-COLUMN-COUNT", '"P-2"'
    if case == "bad-price":
        rows[1]["Unit Price"] = "tolv"
        return cif_lines(rows), "HUB-NUMBER-INVALID", '"tolv"'
    if case == "loadmode":
        return cif_lines(rows, attributes={"LOADMODE": "X"}), "CIF-LOADMODE", "LOADMODE"
    if case == "version":
        lines = cif_lines(rows)
        lines[0] = "CIF_I_V2.1"
        return lines, "CIF-VERSION", "CIF_I_V2.1"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "no-fieldnames",
        "no-data",
        "no-endofdata",
        "itemcount",
        "unknown-field",
        "column-count",
        "bad-price",
        "loadmode",
        "version",
    ],
)
def test_bad_files_name_their_line_and_leave_the_live_catalogue(intake_catalogue, live_version, tmp_path, case):
    before = live_snapshot(intake_catalogue)
    lines, code, where = _bad_file(case)
    version = import_file(write(tmp_path, lines), catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    found = issues(version, code)
    assert found, version.report
    assert found[0]["severity"] == "error"
    assert found[0]["line"] == line_of(lines, where)
    texts = issue_texts(found[0])
    assert texts["sv"] and texts["en"] and texts["sv"] != texts["en"]
    assert version.items.count() == 0
    assert live_snapshot(intake_catalogue) == before


def test_bad_price_names_the_field(intake_catalogue, tmp_path):
    lines, _code, _where = _bad_file("bad-price")
    version = import_file(write(tmp_path, lines), catalogue=intake_catalogue, background=False)
    issue = issues(version, "HUB-NUMBER-INVALID")[0]
    assert issue["column"] == "Unit Price"
    assert "tolv" in issue_texts(issue)["sv"] and "tolv" in issue_texts(issue)["en"]


def test_unknown_field_is_named(intake_catalogue, tmp_path):
    lines = cif_lines([row("P-1", "Penna", "10")], fieldnames=[*FIELDNAMES, "Colour"])
    version = import_file(write(tmp_path, lines), catalogue=intake_catalogue, background=False)
    assert "Colour" in issue_texts(issues(version, "CIF-FIELD-UNKNOWN")[0])["en"]


def test_multi_line_value_keeps_the_row_start_line(intake_catalogue, tmp_path):
    rows = [row("P-1", "Penna\nblå, 0,7 mm", "10"), row("P-2", "Pärm", "tolv")]
    lines = cif_lines(rows)
    version = import_file(write(tmp_path, lines), catalogue=intake_catalogue, background=False)
    assert [i["line"] for i in issues(version, "HUB-NUMBER-INVALID")] == [line_of(lines, '"P-2"')]


@pytest.mark.usefixtures("hub_peppol_id")
def test_portal_and_api_accept_a_cif_upload(client, supplier_user, intake_catalogue, intake_supplier, tmp_path):
    body = write(tmp_path, cif_lines([row("P-1", "Penna", "10")])).read_bytes()
    client.force_login(supplier_user)
    url = reverse("catalogue:catalogue", args=[intake_catalogue.pk])
    response = client.post(url, {"file": SimpleUploadedFile("katalog.cif", body, "application/octet-stream")})
    assert response.status_code == 302
    assert intake_catalogue.versions.get(number=1).format == "cif"

    client.logout()
    secret = create_token(intake_supplier, "ERP")[1]
    response = client.post(
        reverse("catalogue-api:upload", args=[intake_catalogue.agreement.reference]),
        data=body,
        content_type="text/plain",
        HTTP_CONTENT_DISPOSITION='attachment; filename="katalog.cif"',
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201, response.json()
    assert intake_catalogue.versions.get(number=response.json()["version"]).format == "cif"
