"""The follow-up API (followup.api): only with a valid organisation token, only the token's organisation, the
same figures as the dashboard, bilingual refusals of bad periods, and no personal data in unmet demand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalogue.api import create_token
from followup.figures import Figures, Period, add_months
from followup.models import TransferredLine
from followup.purchases import import_purchases
from followup.spend import month_of, rebuild_monthly_spend
from followup.tests.fixtures import csv_file, log_searches
from hub.organisations.api_tokens import create_organisation_token

pytestmark = pytest.mark.django_db
SPEND, COMPLIANCE, UNMET = "followup-api:spend", "followup-api:compliance", "followup-api:unmet-demand"
PAPER = "14111507"  # UNSPSC: copy paper, segment 14000000 "Papper och pappersprodukter"


def months_back(count: int):
    return add_months(month_of(timezone.localdate()), -count)


@pytest.fixture
def spend(punchout_catalogue, other_buyer_organisation, supplier, other_supplier):
    """Own organisation, over three months: 1 000 kr on agreement and 250 kr off two months ago, 400 kr on
    agreement this month, and a 120 kr basket line of paper. The other organisation: 7 777 kr."""
    own = punchout_catalogue.organisation
    punchout_catalogue.agreement.valid_from = months_back(12)
    punchout_catalogue.agreement.save()
    earlier, today = months_back(2).replace(day=10).isoformat(), timezone.localdate().isoformat()
    rows = [
        [supplier.orgnr, "1000", earlier, "", "5460"],
        [other_supplier.orgnr, "250", earlier, "", "5460"],
        [supplier.orgnr, "400", today, "", "5460"],
    ]
    assert import_purchases(csv_file(rows), "egen.csv", own).ok
    assert import_purchases(
        csv_file([[other_supplier.orgnr, "7777", today, "", ""]]), "a.csv", other_buyer_organisation
    ).ok
    TransferredLine.objects.create(
        organisation=own,
        buyer_system_name="Test",
        supplier=supplier,
        supplier_orgnr=supplier.orgnr,
        agreement=punchout_catalogue.agreement,
        agreement_reference=punchout_catalogue.agreement.reference,
        unspsc=PAPER,
        seller_item_id="P-1",
        quantity=Decimal(2),
        amount=Decimal("120.00"),
        on_agreement=True,
        transferred_on=timezone.localdate(),
    )
    rebuild_monthly_spend(own.pk)
    return punchout_catalogue


@pytest.fixture
def own_token(spend):
    return create_organisation_token(spend.organisation, "ekonomi")


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def period_query(months: int = 3) -> dict:
    return {"from": f"{months_back(months - 1):%Y-%m}", "to": f"{months_back(0):%Y-%m}"}


# ------------------------------------------------------------------------------------------------ tokens


@pytest.mark.parametrize("name", [SPEND, COMPLIANCE, UNMET])
def test_every_call_needs_a_valid_token(client, own_token, name):
    token, secret = own_token
    url = reverse(name)
    assert client.get(url, **bearer(secret)).status_code == 200
    for headers in ({}, bearer("hubo_wrong"), {"HTTP_AUTHORIZATION": f"Basic {secret}"}):
        response = client.get(url, **headers)
        assert response.status_code == 401, headers
        body = response.json()
        assert body["error"]["sv"].startswith("Ange en giltig API-nyckel")
        assert body["error"]["en"].startswith("Send a valid API token")
        assert response["WWW-Authenticate"].startswith("Bearer")
    token.revoked_at = timezone.now()
    token.save()
    assert client.get(url, **bearer(secret)).status_code == 401


def test_a_supplier_token_is_not_an_organisation_token(client, spend, supplier):
    _token, secret = create_token(supplier)
    assert client.get(reverse(SPEND), **bearer(secret)).status_code == 401


# ------------------------------------------------------------------------------------------------ scope


def test_each_organisation_sees_only_its_own_figures(
    client, spend, own_token, other_buyer_organisation, other_supplier
):
    _token, own_secret = own_token
    _token, other_secret = create_organisation_token(other_buyer_organisation)

    own = client.get(reverse(COMPLIANCE), period_query(), **bearer(own_secret)).json()
    other = client.get(reverse(COMPLIANCE), period_query(), **bearer(other_secret)).json()

    assert own["organisation"] == {"name": "Exempelkommun", "orgnr": spend.organisation.orgnr}
    assert own["total"] == {"amount": "1770.00", "on_agreement": "1520.00", "share_on_agreement": "85.9"}
    assert other["organisation"]["name"] == "Annan region"
    assert other["total"]["amount"] == "7777.00"
    by_supplier = client.get(reverse(SPEND), {"by": "supplier", **period_query()}, **bearer(other_secret)).json()
    assert [row["key"] for row in by_supplier["rows"]] == [other_supplier.orgnr]
    assert "1000.00" not in str(by_supplier) and "Exempelkommun" not in str(by_supplier)


# ------------------------------------------------------------------------------------------------ figures


def test_compliance_equals_the_dashboard_for_the_same_period(client, spend, own_token, own_reviewer):
    _token, secret = own_token
    api = client.get(reverse(COMPLIANCE), period_query(), **bearer(secret)).json()

    client.force_login(own_reviewer)
    query = period_query()
    page = client.get(reverse("followup:dashboard"), {"fran": query["from"], "till": query["to"]})
    assert page.status_code == 200 and not page.context["problems"]
    total = page.context["total"]
    assert (Decimal(api["total"]["amount"]), Decimal(api["total"]["on_agreement"])) == (
        total.total,
        total.on_agreement,
    )
    assert Decimal(api["total"]["share_on_agreement"]) == total.share
    dashboard_months = [entry["row"] for entry in page.context["months"]]
    assert [m["month"] for m in api["months"]] == [row.label for row in dashboard_months]
    assert [(Decimal(m["amount"]), m["share_on_agreement"]) for m in api["months"]] == [
        (row.total, None if row.share is None else str(row.share)) for row in dashboard_months
    ]
    assert api["currency"] == "SEK" and api["period"] == {"from": query["from"], "to": query["to"]}
    assert api["months"][1]["share_on_agreement"] is None  # a month without spend says so, not 0 %


@pytest.mark.parametrize("by", ["agreement", "supplier", "category"])
def test_spend_equals_the_dashboard_for_the_same_period(client, spend, own_token, own_reviewer, by):
    _token, secret = own_token
    api = client.get(reverse(SPEND), {"by": by, **period_query()}, **bearer(secret)).json()

    client.force_login(own_reviewer)
    query = period_query()
    page = client.get(reverse("followup:dashboard"), {"fran": query["from"], "till": query["to"]})
    (section,) = [s for s in page.context["spend_sections"] if s["key"] == by]
    assert [(row["label"], Decimal(row["amount"]), Decimal(row["on_agreement"])) for row in api["rows"]] == [
        (row.label, row.total, row.on_agreement) for row in section["rows"]
    ]
    assert sum(Decimal(row["amount"]) for row in api["rows"]) == Decimal(api["total"]["amount"])


def test_spend_rows_carry_keys_callers_know_and_labels_in_both_languages(client, spend, own_token):
    _token, secret = own_token
    by_category = client.get(reverse(SPEND), {"by": "category", **period_query()}, **bearer(secret)).json()
    rows = {row["key"]: row for row in by_category["rows"]}
    assert rows["14000000"]["label"] == "Papper och pappersprodukter"
    assert rows["14000000"]["label_en"] != rows["14000000"]["label"] and rows["14000000"]["amount"] == "120.00"
    assert (rows[""]["label"], rows[""]["label_en"]) == ("Okänd kategori", "Unknown category")

    by_agreement = client.get(reverse(SPEND), {"by": "agreement", **period_query()}, **bearer(secret)).json()
    keys = {row["key"]: row["amount"] for row in by_agreement["rows"]}
    assert keys == {spend.agreement.reference: "1520.00", "": "250.00"}

    by_month = client.get(reverse(SPEND), {"by": "month", **period_query()}, **bearer(secret)).json()
    assert [row["key"] for row in by_month["rows"]] == [f"{months_back(n):%Y-%m}" for n in (2, 1, 0)]
    assert [row["amount"] for row in by_month["rows"]] == ["1250.00", "0.00", "520.00"]


def test_without_a_period_the_last_twelve_months_are_shown(client, own_token):
    _token, secret = own_token
    body = client.get(reverse(COMPLIANCE), **bearer(secret)).json()
    expected = Period.last_months(12)
    assert body["period"] == {"from": f"{expected.first:%Y-%m}", "to": f"{expected.last:%Y-%m}"}
    assert len(body["months"]) == 12
    assert Decimal(body["total"]["amount"]) == Figures(expected, own_token[0].organisation).total().total


# ------------------------------------------------------------------------------------------------ bad periods


@pytest.mark.parametrize(
    ("query", "status", "sv", "en"),
    [
        ({"from": "2026-13"}, 422, "Ogiltiga parametrar", "Invalid parameters"),
        ({"to": "mars"}, 422, "Ogiltiga parametrar", "Invalid parameters"),
        ({"from": "0000-01"}, 422, "Ogiltiga parametrar", "Invalid parameters"),
        (
            {"from": "2026-05", "to": "2026-02"},
            400,
            "Perioden börjar (2026-05) efter",
            "The period starts (2026-05) after",
        ),
        ({"from": "2020-01", "to": "2025-01"}, 400, "Högst 60 månader", "At most 60 months"),
        ({"by": "organisation"}, 422, "Ogiltiga parametrar", "Invalid parameters"),
    ],
)
def test_a_bad_period_is_refused_in_swedish_and_english(client, own_token, query, status, sv, en):
    _token, secret = own_token
    response = client.get(reverse(SPEND), query, **bearer(secret))
    assert response.status_code == status
    body = response.json()
    assert body["error"]["sv"].startswith(sv) and body["error"]["en"].startswith(en)
    assert body["error"]["message"] == f"{body['error']['sv']} / {body['error']['en']}"


def test_five_years_exactly_is_allowed(client, own_token):
    _token, secret = own_token
    response = client.get(reverse(COMPLIANCE), {"from": "2021-02", "to": "2026-01"}, **bearer(secret))
    assert response.status_code == 200 and len(response.json()["months"]) == 60


# ------------------------------------------------------------------------------------------------ unmet demand


def test_unmet_demand_lists_the_dashboards_searches_without_personal_data(client, own_token):
    token, secret = own_token
    own = token.organisation
    log_searches("kopieringspapper", 3, own)
    log_searches("anna.svensson@example.se toner", 2, own)
    log_searches("19811218-9876 kontakt", 1, own)  # a valid personnummer
    log_searches("pennor", 4, own, results=2)

    body = client.get(reverse(UNMET), **bearer(secret)).json()
    text = str(body)
    assert "anna.svensson" not in text and "example.se" not in text and "9876" not in text
    assert [(r["query"], r["count"]) for r in body["results"]] == [
        ("kopieringspapper", 3),
        ("[e-post] toner", 2),
        ("[personnummer] kontakt", 1),
    ]
    paper = body["results"][0]
    assert (paper["category"], paper["category_code"]) == ("Papper och pappersprodukter", "14000000")
    assert paper["category_en"] and paper["category_en"] != paper["category"]
    assert set(body["results"][0]) == {"query", "count", "category", "category_en", "category_code", "agreements"}

    dashboard = Figures(Period.last_months(12), own).searches(zero_hit=True)
    assert [(r["query"], r["count"]) for r in body["results"]] == [(r.query, r.count) for r in dashboard]

    low = client.get(reverse(UNMET), {"kind": "low", "limit": 1}, **bearer(secret)).json()
    assert [(r["query"], r["count"]) for r in low["results"]] == [("pennor", 4)] and low["low_hit_max"] == 3
    assert client.get(reverse(UNMET), {"limit": 0}, **bearer(secret)).status_code == 422


def test_unmet_demand_is_the_tokens_organisations_own(client, own_token, other_buyer_organisation):
    token, secret = own_token
    log_searches("kontorsstol", 2, token.organisation)
    log_searches("skrivbordslampa", 5, other_buyer_organisation)
    log_searches("kaffebryggare", 7, None)  # an anonymous visitor's

    body = client.get(reverse(UNMET), **bearer(secret)).json()
    _other_token, other_secret = create_organisation_token(other_buyer_organisation, "ekonomi")
    other = client.get(reverse(UNMET), **bearer(other_secret)).json()

    assert body["organisation"] == {"name": token.organisation.name, "orgnr": token.organisation.orgnr}
    assert [(r["query"], r["count"]) for r in body["results"]] == [("kontorsstol", 2)]
    assert [(r["query"], r["count"]) for r in other["results"]] == [("skrivbordslampa", 5)]
