"""Supplier control: replace or update mode, the change counts and confirmation, and the live catalogue download."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from lxml import etree
from openpyxl import Workbook, load_workbook

from catalogue.api import create_token
from catalogue.error_codes import issue_texts
from catalogue.formats.columns import COLUMNS
from catalogue.formats.spreadsheet import INSTRUCTIONS_SHEET, ITEMS_SHEET, template_xlsx
from catalogue.generator import generate_items, write_peppol
from catalogue.intake import import_file
from catalogue.models import CatalogueItem, CatalogueVersion
from catalogue.review import approve, confirm_removals
from catalogue.tests.fixtures import INTAKE_AGREEMENT, RECEIVER, issues, live_snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_peppol_id")]
Status = CatalogueVersion.Status
UPDATE = CatalogueVersion.UploadMode.UPDATE
HEADINGS = ["Artikelnummer", "Benämning", "Enhet", "Pris", "Åtgärd"]


@pytest.fixture(autouse=True)
def swedish():
    # Pages and reversed URLs in Swedish, whatever language an earlier test left active.
    with translation.override("sv"):
        yield


def csv_bytes(rows: list[list[str]], headings: list[str] = HEADINGS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headings)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]], headings: list[str] = HEADINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ITEMS_SHEET
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(catalogue, name: str, content: bytes, **options) -> CatalogueVersion:
    return import_file(SimpleUploadedFile(name, content), catalogue=catalogue, background=False, **options)


def items_of(version: CatalogueVersion) -> dict[str, Decimal]:
    return dict(version.items.values_list("seller_item_id", "price"))


# --- Update mode ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "change", "add", "remove"),
    [
        ("andringar.csv", csv_bytes, "Ändra", "Ny", "Ta bort"),
        ("andringar.xlsx", xlsx_bytes, "ändra", "NY", "ta bort"),
        ("changes.csv", csv_bytes, "UPDATE", "add", "Delete"),
    ],
)
def test_update_mode_adds_changes_and_removes_and_keeps_the_rest(
    intake_catalogue, live_version, name, make, change, add, remove
):
    content = make(
        [
            ["KON-0000001", "Kopieringspapper A4", "EA", "55,00", change],
            ["NY-1", "Kulspetspenna blå", "EA", "5,50", add],
            ["OLD-1", "", "", "", remove],
        ]
    )
    version = upload(intake_catalogue, name, content, mode=UPDATE)
    assert version.error_count == 0, version.report
    # The new version is the live catalogue plus the changes: OLD-2 was not in the file and stays.
    assert items_of(version) == {
        "KON-0000001": Decimal("55.00"),
        "NY-1": Decimal("5.50"),
        "OLD-2": Decimal("30.00"),
    }
    assert version.upload_mode == UPDATE
    assert (version.diff_summary["added"], version.diff_summary["changed"], version.diff_summary["removed"]) == (
        1,
        1,
        1,
    )
    # The live version's own items are untouched.
    assert set(live_version.items.values_list("seller_item_id", flat=True)) == {"KON-0000001", "OLD-1", "OLD-2"}


def test_an_update_row_without_action_adds_a_new_item_or_changes_a_known_one(intake_catalogue, live_version):
    content = csv_bytes([["OLD-2", "Pärm A4", "EA", "31", ""], ["NY-2", "Sax", "EA", "20", ""]])
    version = upload(intake_catalogue, "utan-atgard.csv", content, mode=UPDATE)
    assert version.error_count == 0, version.report
    assert items_of(version) == {
        "KON-0000001": Decimal("49.00"),
        "OLD-1": Decimal("12.00"),
        "OLD-2": Decimal("31.00"),
        "NY-2": Decimal("20.00"),
    }


def test_the_same_file_in_replace_mode_replaces_the_whole_catalogue(intake_catalogue, live_version):
    content = csv_bytes(
        [["KON-0000001", "Kopieringspapper A4", "EA", "55,00", "Ändra"], ["OLD-1", "", "", "", "Ta bort"]]
    )
    version = upload(intake_catalogue, "ersatt.csv", content)
    assert version.upload_mode == CatalogueVersion.UploadMode.REPLACE
    assert items_of(version) == {"KON-0000001": Decimal("55.00")}
    assert [i["line"] for i in issues(version, "HUB-DELETE-IGNORED")] == [3]
    assert version.diff_summary["removed"] == 2


def test_change_or_removal_of_an_unknown_item_is_an_error_on_its_row(intake_catalogue, live_version):
    before = live_snapshot(intake_catalogue)
    content = csv_bytes(
        [
            ["KON-0000001", "Kopieringspapper A4", "EA", "50", "Ändra"],
            ["KON-9999", "Finns inte", "EA", "10", "Ändra"],
            ["OLD-9", "", "", "", "Ta bort"],
            ["NY-1", "Penna", "EA", "5", "Ny"],
        ]
    )
    version = upload(intake_catalogue, "fel.csv", content, mode=UPDATE)
    assert version.status == Status.INVALID
    change = issues(version, "HUB-CHANGE-UNKNOWN-ITEM")
    remove = issues(version, "HUB-REMOVE-UNKNOWN-ITEM")
    assert [(i["line"], i["severity"]) for i in change] == [(3, "error")]
    assert [(i["line"], i["severity"]) for i in remove] == [(4, "error")]
    change_sv = issue_texts(change[0])["sv"]
    assert "KON-9999" in change_sv and "finns inte i den publicerade katalogen" in change_sv
    assert "OLD-9" in issue_texts(remove[0])["en"] and "not in the published catalogue" in issue_texts(remove[0])["en"]
    assert version.error_count == 2  # the new item on row 5 is no error
    assert version.items.count() == 0
    assert live_snapshot(intake_catalogue) == before


def test_an_unknown_action_word_is_an_error_in_its_column(intake_catalogue, live_version):
    content = csv_bytes([["OLD-1", "Gem", "EA", "12", "Radera"]])
    version = upload(intake_catalogue, "ord.csv", content, mode=UPDATE)
    assert version.status == Status.INVALID
    [issue] = issues(version, "HUB-ACTION-UNKNOWN")
    assert issue["line"] == 2 and issue["column"] == "Åtgärd (E)"
    assert "Ny, Ändra, Ta bort" in issue_texts(issue)["sv"]


def test_update_mode_on_a_first_version_refuses_changes(intake_catalogue):
    content = csv_bytes([["A-1", "Penna", "EA", "5", "Ändra"]])
    version = upload(intake_catalogue, "forsta.csv", content, mode=UPDATE)
    assert version.status == Status.INVALID
    assert [i["line"] for i in issues(version, "HUB-CHANGE-UNKNOWN-ITEM")] == [2]


def test_update_mode_is_ignored_with_a_warning_for_peppol(intake_catalogue, live_version, peppol_file):
    version = upload(intake_catalogue, "katalog.xml", peppol_file(n=2).read_bytes(), mode=UPDATE)
    assert version.error_count == 0, version.report
    assert len(issues(version, "UPLOAD-MODE-IGNORED")) == 1
    # Replace, as the file's own ActionCode says: the live items not in the file are gone.
    assert "OLD-1" not in items_of(version)


def test_import_catalogue_command_update(intake_catalogue, live_version, tmp_path):
    path = tmp_path / "andring.csv"
    path.write_bytes(csv_bytes([["OLD-1", "", "", "", "Ta bort"]]))
    out = io.StringIO()
    call_command(
        "import_catalogue", str(path), "--agreement", intake_catalogue.agreement.reference, "--update", stdout=out
    )
    version = intake_catalogue.versions.get(number=2)
    assert version.upload_mode == UPDATE
    assert set(items_of(version)) == {"KON-0000001", "OLD-2"}


# --- Counts and confirmation ------------------------------------------------------------------------------------


@pytest.fixture
def confirm_over_one(settings, intake_agreement):
    settings.CATALOGUE_CONFIRM_REMOVALS_OVER = 1
    # Removals need a reviewer too, so a confirmed version visibly goes to review.
    intake_agreement.auto_approve_max_removals = 0
    intake_agreement.save(update_fields=["auto_approve_max_removals"])


def test_removals_under_the_threshold_go_on_with_the_counts_shown(
    client, supplier_user, intake_catalogue, live_version
):
    client.force_login(supplier_user)
    content = csv_bytes([["KON-0000001", "Kopieringspapper A4", "EA", "49,00", ""], ["NY-1", "Penna", "EA", "5", ""]])
    response = client.post(
        reverse("catalogue:catalogue", args=[intake_catalogue.pk]),
        {"file": SimpleUploadedFile("liten.csv", content), "mode": "replace"},
    )
    version = intake_catalogue.versions.get(number=2)
    assert version.status == Status.PUBLISHED, version.report  # 2 removals, default threshold 10
    page = client.get(response["Location"]).content.decode()
    assert "1 ny, 0 ändrade, 2 borttagna" in page


def test_many_removals_wait_for_the_suppliers_confirmation_then_go_to_review(
    client, supplier_user, intake_catalogue, live_version, confirm_over_one
):
    client.force_login(supplier_user)
    content = csv_bytes([["KON-0000001", "Kopieringspapper A4", "EA", "49,00", ""]])
    response = client.post(
        reverse("catalogue:catalogue", args=[intake_catalogue.pk]), {"file": SimpleUploadedFile("fyra.csv", content)}
    )
    version = intake_catalogue.versions.get(number=2)
    assert version.status == Status.AWAITING_CONFIRM
    page = client.get(response["Location"]).content.decode()
    assert "Väntar på din bekräftelse" in page
    assert "0 nya, 0 ändrade, 2 borttagna" in page
    assert 'name="confirm_removals"' in page
    # Not in the reviewer's queue while it waits for the supplier.
    assert version.pk not in CatalogueVersion.objects.filter(status__in=Status.DECIDABLE).values_list("pk", flat=True)

    confirm_url = reverse("catalogue:version-confirm", args=[version.pk])
    client.post(confirm_url, {})  # the box not ticked
    version.refresh_from_db()
    assert version.status == Status.AWAITING_CONFIRM

    client.post(confirm_url, {"confirm_removals": "1"})
    version.refresh_from_db()
    assert version.status == Status.PENDING_REVIEW
    assert version.removals_confirmed_by == supplier_user and version.removals_confirmed_at is not None
    intake_catalogue.refresh_from_db()
    assert intake_catalogue.live_version_id == live_version.pk


def test_confirmed_version_within_the_limits_is_approved_automatically(
    settings, supplier_user, intake_catalogue, live_version
):
    settings.CATALOGUE_CONFIRM_REMOVALS_OVER = 1
    version = upload(intake_catalogue, "en.csv", csv_bytes([["OLD-1", "Gem 28 mm", "EA", "12", ""]]))
    assert version.status == Status.AWAITING_CONFIRM
    version = confirm_removals(version, supplier_user)
    assert version.status == Status.PUBLISHED


def test_awaiting_confirm_can_be_withdrawn(client, supplier_user, intake_catalogue, live_version, confirm_over_one):
    version = upload(intake_catalogue, "fyra.csv", csv_bytes([["OLD-1", "Gem", "EA", "12", ""]]))
    assert version.status == Status.AWAITING_CONFIRM
    client.force_login(supplier_user)
    page = client.get(reverse("catalogue:version", args=[version.pk])).content.decode()
    assert reverse("catalogue:version-withdraw", args=[version.pk]) in page
    client.post(reverse("catalogue:version-withdraw", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == Status.WITHDRAWN
    # Nothing to confirm any more.
    client.post(reverse("catalogue:version-confirm", args=[version.pk]), {"confirm_removals": "1"})
    version.refresh_from_db()
    assert version.status == Status.WITHDRAWN


def test_a_newer_upload_supersedes_a_version_awaiting_confirmation(intake_catalogue, live_version, confirm_over_one):
    first = upload(intake_catalogue, "a.csv", csv_bytes([["OLD-1", "Gem", "EA", "12", ""]]))
    second = upload(intake_catalogue, "b.csv", csv_bytes([["OLD-2", "Pärm", "EA", "30", ""]]))
    first.refresh_from_db()
    assert second.status == Status.AWAITING_CONFIRM
    assert (first.status, first.superseded_by_id) == (Status.SUPERSEDED, second.pk)
    waiting = intake_catalogue.versions.filter(status__in=Status.WAITING)
    assert list(waiting.values_list("pk", flat=True)) == [second.pk]


def test_another_supplier_cannot_confirm(client, other_supplier_user, intake_catalogue, live_version, confirm_over_one):
    version = upload(intake_catalogue, "a.csv", csv_bytes([["OLD-1", "Gem", "EA", "12", ""]]))
    client.force_login(other_supplier_user)
    response = client.post(reverse("catalogue:version-confirm", args=[version.pk]), {"confirm_removals": "1"})
    assert response.status_code == 404
    version.refresh_from_db()
    assert version.status == Status.AWAITING_CONFIRM


# --- The upload form and the template ------------------------------------------------------------------------


def test_upload_form_has_a_labelled_mode_choice(client, supplier_user, intake_catalogue):
    client.force_login(supplier_user)
    page = client.get(reverse("catalogue:catalogue", args=[intake_catalogue.pk])).content.decode()
    tree = etree.HTML(page)
    fieldset = tree.find(".//form//fieldset")
    assert fieldset.findtext("legend").strip() == "Hur ska filen användas?"
    radios = fieldset.findall(".//input[@type='radio']")
    assert [r.get("value") for r in radios] == ["replace", "update"]
    assert radios[0].get("checked") is not None and radios[1].get("checked") is None
    for radio in radios:
        label = fieldset.find(f".//label[@for='{radio.get('id')}']")
        help_text = fieldset.find(f".//*[@id='{radio.get('aria-describedby').split()[0]}']")
        assert label is not None and help_text is not None
    text = "".join(fieldset.itertext())
    assert "Ersätt hela katalogen" in text and "artiklar som inte finns i filen tas bort" in text
    assert "Uppdatera" in text and "Ta bort i kolumnen Åtgärd" in text


def test_portal_upload_in_update_mode(client, supplier_user, intake_catalogue, live_version):
    client.force_login(supplier_user)
    content = xlsx_bytes([["OLD-2", "", "", "", "Ta bort"]])
    client.post(
        reverse("catalogue:catalogue", args=[intake_catalogue.pk]),
        {"file": SimpleUploadedFile("bort.xlsx", content), "mode": "update"},
    )
    version = intake_catalogue.versions.get(number=2)
    assert version.upload_mode == UPDATE
    assert set(items_of(version)) == {"KON-0000001", "OLD-1"}


def test_unknown_mode_in_the_form_is_a_400(client, supplier_user, intake_catalogue):
    client.force_login(supplier_user)
    response = client.post(
        reverse("catalogue:catalogue", args=[intake_catalogue.pk]),
        {"file": SimpleUploadedFile("a.csv", csv_bytes([["A", "B", "EA", "1", ""]])), "mode": "append"},
    )
    assert response.status_code == 400
    assert intake_catalogue.versions.count() == 0


def test_template_has_the_action_column_and_explains_both_modes():
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert [c.value for c in workbook[ITEMS_SHEET][1]][-1] == "Åtgärd"
    text = " ".join(str(row[0]) for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if row and row[0])
    assert "Ersätt hela katalogen: filen är hela katalogen" in text
    assert "Uppdatera: bara nya och ändrade rader" in text and "Ny, Ändra eller Ta bort" in text


# --- Download of the live catalogue -------------------------------------------------------------------------------


@pytest.fixture
def rich_live_version(intake_catalogue, peppol_file):
    """A published catalogue imported from a generated Peppol file, with text a spreadsheet would run."""
    items = generate_items(12, seed=4)
    items[0].name = '=HYPERLINK("http://example.com";"klicka")'
    items[1].description = "-20 % rabatt"
    items[2].manufacturer = "@Fabrik"
    path = write_peppol(peppol_file(1).parent / "rik.xml", items, intake_catalogue.supplier, RECEIVER, INTAKE_AGREEMENT)
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.error_count == 0, version.report
    # Fields the generator leaves empty: dates, CPV, a base quantity and a price with four decimals.
    first = version.items.order_by("line_number").first()
    CatalogueItem.objects.filter(pk=first.pk).update(
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2027, 12, 31),
        cpv="30197630-1",
        base_quantity=Decimal("10"),
        price=Decimal("1234567.1234"),
        keywords=["papper", "kontor", "A4"],
    )
    return approve(version)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_download_and_upload_again_in_replace_mode_changes_nothing(
    client, supplier_user, intake_catalogue, rich_live_version, fmt
):
    client.force_login(supplier_user)
    response = client.get(reverse(f"catalogue:catalogue-export-{fmt}", args=[intake_catalogue.pk]))
    assert response.status_code == 200
    assert f"katalog-RAM-INTAKE-1-v{rich_live_version.number}.{fmt}" in response["Content-Disposition"]
    client.post(
        reverse("catalogue:catalogue", args=[intake_catalogue.pk]),
        {"file": SimpleUploadedFile(f"nedladdad.{fmt}", response.content), "mode": "replace"},
    )
    again = intake_catalogue.versions.get(number=rich_live_version.number + 1)
    assert again.error_count == 0, again.report
    summary = again.diff_summary
    assert (summary["added"], summary["changed"], summary["removed"]) == (0, 0, 0), summary
    assert summary["unchanged"] == rich_live_version.items.count() == 12
    # Every compared field came back the same (the diff compares them all); spot-check the neutralised ones.
    names = set(again.items.values_list("name", flat=True))
    assert '=HYPERLINK("http://example.com";"klicka")' in names


def test_export_neutralises_formulas(client, supplier_user, intake_catalogue, live_version):
    CatalogueItem.objects.filter(version=live_version, seller_item_id="OLD-1").update(
        name="=cmd|' /C calc'!A0", manufacturer="+46 8 123", description="@SUM(1)", keywords=["-2", "ok"]
    )
    client.force_login(supplier_user)
    content = client.get(reverse("catalogue:catalogue-export-xlsx", args=[intake_catalogue.pk])).content
    sheet = load_workbook(io.BytesIO(content))[ITEMS_SHEET]
    headings = [c.value for c in sheet[1]]
    assert headings == [c.heading for c in COLUMNS]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "OLD-1")
    cells = {heading: cell for heading, cell in zip(headings, row, strict=True)}
    assert cells["Benämning"].value == "'=cmd|' /C calc'!A0"
    assert cells["Tillverkare"].value == "'+46 8 123"
    assert cells["Beskrivning"].value == "'@SUM(1)"
    assert cells["Sökord"].value == "'-2; ok"
    assert not [c.coordinate for r in sheet.iter_rows() for c in r if c.data_type == "f"]
    assert cells["Pris"].value == 12.0  # numbers stay numbers

    text = client.get(reverse("catalogue:catalogue-export-csv", args=[intake_catalogue.pk])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    exported = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == "OLD-1"), strict=True))
    assert exported["Benämning"] == "'=cmd|' /C calc'!A0"
    assert exported["Tillverkare"] == "'+46 8 123"
    assert exported["Pris"] == "12"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_another_supplier_cannot_download_the_catalogue(client, other_supplier_user, intake_catalogue, live_version):
    client.force_login(other_supplier_user)
    for fmt in ("xlsx", "csv"):
        assert client.get(reverse(f"catalogue:catalogue-export-{fmt}", args=[intake_catalogue.pk])).status_code == 404


def test_download_without_a_live_version_is_404_and_not_offered(client, supplier_user, intake_catalogue):
    client.force_login(supplier_user)
    assert client.get(reverse("catalogue:catalogue-export-xlsx", args=[intake_catalogue.pk])).status_code == 404
    page = client.get(reverse("catalogue:catalogue", args=[intake_catalogue.pk])).content.decode()
    assert reverse("catalogue:catalogue-export-xlsx", args=[intake_catalogue.pk]) not in page


def test_catalogue_page_offers_the_download(client, supplier_user, intake_catalogue, live_version):
    client.force_login(supplier_user)
    page = client.get(reverse("catalogue:catalogue", args=[intake_catalogue.pk])).content.decode()
    assert reverse("catalogue:catalogue-export-xlsx", args=[intake_catalogue.pk]) in page
    assert reverse("catalogue:catalogue-export-csv", args=[intake_catalogue.pk]) in page


# --- API ----------------------------------------------------------------------------------------------------------


def api_upload(client, secret: str, reference: str, content: bytes, query: str = ""):
    return client.post(
        reverse("catalogue-api:upload", args=[reference]) + query,
        data=content,
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_CONTENT_DISPOSITION='attachment; filename="andring.csv"',
    )


def test_api_update_mode_reports_the_counts(client, intake_catalogue, live_version):
    secret = create_token(intake_catalogue.supplier)[1]
    content = csv_bytes([["NY-1", "Penna", "EA", "5", "Ny"], ["OLD-1", "", "", "", "Ta bort"]])
    response = api_upload(client, secret, intake_catalogue.agreement.reference, content, "?mode=update")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["upload_mode"] == "update"
    assert data["changes"] == {"added": 1, "changed": 0, "removed": 1}
    assert data["confirmation_required"] is False
    assert set(items_of(intake_catalogue.versions.get(number=2))) == {"KON-0000001", "OLD-2", "NY-1"}


def test_api_unknown_mode_is_400_and_stores_nothing(client, intake_catalogue):
    secret = create_token(intake_catalogue.supplier)[1]
    response = api_upload(client, secret, intake_catalogue.agreement.reference, b"x", "?mode=append")
    assert response.status_code == 400
    assert "mode=update" in response.json()["error"]["en"]
    assert intake_catalogue.versions.count() == 0


def test_api_confirmation(client, intake_catalogue, live_version, confirm_over_one, other_supplier):
    secret = create_token(intake_catalogue.supplier)[1]
    content = csv_bytes([["KON-0000001", "Kopieringspapper A4", "EA", "49", ""]])
    data = api_upload(client, secret, intake_catalogue.agreement.reference, content).json()
    assert data["status"] == Status.AWAITING_CONFIRM
    assert data["confirmation_required"] is True and data["changes"]["removed"] == 2
    confirm = data["links"]["confirm"]
    stranger = create_token(other_supplier)[1]
    assert client.post(confirm, HTTP_AUTHORIZATION=f"Bearer {stranger}").status_code == 404
    response = client.post(confirm, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["status"] == Status.PENDING_REVIEW
    assert client.post(confirm, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 409


def test_english_pages_word_modes_counts_and_confirmation_in_english(
    client, supplier_user, intake_catalogue, live_version, confirm_over_one
):
    version = upload(intake_catalogue, "a.csv", csv_bytes([["NY-1", "Penna", "EA", "5", ""]]))
    assert version.status == Status.AWAITING_CONFIRM
    client.force_login(supplier_user)
    with translation.override("en"):
        catalogue_page = client.get(reverse("catalogue:catalogue", args=[intake_catalogue.pk])).content.decode()
        version_page = client.get(reverse("catalogue:version", args=[version.pk])).content.decode()
    assert "How should the file be used?" in catalogue_page
    assert "Replace the whole catalogue" in catalogue_page and "Published catalogue as Excel" in catalogue_page
    assert "Waiting for your confirmation" in version_page
    assert "1 new, 0 changed, 3 removed" in version_page
    assert "I confirm that 3 items are to be removed from the catalogue" in version_page
    assert "Hur ska filen användas" not in catalogue_page and "borttagna" not in version_page


def test_csv_template_has_the_headings_with_the_action_column(client, supplier_user):
    client.force_login(supplier_user)
    response = client.get(reverse("catalogue:csv-template"))
    assert response.status_code == 200 and "katalogmall.csv" in response["Content-Disposition"]
    [headings] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert headings == [c.heading for c in COLUMNS] and headings[-1] == "Åtgärd"
