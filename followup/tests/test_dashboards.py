"""The follow-up dashboards: who sees what (other roles 403, a Katalogansvarig only their own organisation),
the computed figures, and exports that a spreadsheet opens without running anything."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html
from openpyxl import load_workbook

from followup.figures import Figures, Period, add_months
from followup.models import Purchase, SearchMonth, SearchMonthCounted
from followup.purchases import import_purchases
from followup.spend import month_of
from followup.tests.fixtures import csv_file, log_searches
from hub.organisations import roles
from hub.organisations.tests.fixtures import make_user
from search.models import SearchLog

DASHBOARD = "followup:dashboard"


@pytest.fixture
def spend(punchout_catalogue, other_buyer_organisation, supplier, other_supplier):
    """Own organisation: 1 000 kr on agreement, 250 kr off; the other: 7 777 kr on its own agreement (RA-PO-2)."""
    today = timezone.localdate().isoformat()
    own = [[supplier.orgnr, "1000", today, "", "5460"], [other_supplier.orgnr, "250", today, "", "5460"]]
    assert import_purchases(csv_file(own), "egen.csv", punchout_catalogue.organisation).ok
    other = [[other_supplier.orgnr, "7777", today, "", "5460"]]
    assert import_purchases(csv_file(other), "annan.csv", other_buyer_organisation).ok
    return punchout_catalogue


def test_figures_compute_compliance_per_month(spend):
    figures = Figures(Period.last_months(12), spend.organisation)
    total = figures.total()
    assert (total.total, total.on_agreement, total.share) == (Decimal("1250"), Decimal("1000"), Decimal("80.0"))
    months = figures.by_month()
    assert len(months) == 12 and months[-1].share == Decimal("80.0") and months[0].share is None
    assert {row.label: row.total for row in figures.by("supplier")} == {
        "Kontorsleverantören AB": Decimal("1000"),
        "Städgrossisten AB": Decimal("250"),
    }
    everyone = Figures(Period.last_months(12)).total()
    assert everyone.total == Decimal("9027") and everyone.share == Decimal("97.2")


def test_an_administrator_sees_every_organisation(client, spend, followup_admin):
    client.force_login(followup_admin)
    page = client.get(reverse(DASHBOARD)).content.decode()
    assert "Exempelkommun" in page and "Annan region" in page
    assert "7 777,00 kr" in page and "1 000,00 kr" in page
    assert 'role="img"' in page and "<table" in page
    only_other = client.get(reverse(DASHBOARD), {"organisation": spend.organisation.pk + 1}).content.decode()
    assert "7 777,00 kr" in only_other and "1 000,00 kr" not in only_other


def test_a_catalogue_reviewer_sees_only_their_own_organisation(client, spend, own_reviewer, other_buyer_organisation):
    client.force_login(own_reviewer)
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 000,00 kr" in page and "80,0 %" in page
    assert "7 777,00 kr" not in page and "Annan region" not in page
    assert client.get(reverse(DASHBOARD), {"organisation": other_buyer_organisation.pk}).status_code == 403
    export = reverse("followup:export", args=["spend", "csv"])
    assert client.get(export, {"organisation": other_buyer_organisation.pk}).status_code == 403
    assert "7777" not in client.get(export).content.decode("utf-8-sig")
    purchases = reverse("followup:purchases")
    assert client.get(purchases, {"organisation": other_buyer_organisation.pk}).status_code == 403


@pytest.mark.parametrize("role", [roles.EDITOR, roles.BUYER, roles.SUPPLIER, None])
def test_other_roles_are_refused(client, django_user_model, spend, supplier, role):
    membership = {"organisation": spend.organisation} if role in (roles.BUYER, None) else {}
    if role == roles.SUPPLIER:
        membership = {"supplier": supplier}
    user = make_user(django_user_model, "utan-behorighet", role, **membership)
    client.force_login(user)
    for url in (
        reverse(DASHBOARD),
        reverse("followup:export", args=["spend", "xlsx"]),
        reverse("followup:purchases"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"1 000,00" not in response.content and b"1000" not in response.content
        if response.status_code == 302:  # no admin access at all: sent to sign in as someone else
            assert "next=" in response["Location"]
    if role == roles.EDITOR:  # in the admin, without the permission: a plain 403
        assert client.get(reverse(DASHBOARD)).status_code == 403


def test_a_reviewer_without_an_organisation_sees_nothing(client, spend, reviewer_user):
    client.force_login(reviewer_user)
    assert client.get(reverse(DASHBOARD)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, spend):
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 302 and "next=/admin/uppfoljning/" in response["Location"]


@pytest.fixture
def searches(spend, other_buyer_organisation):
    """Zero-hit searches for each organisation and an anonymous visitor's, this month and two months ago
    (a closed month, read from the counted months)."""
    own = spend.organisation
    log_searches("kontorsstol", 2, own)
    log_searches("kontorsstol", 1, own, days_ago=62)
    log_searches("skrivbordslampa", 3, other_buyer_organisation, days_ago=62)
    log_searches("hörselskydd", 1, other_buyer_organisation)
    log_searches("kaffebryggare", 4)  # anonymous: counts hub-wide only
    return spend


def _zero_hit_table(page: str) -> list[tuple[str, str]]:
    tree = lxml_html.fromstring(page)
    (table,) = tree.xpath("//table[caption[contains(., 'utan träffar')]]")
    return [(row.xpath("string(th)"), row.xpath("string(td[1])")) for row in table.xpath("tbody/tr[th]")]


def test_a_catalogue_reviewer_sees_only_their_organisations_unmet_demand(client, searches, own_reviewer):
    client.force_login(own_reviewer)

    page = client.get(reverse(DASHBOARD)).content.decode()

    assert _zero_hit_table(page) == [("kontorsstol", "3")]
    exported = client.get(reverse("followup:export", args=["searches", "csv"])).content.decode("utf-8-sig")
    assert "kontorsstol;3" in exported
    assert not [query for query in ("skrivbordslampa", "hörselskydd", "kaffebryggare") if query in exported]


def test_an_administrator_sees_all_unmet_demand_or_one_organisations(
    client, searches, followup_admin, other_buyer_organisation
):
    client.force_login(followup_admin)

    everyone = client.get(reverse(DASHBOARD)).content.decode()
    other = client.get(reverse(DASHBOARD), {"organisation": other_buyer_organisation.pk}).content.decode()
    own = client.get(reverse(DASHBOARD), {"organisation": searches.organisation.pk}).content.decode()

    assert _zero_hit_table(everyone) == [
        ("kaffebryggare", "4"),
        ("kontorsstol", "3"),
        ("skrivbordslampa", "3"),
        ("hörselskydd", "1"),
    ]
    assert _zero_hit_table(other) == [("skrivbordslampa", "3"), ("hörselskydd", "1")]
    assert _zero_hit_table(own) == [("kontorsstol", "3")]


def test_exports_neutralise_formulas(client, spend, followup_admin):
    for _ in range(3):
        SearchLog.objects.create(
            query='=HYPERLINK("http://evil.example","x")', result_count=0, zero_hit=True, backend="db", duration_ms=1
        )
    SearchLog.objects.create(query="kopieringspapper", result_count=0, zero_hit=True, backend="db", duration_ms=1)
    client.force_login(followup_admin)

    text = client.get(reverse("followup:export", args=["searches", "csv"])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][:3] == ["Noll träffar", '\'=hyperlink("http://evil.example","x")', "3"]
    assert rows[2][1] == "kopieringspapper" and rows[2][3] == "Papper och pappersprodukter"

    response = client.get(reverse("followup:export", args=["searches", "xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_spend_export_has_every_dimension_over_time(client, spend, followup_admin):
    client.force_login(followup_admin)
    response = client.get(reverse("followup:export", args=["spend", "xlsx"]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Månad", "Indelning", "Värde")
    month = f"{timezone.localdate():%Y-%m}"
    assert (month, "Organisation", "Annan region", 7777.0, 7777.0, 100.0) in rows
    assert {row[1] for row in rows[1:]} == {"Avtal", "Leverantör", "Kategori", "Organisation"}


def test_a_wrong_period_falls_back_and_says_so(client, spend, followup_admin):
    client.force_login(followup_admin)
    page = client.get(reverse(DASHBOARD), {"fran": "2026-13", "till": "x"}).content.decode()
    assert "Ange månader som ÅÅÅÅ-MM" in page


def test_the_upload_page_imports_and_shows_row_errors(client, spend, own_reviewer, supplier):
    client.force_login(own_reviewer)
    bad = io.BytesIO(csv_file([[supplier.orgnr, "tio", "2026-01-05", "", ""]]))
    bad.name = "fel.csv"
    response = client.post(reverse("followup:purchases"), {"file": bad})
    assert response.status_code == 400
    assert "tio är inte ett belopp" in response.content.decode()

    good = io.BytesIO(csv_file([[supplier.orgnr, "10", timezone.localdate().isoformat(), "", ""]]))
    good.name = "bra.csv"
    response = client.post(reverse("followup:purchases"), {"file": good}, follow=True)
    assert "1 inköp importerade, 1 matchade" in response.content.decode()


def test_the_override_is_refused_for_another_organisations_purchase(client, spend, own_reviewer):
    other = Purchase.objects.exclude(organisation=spend.organisation).get()
    client.force_login(own_reviewer)
    response = client.post(reverse("followup:purchase-agreement", args=[other.pk]), {"agreement": ""})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.agreement_source == "matched"
    own = Purchase.objects.filter(organisation=spend.organisation, on_agreement=True).get()
    client.post(reverse("followup:purchase-agreement", args=[own.pk]), {"agreement": ""})
    own.refresh_from_db()
    assert own.agreement is None and own.agreement_source == "overridden"


def test_closed_months_of_searches_are_counted_once_and_agree_with_the_log(db):
    current = month_of(timezone.localdate())
    earlier = add_months(current, -2)
    for query, hits, month in (
        ("Kontorsstol", 0, earlier),
        ("kontorsstol", 0, earlier),
        ("lampa", 2, earlier),
        ("kontorsstol", 0, current),
    ):
        entry = SearchLog.objects.create(
            query=query, result_count=hits, zero_hit=hits == 0, backend="db", duration_ms=1
        )
        when = timezone.make_aware(datetime.datetime.combine(month + datetime.timedelta(days=3), datetime.time(12)))
        SearchLog.objects.filter(pk=entry.pk).update(created_at=when)
    figures = Figures(Period.last_months(12))

    zero = figures.searches(zero_hit=True)
    low = figures.searches(zero_hit=False)

    assert [(row.query, row.count) for row in zero] == [("kontorsstol", 3)]
    assert [(row.query, row.count) for row in low] == [("lampa", 1)]
    assert SearchMonthCounted.objects.count() == 11  # the closed months of the period, the current one not
    assert list(SearchMonth.objects.values_list("month", "text", "count").order_by("zero_hit")) == [
        (earlier, "lampa", 1),
        (earlier, "kontorsstol", 2),
    ]
    SearchLog.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=40)).delete()
    assert [(row.query, row.count) for row in figures.searches(zero_hit=True)] == [("kontorsstol", 3)]  # kept


def test_a_month_outside_the_calendar_falls_back_instead_of_failing(client, spend, followup_admin):
    client.force_login(followup_admin)
    response = client.get(reverse(DASHBOARD), {"fran": "0000-01", "till": "9999-12"})
    assert response.status_code == 200 and "Ange månader som ÅÅÅÅ-MM" in response.content.decode()
    assert response.context["period"] == Period.last_months(12)


def test_spend_export_writes_amounts_in_whole_ore(client, spend, followup_admin, supplier):
    # 0.10 + 0.20 is 0.30000000000000004 as floats (SQLite sums decimals as floats); 1234.50 has one
    # significant decimal. The CSV must read 1234,50 and 0,30 as a spreadsheet expects.
    today = timezone.localdate().isoformat()
    rows = [[supplier.orgnr, "0,10", today, "", ""], [supplier.orgnr, "0,20", today, "", ""]]
    assert import_purchases(csv_file(rows), "ore.csv", spend.organisation).ok
    client.force_login(followup_admin)

    text = client.get(reverse("followup:export", args=["spend", "csv"])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    suppliers = {row[2]: row[3:5] for row in rows[1:] if row[1] == "Leverantör"}
    assert suppliers["Kontorsleverantören AB"] == ["1000,30", "1000,30"]
    assert suppliers["Städgrossisten AB"] == ["8027,00", "7777,00"]  # 250 kr here, 7 777 kr in the other region


def test_the_spend_workbook_holds_no_formula_and_numbers_as_numbers(client, spend, followup_admin, supplier):
    spend.agreement.title = '=HYPERLINK("http://evil.example","x")'
    spend.agreement.save()
    supplier.name = "+46 Kontor AB"
    supplier.save()
    client.force_login(followup_admin)

    body = client.get(reverse("followup:export", args=["spend", "xlsx"])).content

    with zipfile.ZipFile(io.BytesIO(body)) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    labels = {row[2] for row in rows[1:]}
    assert f"'{spend.agreement.reference} {spend.agreement.title}" not in labels  # the label starts with RA-…
    assert "'+46 Kontor AB" in labels
    assert any(label.endswith('=HYPERLINK("http://evil.example","x")') for label in labels)
    amounts = [row[3] for row in rows[1:]]
    assert amounts and all(isinstance(amount, (int, float)) for amount in amounts)  # numbers, not text
