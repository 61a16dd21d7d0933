"""The supplier portal and review screens, through Django's test client."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from lxml import etree
from openpyxl import load_workbook

from catalogue.catalogue_response import check_response
from catalogue.error_codes import issue_texts
from catalogue.models import CatalogueVersion
from catalogue.review import approve, review_reason_text
from catalogue.tests.review_fixtures import make_version

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_peppol_id")]
Status = CatalogueVersion.Status


def test_upload_of_a_valid_peppol_file_goes_to_review(client, supplier_user, intake_catalogue, peppol_file):
    client.force_login(supplier_user)
    path = peppol_file(n=3)
    url = reverse("catalogue:catalogue", args=[intake_catalogue.pk])
    response = client.post(url, {"file": SimpleUploadedFile("katalog.xml", path.read_bytes())})
    version = intake_catalogue.versions.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:version", args=[version.pk])
    # First version of the catalogue: a reviewer sets the agreement prices.
    assert version.status == Status.PENDING_REVIEW, version.report
    assert version.line_count == 3
    page = client.get(response["Location"]).content.decode()
    assert "Väntar på granskning" in page
    assert "Katalogens första version" in page


def test_invalid_upload_is_kept_and_its_report_shows_row_and_column(client, supplier_user, intake_catalogue, tmp_path):
    client.force_login(supplier_user)
    csv = "Artikelnummer;Benämning;Enhet;Pris;Valuta\nA-1;Penna;EA;;SEK\n"
    url = reverse("catalogue:catalogue", args=[intake_catalogue.pk])
    response = client.post(url, {"file": SimpleUploadedFile("katalog.csv", csv.encode("utf-8"), "text/csv")})
    version = intake_catalogue.versions.get()
    assert version.status == Status.INVALID
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    issue = next(i for i in version.report["issues"] if i["severity"] == "error")
    # The Swedish page words the stored issue in Swedish only.
    assert issue_texts(issue)["sv"] in page
    assert issue_texts(issue)["en"] not in page
    assert f"<td>{issue['line']}</td>" in page
    assert "Filen har fel" in page  # message after the redirect, Swedish + English


def test_empty_upload_form_is_a_clear_400(client, supplier_user, intake_catalogue):
    client.force_login(supplier_user)
    response = client.post(reverse("catalogue:catalogue", args=[intake_catalogue.pk]), {})
    assert response.status_code == 400
    assert intake_catalogue.versions.count() == 0
    assert "error-text" in response.content.decode()


def test_progress_json(client, supplier_user, review_catalogue):
    version = make_version(review_catalogue, [], status=Status.RECEIVED, progress_percent=40)
    client.force_login(supplier_user)
    data = client.get(reverse("catalogue:version-progress", args=[version.pk])).json()
    assert data == {
        "status": "received",
        "status_display": version.get_status_display(),
        "progress_percent": 40,
        "errors": 0,
        "warnings": 0,
        "awaiting_outcome": True,
    }


@pytest.mark.parametrize(
    ("status", "awaiting"),
    [(Status.CHECKING, True), (Status.VALIDATED, True), (Status.PUBLISHED, False), (Status.FAILED, False)],
)
def test_the_version_page_polls_until_the_outcome_is_known(client, supplier_user, review_catalogue, status, awaiting):
    """VALIDATED lasts until the worker decides (auto-approval or review): a page that stopped polling there
    showed "Giltig, skickas till granskning" for ever while the version was already published."""
    version = make_version(review_catalogue, [], status=status)
    client.force_login(supplier_user)
    data = client.get(reverse("catalogue:version-progress", args=[version.pk])).json()
    assert data["awaiting_outcome"] is awaiting
    page = client.get(reverse("catalogue:version", args=[version.pk])).content.decode()
    assert (reverse("catalogue:version-progress", args=[version.pk]) in page) is awaiting


def test_t58_download_from_the_portal(client, supplier_user, review_pending_version, reviewer_user):
    client.force_login(supplier_user)
    url = reverse("catalogue:version-response", args=[review_pending_version.pk])
    pending = client.get(url)
    assert pending.status_code == 409
    assert "not decided" in pending.content.decode()
    approve(review_pending_version, reviewer_user, "OK")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "attachment" in response["Content-Disposition"]
    assert check_response(response.content).ok


def test_xlsx_template_download(client, supplier_user):
    client.force_login(supplier_user)
    response = client.get(reverse("catalogue:xlsx-template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    headings = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert "Artikelnummer" in headings and "Pris" in headings


def test_review_screen_marks_changes_with_text_not_colour_only(client, reviewer_user, review_pending_version):
    client.force_login(reviewer_user)
    page = client.get(reverse("catalogue:review-detail", args=[review_pending_version.pk])).content.decode()
    tree = etree.HTML(page)
    rows = {row.findtext("th"): row for row in tree.iterfind(".//table[@class='diff-table']/tbody/tr")}
    up = rows["KP-100"]
    assert "price-up" in up.get("class")
    assert "Höjning" in "".join(up.itertext()) and "+10,00 %" in "".join(up.itertext())
    assert "▲" in "".join(up.itertext())
    down = rows["KP-300"]
    assert "Sänkning" in "".join(down.itertext()) and "-25,00 %" in "".join(down.itertext())
    assert "Oförändrat pris" in "".join(rows["KP-200"].itertext())
    assert "benämning" in "".join(rows["KP-200"].itertext())  # the changed field by its Swedish name
    # Added and removed rows carry a sign and their own heading.
    assert any("KP-500" in "".join(r.itertext()) for r in tree.iterfind(".//tr[@class='diff-added']"))
    assert any("KP-400" in "".join(r.itertext()) for r in tree.iterfind(".//tr[@class='diff-removed']"))
    assert "45,00 kr" in page and "49,50 kr" in page  # amounts the Swedish way


def test_reviewer_approves_in_the_screen(client, reviewer_user, review_pending_version, review_live_version):
    client.force_login(reviewer_user)
    url = reverse("catalogue:review-detail", args=[review_pending_version.pk])
    response = client.post(url, {"action": "approve", "comment": "Avtalad höjning"}, follow=True)
    assert response.status_code == 200
    review_pending_version.refresh_from_db()
    review_live_version.refresh_from_db()
    assert review_pending_version.status == Status.PUBLISHED
    assert review_pending_version.reviewed_by == reviewer_user
    assert review_live_version.status == Status.SUPERSEDED
    page = response.content.decode()
    assert "Godkänd och publicerad" in page and "Approved and published" not in page  # a Swedish page
    assert reverse("catalogue:review-response", args=[review_pending_version.pk]) in response.content.decode()


@pytest.mark.parametrize(
    ("language", "expected", "other"),
    [("sv", "Skriv varför versionen avvisas", "Give a reason"), ("en", "Give a reason for the rejection", "Skriv")],
)
def test_reject_without_comment_is_a_400_in_the_page_language(
    client, reviewer_user, review_pending_version, language, expected, other
):
    client.force_login(reviewer_user)
    with translation.override(language):
        url = reverse("catalogue:review-detail", args=[review_pending_version.pk])
    response = client.post(url, {"action": "reject", "comment": ""})
    assert response.status_code == 400
    assert expected in response.content.decode() and other not in response.content.decode()
    review_pending_version.refresh_from_db()
    assert review_pending_version.status == Status.PENDING_REVIEW
    client.post(url, {"action": "reject", "comment": "Fel pris på KP-100"})
    review_pending_version.refresh_from_db()
    assert review_pending_version.status == Status.REJECTED
    assert review_pending_version.review_comment == "Fel pris på KP-100"


def test_deciding_twice_is_refused(client, reviewer_user, review_pending_version):
    client.force_login(reviewer_user)
    url = reverse("catalogue:review-detail", args=[review_pending_version.pk])
    client.post(url, {"action": "approve"})
    response = client.post(url, {"action": "reject", "comment": "för sent"})
    assert response.status_code == 400
    review_pending_version.refresh_from_db()
    assert review_pending_version.status == Status.PUBLISHED


def test_english_pages_exist(client, supplier_user, review_catalogue):
    client.force_login(supplier_user)
    response = client.get(reverse("catalogue:portal").replace("/sv/", "/en/", 1))
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_old_portal_login_address_leads_to_the_one_login_page(client, supplier_user):
    response = client.get("/sv/leverantor/logga-in/?next=/sv/leverantor/")
    assert response.status_code == 302
    assert response["Location"] == "/sv/logga-in/?next=%2Fsv%2Fleverantor%2F"
    signed_in = client.post(
        response["Location"], {"username": "leverantor", "password": "test-password-1", "next": "/sv/leverantor/"}
    )
    assert signed_in["Location"] == "/sv/leverantor/"
    # An unsafe next is dropped, not carried along.
    assert client.get("/sv/leverantor/logga-in/?next=https://evil.example/")["Location"] == "/sv/logga-in/"


def test_version_page_counts_changes_once_and_names_price_cuts_too(client, review_pending_version, supplier_user):
    """New, changed and removed are counted once (#change-counts); the price list names rises and cuts."""
    client.force_login(supplier_user)
    page = client.get(reverse("catalogue:version", args=[review_pending_version.pk])).content.decode()
    summary = review_pending_version.diff_summary
    assert summary["price_decreases"] == 1 and summary["price_increases"] == 1
    assert page.count('id="change-counts"') == 1
    assert "Nya artiklar" not in page and "Ändrade artiklar" not in page
    assert "1 prishöjning" in page and "1 prissänkning" in page


def test_version_page_writes_percentages_with_a_decimal_comma(client, review_pending_version, supplier_user):
    """Found on make run: "högst +10.02 %" and "Prishöjning upp till 10.02 %" on a Swedish page."""
    client.force_login(supplier_user)
    page = client.get(reverse("catalogue:version", args=[review_pending_version.pk])).content.decode()
    stored = review_pending_version.diff_summary["max_increase_percent"]
    assert "." in stored  # a stored decimal, e.g. "10.00"
    assert f"+{stored.replace('.', ',')} %" in page and f"+{stored} %" not in page
    reason = next(r for r in review_pending_version.diff_summary["review_reasons"] if r["code"] == "PRICE-INCREASE")
    with translation.override("sv"):
        assert f"upp till {stored.replace('.', ',')} %" in review_reason_text(reason)
    with translation.override("en"):  # hub.formats: English pages keep the decimal comma too
        assert f"up to {stored.replace('.', ',')} %" in review_reason_text(reason)
