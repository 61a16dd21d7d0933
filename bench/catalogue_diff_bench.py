"""Benchmark: diff of two catalogue versions of N items each (target: 2 x 100k <= 5 s).

Rerun:  .venv/bin/python bench/catalogue_diff_bench.py [--items 100000]
        DATABASE_URL=postgres://... .venv/bin/python bench/catalogue_diff_bench.py
Creates a throw-away test database (Django's test database machinery), fills it, times
catalogue.diff.diff_versions and catalogue.review.submit_for_review, then drops it.
The second version changes 10 % of prices, renames 5 %, removes 2 % and adds 2 %.
"""

from __future__ import annotations

import argparse
import os
import platform
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reprice", action="store_true", help="every item's price changes (annual indexation)")
    args = parser.parse_args()

    setup_test_environment()
    if connection.vendor == "sqlite":
        # A file, as in production, not the in-memory database Django tests use.
        import tempfile

        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / "hub-diff-bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.items, args.repeat, args.reprice)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(n: int, repeat: int, reprice: bool = False) -> None:
    import datetime

    from catalogue.diff import diff_versions
    from catalogue.models import Agreement, Catalogue, CatalogueItem, CatalogueVersion
    from catalogue.publish import publish_version
    from hub.organisations.models import Supplier

    supplier = Supplier.objects.create(name="Bench AB", orgnr="5560160680")
    agreement = Agreement.objects.create(
        reference="BENCH-1", title="Bench", valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2030, 1, 1)
    )
    catalogue = Catalogue.objects.create(supplier=supplier, agreement=agreement)

    def version(number: int) -> CatalogueVersion:
        return CatalogueVersion.objects.create(
            catalogue=catalogue, number=number, format="peppol", file="bench.xml", status="validated"
        )

    def items(v: CatalogueVersion, second: bool):
        for i in range(n):
            if second and i % 50 == 0:
                continue  # 2 % removed
            price = Decimal(100 + i % 900) / 4
            name = f"Artikel {i} kontorsmaterial"
            if second and (reprice or i % 10 == 1):
                price = price * Decimal("1.07")
            if second and i % 20 == 2:
                name += " ny"
            yield CatalogueItem(
                version=v, line_number=i + 1, seller_item_id=f"S-{i:07d}", name=name, unit="EA", price=price
            )
        if second:
            for j in range(n // 50):
                yield CatalogueItem(
                    version=v, line_number=n + j + 1, seller_item_id=f"N-{j:07d}", name="Ny", unit="EA", price=1
                )

    t0 = time.perf_counter()
    v1 = version(1)
    CatalogueItem.objects.bulk_create(items(v1, False), batch_size=5000)
    publish_version(v1)
    v2 = version(2)
    CatalogueItem.objects.bulk_create(items(v2, True), batch_size=5000)
    load = time.perf_counter() - t0

    timings = []
    for _ in range(repeat):
        t = time.perf_counter()
        diff = diff_versions(v2)
        timings.append(time.perf_counter() - t)
    print(f"machine: {platform.machine()} cpus={os.cpu_count()} python={platform.python_version()}")
    print(f"database: {connection.vendor}; items per version: {n}; load {load:.1f} s")
    print(
        f"diff: added={diff.added} removed={diff.removed} changed={diff.changed} "
        f"unchanged={diff.unchanged} max_increase={diff.max_increase_percent} %"
    )
    print("diff seconds: " + ", ".join(f"{t:.2f}" for t in timings) + f" (best {min(timings):.2f})")
    import tracemalloc

    for keep in (True, False):
        tracemalloc.start()
        t = time.perf_counter()
        diff_versions(v2, keep_changes=keep)
        elapsed = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"keep_changes={keep}: {elapsed:.2f} s under tracemalloc, Python peak {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
