"""seed_hub's year of activity: baskets, finance rows and searches, once, fast, and showing on the dashboard."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from catalogue.models import Agreement, Catalogue
from catalogue.tests.review_fixtures import make_version, publish_directly
from followup.figures import Figures, Period
from followup.models import MonthlySpend, Purchase, TransferredLine
from hub import demo
from hub.organisations.models import Supplier
from punchout.models import BasketLine
from search.models import SearchLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_hub(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo.seed_organisations()
    demo.seed_agreements()
    demo.seed_users()
    agreement = Agreement.objects.get(reference="RA-2026-001")
    catalogue = Catalogue.objects.create(agreement=agreement, supplier=Supplier.objects.get(orgnr="5566778899"))
    items = [
        {
            "seller_item_id": f"D-{n}",
            "name": f"Demovara {n}",
            "price": f"{10 + n}.50",
            "unit": "EA",
            "unspsc": "44121704",
        }
        for n in range(30)
    ]
    publish_directly(make_version(catalogue, items))


def test_a_year_of_activity_is_seeded_once(demo_hub):
    first = demo.seed_activity()
    assert first["basket_lines"] > 100 and first["purchases"] > 300 and first["searches"] > 500
    sizes = (
        TransferredLine.objects.count(),
        BasketLine.objects.count(),
        Purchase.objects.count(),
        SearchLog.objects.count(),
    )
    assert sizes[0] == sizes[1] == first["basket_lines"]
    # Searches are made for the demo organisations, and some by anonymous visitors.
    searchers = set(SearchLog.objects.values_list("organisation__orgnr", flat=True))
    assert searchers == {*(orgnr for orgnr, _name in demo.BUYERS), None}

    again = demo.seed_activity()

    assert again == {"basket_lines": 0, "purchases": 0, "searches": 0}
    assert (
        TransferredLine.objects.count(),
        BasketLine.objects.count(),
        Purchase.objects.count(),
        SearchLog.objects.count(),
    ) == sizes


def test_demo_searches_seeded_before_the_log_kept_organisations_are_seeded_again(demo_hub):
    SearchLog.objects.create(
        query="kontorsstol", result_count=0, zero_hit=True, backend=demo.DEMO_SEARCH_BACKEND, duration_ms=5
    )

    counts = demo.seed_activity()

    assert counts["searches"] == SearchLog.objects.count() > 500
    assert SearchLog.objects.filter(organisation__isnull=False).exists()
    assert demo.seed_activity()["searches"] == 0


def test_the_seeded_year_shows_on_the_dashboard(demo_hub, client):
    demo.seed_activity()
    months = Figures(Period.last_months(12)).by_month()
    assert all(row.total > 0 for row in months)
    shares = [row.share for row in months]
    assert all(40 < share <= 100 for share in shares), [str(s) for s in shares]
    assert shares[-1] > shares[0]  # compliance improves over the demo year
    assert MonthlySpend.objects.filter(on_agreement=False).exists()
    zero = Figures(Period.last_months(12)).searches(zero_hit=True)
    assert zero[0].query == "kontorsstol"

    client.force_login(get_user_model().objects.get(username="katalogansvarig"))
    page = client.get(reverse("followup:dashboard")).content.decode()
    assert "Exempelstads kommun" in page and "Region Exempelland" not in page
    assert "kontorsstol" in page


def test_seeded_baskets_are_all_on_an_agreement_in_force(demo_hub):
    """Found on make run: baskets on RA-2026-001 months before it began made January 30 % compliant."""
    demo.seed_activity()
    lines = TransferredLine.objects.filter(agreement__isnull=False)
    assert lines.exists()
    assert not lines.filter(on_agreement=False).exists()
