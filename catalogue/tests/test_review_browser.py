"""End to end in Chromium: a reviewer signs in, approves a pending version, it goes live, T58 downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.catalogue_response import check_response
from catalogue.models import CatalogueItem, CatalogueVersion
from catalogue.review import reject, submit_for_review
from catalogue.tests.review_fixtures import make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hub_peppol_id")]
Status = CatalogueVersion.Status


@pytest.fixture
def pending(transactional_db, review_live_version, review_changed_items):
    return submit_for_review(make_version(review_live_version.catalogue, review_changed_items))


def sign_in(page, username: str, next_url: str) -> None:
    page.goto(f"/sv/leverantor/logga-in/?next={next_url}")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("test-password-1")
    page.get_by_role("button", name="Logga in").click()


def test_reviewer_approves_and_downloads_t58(browser_page, axe, pending, reviewer_user, review_live_version):
    page = browser_page
    assert pending.status == Status.PENDING_REVIEW
    sign_in(page, reviewer_user.username, "/sv/granskning/")
    page.get_by_role("link", name=f"Granska v{pending.number}").click()
    page.wait_for_url(f"**/sv/granskning/{pending.pk}/")

    # Changes are marked with words and icons, not colour alone.
    row = page.locator("tr", has=page.get_by_role("rowheader", name="KP-100"))
    assert "Höjning" in row.inner_text() and "+10,00 %" in row.inner_text()
    assert page.get_by_role("heading", name="Nya artiklar").is_visible()
    assert page.get_by_role("heading", name="Borttagna artiklar").is_visible()
    axe(page)

    page.get_by_label("Kommentar till leverantören").fill("Höjningen är avtalad")
    page.get_by_role("button", name="Godkänn och publicera").click()
    page.get_by_text("Godkänd och publicerad", exact=True).wait_for()

    pending.refresh_from_db()
    review_live_version.refresh_from_db()
    assert pending.status == Status.PUBLISHED
    assert review_live_version.status == Status.SUPERSEDED
    live_ids = set(CatalogueItem.objects.live().values_list("seller_item_id", flat=True))
    assert live_ids == set(pending.items.values_list("seller_item_id", flat=True))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner katalogsvaret (Peppol T58)").click()
    download = download_info.value
    document = Path(download.path()).read_bytes()
    assert b"<cbc:ResponseCode>AP</cbc:ResponseCode>" in document
    assert "Höjningen är avtalad".encode() in document
    assert check_response(document).ok


def test_supplier_sees_the_decision_and_the_report_page_is_accessible(
    browser_page, axe, pending, supplier_user, reviewer_user
):
    reject(pending, reviewer_user, "Priset på KP-100 är inte avtalat")
    page = browser_page
    sign_in(page, supplier_user.username, "/sv/leverantor/")
    page.get_by_role("link", name=pending.catalogue.agreement.reference, exact=False).click()
    axe(page)
    page.get_by_role("link", name=f"v{pending.number}", exact=True).click()
    assert page.get_by_text("Priset på KP-100 är inte avtalat").is_visible()
    axe(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner katalogsvaret (Peppol T58)").click()
    document = Path(download_info.value.path()).read_bytes()
    assert b"<cbc:ResponseCode>RE</cbc:ResponseCode>" in document
