"""Follow-up's data: transferred lines kept through the punchout signal, finance files imported whole or not at
all with row errors in Swedish and English, agreements matched by supplier and date and overridable, monthly
sums in step, and a search log without personal data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone, translation

from followup.models import MonthlySpend, Purchase, PurchaseImport, TransferredLine
from followup.privacy import redact
from followup.purchases import import_purchases, override_agreement
from followup.spend import month_of, rebuild_monthly_spend
from followup.tests.fixtures import csv_file, xlsx_file
from hub.organisations import roles
from hub.organisations.tests.fixtures import make_user
from punchout.tests.helpers import start_shopping
from search.models import SearchLog
from search.service import SearchQuery, SearchScope, search

LOG_TABLE = "search_searchlog"


def _add(client, shop, item, quantity):
    return client.post(shop + "lagg-till/", {"item": str(item.pk), "quantity": quantity})


@pytest.mark.django_db
def test_a_transferred_basket_is_kept_line_by_line_and_summed(client, buyer_system, punchout_catalogue):
    shop = start_shopping(client)
    _add(client, shop, punchout_catalogue.items["KP-100"], "2")
    _add(client, shop, punchout_catalogue.items["KP-200"], "3")
    assert client.post(shop + "overfor/").status_code == 200

    lines = list(TransferredLine.objects.order_by("seller_item_id"))
    assert [(x.seller_item_id, x.quantity, x.amount) for x in lines] == [
        ("KP-100", Decimal("2"), Decimal("2469.00")),
        ("KP-200", Decimal("3"), Decimal("25.50")),
    ]
    first = lines[0]
    assert first.organisation == punchout_catalogue.organisation
    assert first.buyer_system == buyer_system and first.buyer_system_name == buyer_system.name
    assert first.agreement == punchout_catalogue.agreement and first.on_agreement
    assert first.supplier == punchout_catalogue.agreement.suppliers.get()
    assert first.unspsc == "14111507" and first.transferred_on == timezone.localdate()
    spend = MonthlySpend.objects.get(dimension="category", key="14000000")
    assert spend.amount == Decimal("2469.00") and spend.source == MonthlySpend.Source.BASKET
    assert spend.line_count == 1
    for dimension in MonthlySpend.Dimension.values:  # every dimension sums to the whole basket
        assert sum(row.amount for row in MonthlySpend.objects.filter(dimension=dimension)) == Decimal("2494.50")


@pytest.mark.django_db
def test_a_cancelled_basket_is_not_kept(client, buyer_system, punchout_catalogue):
    shop = start_shopping(client)
    _add(client, shop, punchout_catalogue.items["KP-100"], "2")
    client.post(shop + "avbryt/")
    assert not TransferredLine.objects.exists()


def _rows(agreement, supplier, other_supplier):
    today = timezone.localdate()
    return [
        [supplier.orgnr, "1 234,50", today.isoformat(), agreement.reference, "5460"],  # reference given
        [supplier.orgnr, "100", today.isoformat(), "", "5460"],  # matched on supplier and date
        [other_supplier.orgnr, "50,25", today.isoformat(), "", "5410"],  # no agreement with this supplier
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("writer", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_good_file_is_imported_matched_and_counted(writer, punchout_catalogue, supplier, other_supplier):
    agreement = punchout_catalogue.agreement
    rows = _rows(agreement, supplier, other_supplier)
    if writer is xlsx_file:  # Excel gives numbers and dates as cell values
        rows[1][1], rows[1][2] = 100, timezone.localdate()
    result = import_purchases(writer(rows), f"ekonomi.{writer.__name__[:4]}", punchout_catalogue.organisation)

    assert result.ok and result.row_count == 3 and result.matched == 1
    purchases = list(Purchase.objects.order_by("row_number"))
    assert [p.agreement_source for p in purchases] == ["reference", "matched", "none"]
    assert [p.agreement_id for p in purchases] == [agreement.pk, agreement.pk, None]
    assert [p.on_agreement for p in purchases] == [True, True, False]
    assert purchases[0].amount == Decimal("1234.50") and purchases[2].amount == Decimal("50.25")
    assert result.batch.total_amount == Decimal("1384.75")
    sums = MonthlySpend.objects.filter(source=MonthlySpend.Source.PURCHASE, dimension="total")
    assert sum(s.amount for s in sums if s.on_agreement) == Decimal("1334.50")
    assert sum(s.amount for s in sums if not s.on_agreement) == Decimal("50.25")


@pytest.mark.django_db
def test_a_file_with_errors_imports_nothing_and_names_each_row_in_both_languages(punchout_catalogue, supplier):
    data = csv_file(
        [
            [supplier.orgnr, "10", "2026-01-05", "", ""],
            ["5560160681", "10", "2026-01-05", "", ""],  # wrong check digit
            [supplier.orgnr, "tio kronor", "2026-01-05", "", ""],
            [supplier.orgnr, "10", "5/1 2026", "", ""],
            ["", "10", "2026-01-05", "", ""],
        ]
    )
    result = import_purchases(data, "fel.csv", punchout_catalogue.organisation)

    assert not result.ok and result.error_count == 4
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "supplier_orgnr", "orgnr"),
        (4, "amount", "amount"),
        (5, "date", "date"),
        (6, "supplier_orgnr", "required"),
    ]
    assert not Purchase.objects.exists() and not PurchaseImport.objects.exists()
    with translation.override("sv"):
        assert "är inte ett belopp" in result.errors[1].message
    with translation.override("en"):
        assert "is not an amount" in result.errors[1].message
        assert "is missing" in result.errors[3].message


@pytest.mark.django_db
def test_a_file_without_the_needed_columns_is_refused(punchout_catalogue):
    result = import_purchases(
        csv_file([["x", "y"]], headings=["Leverantör", "Summa"]), "x.csv", punchout_catalogue.organisation
    )
    assert not result.ok and {e.column for e in result.errors} == {"supplier_orgnr", "amount", "date"}
    assert not PurchaseImport.objects.exists()


@pytest.mark.django_db
def test_an_agreement_out_of_force_does_not_count_as_valid(punchout_catalogue, supplier):
    long_ago = punchout_catalogue.agreement.valid_from - datetime.timedelta(days=10)
    data = csv_file(
        [
            [supplier.orgnr, "10", long_ago.isoformat(), punchout_catalogue.agreement.reference, ""],
            [supplier.orgnr, "20", long_ago.isoformat(), "", ""],
            [supplier.orgnr, "30", long_ago.isoformat(), "RA-FINNS-INTE", ""],
        ]
    )
    assert import_purchases(data, "gammal.csv", punchout_catalogue.organisation).ok
    purchases = list(Purchase.objects.order_by("row_number"))
    assert [(p.agreement_source, p.on_agreement) for p in purchases] == [
        ("reference", False),
        ("none", False),
        ("unknown", False),
    ]


@pytest.mark.django_db
def test_an_override_changes_the_agreement_and_the_sums(punchout_catalogue, supplier, other_supplier):
    import_purchases(
        csv_file(_rows(punchout_catalogue.agreement, supplier, other_supplier)),
        "e.csv",
        punchout_catalogue.organisation,
    )
    matched = Purchase.objects.get(agreement_source="matched")

    override_agreement(matched, None)

    matched.refresh_from_db()
    assert matched.agreement is None and matched.agreement_source == "overridden" and not matched.on_agreement
    valid = sum(s.amount for s in MonthlySpend.objects.filter(source="purchase", dimension="total", on_agreement=True))
    assert valid == Decimal("1234.50")


@pytest.mark.django_db
def test_rebuilding_the_sums_gives_the_same_figures(punchout_catalogue, supplier, other_supplier):
    import_purchases(
        csv_file(_rows(punchout_catalogue.agreement, supplier, other_supplier)),
        "e.csv",
        punchout_catalogue.organisation,
    )
    before = sorted((s.dimension, s.key, s.on_agreement, s.amount) for s in MonthlySpend.objects.all())
    MonthlySpend.objects.all().delete()
    rebuild_monthly_spend(punchout_catalogue.organisation.pk, [month_of(timezone.localdate())])
    assert sorted((s.dimension, s.key, s.on_agreement, s.amount) for s in MonthlySpend.objects.all()) == before


@pytest.mark.django_db
def test_the_command_imports_a_good_file_and_refuses_a_bad_one(
    tmp_path, punchout_catalogue, supplier, other_supplier, capsys
):
    good = tmp_path / "ekonomi.csv"
    good.write_bytes(csv_file(_rows(punchout_catalogue.agreement, supplier, other_supplier)))
    call_command("import_purchases", str(good), "--organisation-orgnr", punchout_catalogue.organisation.orgnr)
    assert "3 inköp importerade, 1 matchade" in capsys.readouterr().out

    bad = tmp_path / "fel.csv"
    bad.write_bytes(csv_file([[supplier.orgnr, "abc", "2026-01-05", "", ""]]))
    with pytest.raises(CommandError, match="1 fel, inget importerades"):
        call_command("import_purchases", str(bad), "--organisation-orgnr", punchout_catalogue.organisation.orgnr)
    err = capsys.readouterr().err
    assert "Rad 2: abc är inte ett belopp" in err and "Row 2: abc is not an amount" in err
    assert Purchase.objects.count() == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("anna.svensson@exempel.se papper", "[e-post] papper"),
        ("19811228-9874", "[personnummer]"),
        ("toner 811228-9874", "toner [personnummer]"),
        ("ring 070-123 45 67", "ring [telefon]"),
        ("5560160680", "5560160680"),  # an organisation number is not a person's
        ("toner hp 305A", "toner hp 305A"),
        ("gtin 7310500012345", "gtin 7310500012345"),
    ],
)
def test_personal_data_is_taken_out_of_queries(query, expected):
    assert redact(query) == expected


@pytest.mark.django_db
def test_the_search_log_keeps_no_personal_data(db):
    search(SearchQuery(q="kontakta anna.svensson@exempel.se 19811228-9874"))
    entry = SearchLog.objects.get()
    assert entry.query == "kontakta [e-post] [personnummer]"
    assert entry.organisation is None  # an anonymous visitor
    # The table as the database has it: these columns, and the one relation points at an organisation.
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, LOG_TABLE)}
        relations = connection.introspection.get_relations(cursor, LOG_TABLE)
    assert columns == {
        "id",
        "query",
        "result_count",
        "zero_hit",
        "backend",
        "duration_ms",
        "created_at",
        "organisation_id",
    }
    assert {column: table for column, (_other, table) in relations.items()} == {
        "organisation_id": "organisations_buyerorganisation"
    }


@pytest.mark.django_db
def test_a_signed_in_search_logs_the_organisation_and_nothing_of_the_person(django_user_model, buyer_organisation):
    user = make_user(django_user_model, "anna-svensson", roles.BUYER, organisation=buyer_organisation)
    user.email = "anna.svensson@exempel.se"
    user.save()

    search(SearchQuery(q="kontorsstol"), user)

    entry = SearchLog.objects.get()
    assert entry.organisation == buyer_organisation
    stored = " ".join(str(value) for value in SearchLog.objects.values().get().values())
    assert "anna" not in stored.lower() and "exempel.se" not in stored


@pytest.mark.django_db
def test_a_scoped_search_logs_the_scopes_organisation(punchout_catalogue, other_buyer_organisation):
    """A search within a fixed scope (the punchout shop's) is made for that scope's organisation."""
    search(SearchQuery(q="kopieringspapper"), scope=SearchScope(other_buyer_organisation))
    assert SearchLog.objects.get().organisation == other_buyer_organisation
