"""seed_hub's public follow-up page in Chromium, in Swedish and English: the live figures as charts named for
assistive technology, each beside its table, and zero axe violations."""

from __future__ import annotations

import pytest
from django.utils import timezone

from followup.purchases import import_purchases
from followup.tests.fixtures import csv_file
from hub.guidance.followup_page import seed_follow_up_page
from hub.guidance.models import FollowUpPage
from hub.guidance.seeding import seed_guidance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded_page(live_server, punchout_catalogue, supplier, other_supplier):
    """The guidance tree and the follow-up page in the live server's database, with 80 % avtalstrohet."""
    seed_guidance()
    seed_follow_up_page()
    today = timezone.localdate().isoformat()
    rows = [[supplier.orgnr, "1000", today, "", "5460"], [other_supplier.orgnr, "250", today, "", "5460"]]
    assert import_purchases(csv_file(rows), "ekonomi.csv", punchout_catalogue.organisation).ok
    return live_server


@pytest.mark.parametrize(
    ("language", "compliance", "per_organisation"),
    [
        ("sv", "Avtalstrohet per månad", "Avtalstrohet per organisation"),
        ("en", "Contract compliance per month", "Contract compliance per organisation"),
    ],
)
def test_the_seeded_follow_up_page_reads_without_axe_violations(
    seeded_page, browser_page, axe, language, compliance, per_organisation
):
    page = FollowUpPage.objects.get(locale__language_code=language)

    response = browser_page.goto(page.url)

    assert response.status == 200
    assert browser_page.locator("html").get_attribute("lang") == language
    assert browser_page.get_by_role("img", name=compliance).count() == 1
    chart = browser_page.get_by_role("img", name=per_organisation)
    assert "Exempelkommun: 80,0 %" in chart.locator("desc").text_content()
    tables = browser_page.locator("section.live-figures table")
    assert tables.count() == 4
    assert "80,0 %" in tables.nth(1).inner_text()
    axe(browser_page)
