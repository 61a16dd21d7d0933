"""Benchmark: the follow-up dashboards over 1M transferred basket lines and 200k finance rows (target ≤ 1 s each).

Rerun:  .venv/bin/python bench/followup_bench.py [--lines 1000000 --purchases 200000]
        DATABASE_URL=$(scripts/postgres.sh url) .venv/bin/python bench/followup_bench.py
Creates a throw-away test database, fills it over twelve months for 20 organisations, 40 suppliers and
20 agreements, rebuilds the kept monthly sums, then times side by side (median of --repeat runs):
the bare SQL GROUP BY a dashboard would need without them, each dashboard page as an administrator
(all organisations) and as a Katalogansvarig (one organisation), and the spend export.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")

import django

django.setup()

from django.db import connection
from django.test.utils import setup_test_environment

ORGANISATIONS, SUPPLIERS, AGREEMENTS = 20, 40, 20
SEGMENTS = ("14000000", "44000000", "47000000", "43000000", "53000000", "56000000", "42000000", "31000000")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--purchases", type=int, default=200_000)
    parser.add_argument("--searches", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--profile", action="store_true", help="print where one administrator dashboard spends its time"
    )
    args = parser.parse_args()

    setup_test_environment()
    if connection.vendor == "sqlite":
        import tempfile

        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / "hub-followup-bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _orgnr(prefix: str, n: int) -> str:
    from stdnum import luhn

    base = f"{prefix}{n:06d}"
    return base + luhn.calc_check_digit(base)


def fill(args) -> tuple[list, list]:
    from django.contrib.auth.models import Group

    from catalogue.models import Agreement
    from followup.models import PurchaseImport
    from hub.organisations.models import BuyerOrganisation, Supplier
    from hub.organisations.roles import sync_roles
    from search.models import SearchLog

    sync_roles()
    Group.objects.get_or_create(name="Administratör")
    rng = random.Random(12)
    today = datetime.date.today()
    first_day = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    days = (today - first_day).days + 1
    organisations = BuyerOrganisation.objects.bulk_create(
        BuyerOrganisation(name=f"Organisation {n}", orgnr=_orgnr("212", n)) for n in range(ORGANISATIONS)
    )
    suppliers = Supplier.objects.bulk_create(
        Supplier(name=f"Leverantör {n} AB", orgnr=_orgnr("556", n)) for n in range(SUPPLIERS)
    )
    agreements = []
    for n in range(AGREEMENTS):
        agreement = Agreement.objects.create(
            reference=f"RA-B-{n:03d}",
            title=f"Avtal {n}",
            valid_from=first_day - datetime.timedelta(days=100) + datetime.timedelta(days=10 * n),
            valid_to=today + datetime.timedelta(days=400 - 15 * n),
        )
        agreement.suppliers.add(suppliers[n], suppliers[n + AGREEMENTS])
        agreements.append(agreement)
    organisations = list(BuyerOrganisation.objects.order_by("pk"))
    suppliers = list(Supplier.objects.order_by("pk"))
    supplier_agreement = {s.pk: agreements[i % AGREEMENTS] for i, s in enumerate(suppliers)}

    vendor = connection.vendor
    placeholder = "?" if vendor == "sqlite" else "%s"

    def insert(table: str, columns: list[str], rows) -> None:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([placeholder] * len(columns))})"
        with connection.cursor() as cursor:
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)

    def line_rows():
        for n in range(args.lines):
            organisation = organisations[n % ORGANISATIONS]
            supplier = suppliers[rng.randrange(SUPPLIERS)]
            agreement = supplier_agreement[supplier.pk]
            day = first_day + datetime.timedelta(days=rng.randrange(days))
            valid = agreement.valid_from <= day <= agreement.valid_to
            amount = Decimal(rng.randrange(100, 500_000)) / 100
            yield (
                organisation.pk,
                None,
                "Bench",
                n // 4,
                supplier.pk,
                supplier.orgnr,
                agreement.pk,
                agreement.reference,
                rng.choice(SEGMENTS)[:2] + "111507",
                f"B-{n % 5000}",
                "2",
                str(amount),
                valid,
                f"{day.isoformat()} 10:00:00" + ("+00:00" if vendor != "sqlite" else ""),
                day.isoformat(),
            )

    started = time.perf_counter()
    insert(
        "followup_transferredline",
        [
            "organisation_id",
            "buyer_system_id",
            "buyer_system_name",
            "session_id",
            "supplier_id",
            "supplier_orgnr",
            "agreement_id",
            "agreement_reference",
            "unspsc",
            "seller_item_id",
            "quantity",
            "amount",
            "on_agreement",
            "transferred_at",
            "transferred_on",
        ],
        line_rows(),
    )
    lines_seconds = time.perf_counter() - started
    batches = {
        o.pk: PurchaseImport.objects.create(organisation=o, original_filename="bench.csv") for o in organisations
    }

    def purchase_rows():
        for n in range(args.purchases):
            organisation = organisations[n % ORGANISATIONS]
            on = rng.random() < 0.8
            supplier = suppliers[rng.randrange(SUPPLIERS)]
            agreement = supplier_agreement[supplier.pk] if on else None
            day = first_day + datetime.timedelta(days=rng.randrange(days))
            valid = bool(agreement and agreement.valid_from <= day <= agreement.valid_to)
            yield (
                organisation.pk,
                batches[organisation.pk].pk,
                n + 2,
                supplier.orgnr if on else _orgnr("559", n % 300),
                supplier.pk if on else None,
                str(Decimal(rng.randrange(100, 5_000_000)) / 100),
                day.isoformat(),
                "",
                "5460",
                agreement.pk if agreement else None,
                "matched" if agreement else "none",
                valid,
            )

    started = time.perf_counter()
    insert(
        "followup_purchase",
        [
            "organisation_id",
            "batch_id",
            "row_number",
            "supplier_orgnr",
            "supplier_id",
            "amount",
            "purchased_on",
            "agreement_reference",
            "account",
            "agreement_id",
            "agreement_source",
            "on_agreement",
        ],
        purchase_rows(),
    )
    purchases_seconds = time.perf_counter() - started
    queries = [f"sökord {n}" for n in range(3000)]
    SearchLog.objects.bulk_create(
        (
            SearchLog(
                query=rng.choice(queries),
                result_count=rng.choice((0, 0, 1, 2, 5, 40)),
                zero_hit=False,
                backend="bench",
                duration_ms=10,
            )
            for _ in range(args.searches)
        ),
        batch_size=10_000,
    )
    SearchLog.objects.filter(result_count=0).update(zero_hit=True)
    # Spread over the twelve months (created_at is auto_now_add), as a year of searching would be.
    ids = list(SearchLog.objects.order_by("pk").values_list("pk", flat=True))
    chunk = len(ids) // 12 + 1
    for index in range(12):
        day = first_day + datetime.timedelta(days=index * 30 + 3)
        when = datetime.datetime.combine(min(day, today), datetime.time(12), tzinfo=datetime.UTC)
        part = ids[index * chunk : (index + 1) * chunk]
        if part:
            SearchLog.objects.filter(pk__gte=part[0], pk__lte=part[-1]).update(created_at=when)
    print(
        f"filled: {args.lines:,} lines in {lines_seconds:.1f} s, {args.purchases:,} purchases in "
        f"{purchases_seconds:.1f} s, {args.searches:,} searches",
        flush=True,
    )
    return organisations, agreements


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(args) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.urls import reverse

    from followup.spend import rebuild_all
    from hub.organisations.models import Membership

    organisations, _agreements = fill(args)
    started = time.perf_counter()
    sums = rebuild_all()
    rebuild_seconds = time.perf_counter() - started
    print(f"rebuilt the monthly sums: {sums:,} rows in {rebuild_seconds:.1f} s", flush=True)

    month = "strftime('%Y-%m', {})" if connection.vendor == "sqlite" else "date_trunc('month', {})"
    bare = {
        "lines": f"SELECT organisation_id, {month.format('transferred_on')}, agreement_id, on_agreement, SUM(amount) "
        f"FROM followup_transferredline GROUP BY 1, 2, 3, 4",
        "purchases": f"SELECT organisation_id, {month.format('purchased_on')}, agreement_id, on_agreement, SUM(amount) "
        f"FROM followup_purchase GROUP BY 1, 2, 3, 4",
    }

    def bare_group_by() -> None:
        with connection.cursor() as cursor:
            for sql in bare.values():
                cursor.execute(sql)
                cursor.fetchall()

    users = get_user_model().objects
    admin = users.create_user("bench-admin", password="x")  # a throw-away database
    admin.groups.add(Group.objects.get(name="Administratör"))
    reviewer = users.create_user("bench-reviewer", password="x")
    reviewer.groups.add(Group.objects.get(name="Katalogansvarig"))
    Membership.objects.create(user=reviewer, organisation=organisations[0])
    admin_client, reviewer_client = Client(), Client()
    admin_client.force_login(admin)
    reviewer_client.force_login(reviewer)
    dashboard = reverse("followup:dashboard")
    export = reverse("followup:export", args=["spend", "xlsx"])

    def page(client, url):
        def fetch() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return fetch

    page(admin_client, dashboard)()  # warm caches (templates, translations, category names)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(page(admin_client, dashboard))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            page(admin_client, dashboard)()
        for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:8]:
            print(f"{float(query['time']) * 1000:8.1f} ms  {query['sql'][:300]}")
    results = [
        (
            "bare SQL GROUP BY (lines + purchases, month × organisation × agreement)",
            median_seconds(bare_group_by, args.repeat),
        ),
        ("dashboard, Administratör, all organisations", median_seconds(page(admin_client, dashboard), args.repeat)),
        ("dashboard, Katalogansvarig, own organisation", median_seconds(page(reviewer_client, dashboard), args.repeat)),
        ("spend export (.xlsx), all organisations", median_seconds(page(admin_client, export), args.repeat)),
        (
            "searches export (.csv)",
            median_seconds(page(admin_client, reverse("followup:export", args=["searches", "csv"])), args.repeat),
        ),
    ]
    base = results[0][1]
    print(
        f"\nfollowup bench: {args.lines:,} lines, {args.purchases:,} purchases, {args.searches:,} searches, "
        f"{connection.vendor}, {platform.node()}, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(f"{'what':<75} {'median':>9} {'× bare':>7}")
    for label, seconds in results:
        print(f"{label:<75} {seconds * 1000:>7.0f} ms {seconds / base:>6.2f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
