"""The follow-up dashboard in Chromium, in Swedish and in English: charts with their tables, zero axe violations."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from wagtail.users.models import UserProfile

from followup.purchases import import_purchases
from followup.tests.fixtures import csv_file
from search.models import SearchLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def activity(punchout_catalogue, supplier, other_supplier):
    today = timezone.localdate().isoformat()
    rows = [[supplier.orgnr, "1000", today, "", "5460"], [other_supplier.orgnr, "250", today, "", "5460"]]
    assert import_purchases(csv_file(rows), "ekonomi.csv", punchout_catalogue.organisation).ok
    for query, hits in (("kontorsstol", 0), ("kontorsstol", 0), ("whiteboardpennor", 2)):
        SearchLog.objects.create(
            query=query,
            result_count=hits,
            zero_hit=hits == 0,
            backend="db",
            duration_ms=5,
            organisation=punchout_catalogue.organisation,
        )
    return punchout_catalogue


def signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.parametrize(
    ("language", "heading", "trend", "zero_hit_caption"),
    [
        ("sv", "Uppföljning", "Avtalstrohet per månad", "Vanligaste sökningarna utan träffar"),
        ("en", "Follow-up", "Contract compliance per month", "Most frequent searches without results"),
    ],
)
def test_the_dashboard_reads_in_one_language_without_axe_violations(
    browser_page, live_server, axe, activity, own_reviewer, language, heading, trend, zero_hit_caption
):
    profile = UserProfile.get_for_user(own_reviewer)
    profile.preferred_language = language
    profile.save()
    signed_in(browser_page, live_server, own_reviewer)

    browser_page.goto("/admin/uppfoljning/")

    assert browser_page.get_by_role("heading", name=heading, exact=True).first.is_visible()
    assert browser_page.locator("html").get_attribute("lang") == language
    chart = browser_page.get_by_role("img", name=trend)
    assert chart.count() == 1
    assert browser_page.locator("table", has=browser_page.locator("caption", has_text=trend)).count() == 1
    table = browser_page.locator("table", has=browser_page.locator("caption", has_text=zero_hit_caption))
    assert "kontorsstol" in table.inner_text()
    assert "80,0 %" in browser_page.content()
    axe(browser_page)


def test_bar_labels_stay_inside_their_chart(browser_page, live_server, activity, own_reviewer):
    """Found on make run: "RA-2026-001 Kontorsmaterial och p…" started left of the chart, its first letter cut."""
    agreement = activity.agreement
    agreement.title = "Kontorsmaterial, papper och förbrukningsmaterial för skolor"
    agreement.save()
    signed_in(browser_page, live_server, own_reviewer)

    browser_page.goto("/admin/uppfoljning/")

    outside = browser_page.evaluate(
        """() => [...document.querySelectorAll('svg.followup-chart text')]
            .filter(text => text.getBBox().x < 0).map(text => text.textContent)"""
    )
    labels = browser_page.evaluate(
        "() => [...document.querySelectorAll('svg.followup-chart text')].map(text => text.textContent)"
    )
    assert any(label.startswith(agreement.reference) and label.endswith("…") for label in labels), labels
    assert outside == []
