"""Benchmark: p50/p95 latency of faceted text queries and autocomplete, in-process, per backend.

Rerun:  .venv/bin/python bench/search_bench.py --items 20000
        DATABASE_URL=$(scripts/postgres.sh url) .venv/bin/python bench/search_bench.py --items 20000
        OPENSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python bench/search_bench.py --items 20000
Creates a throw-away test database, loads N items from catalogue.generator on one open
agreement (search_text filled in bulk, as an importer does), indexes them in every configured
backend (index build time), then times the search service. Not yet measured: HTTP and
concurrent load (locust/wrk), and the 500k size the issue asks for.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

QUERIES = ["papper", "kopieringspapper", "pennor", "kontorsstol", "handskar", "kaffe", "skrivbord", "rengöring"]
PREFIXES = ["ko", "kö", "pa", "pe", "sk", "ha", "st", "mu"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    if connection.vendor == "sqlite":
        import tempfile

        connection.settings_dict["TEST"]["NAME"] = str(
            Path(tempfile.gettempdir()) / f"hub-search-bench-{os.getpid()}.sqlite3"
        )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.items, args.rounds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(n: int, rounds: int) -> None:
    import datetime

    from django.conf import settings

    from catalogue.generator import iter_items
    from catalogue.models import Agreement, Catalogue, CatalogueItem, CatalogueVersion
    from hub.organisations.models import Supplier
    from search import indexing, service
    from search.service import SearchQuery

    if "INDEX_PREFIX" in settings.WAGTAILSEARCH_BACKENDS["default"]:
        settings.WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"] = "hub_bench_"
    supplier = Supplier.objects.create(name="Bench AB", orgnr="5560160680")
    agreement = Agreement.objects.create(
        reference="BENCH-1", title="Bench", valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2099, 1, 1)
    )
    catalogue = Catalogue.objects.create(supplier=supplier, agreement=agreement)
    version = CatalogueVersion.objects.create(
        catalogue=catalogue, number=1, format="csv", status=CatalogueVersion.Status.PUBLISHED
    )
    t0 = time.perf_counter()
    batch = []
    for i, g in enumerate(iter_items(n), start=1):
        batch.append(
            CatalogueItem(
                version=version,
                line_number=i,
                seller_item_id=g.seller_item_id,
                name=g.name,
                description=g.description,
                manufacturer=g.manufacturer,
                unspsc=g.unspsc,
                unit=g.unit,
                price=g.price,
                eco_labels=g.eco_labels,
                keywords=g.keywords,
            )
        )
        if len(batch) == 5000:
            CatalogueItem.objects.bulk_create(indexing.fill_search_text(batch))
            batch = []
    if batch:
        CatalogueItem.objects.bulk_create(indexing.fill_search_text(batch))
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    from search.tests.fixtures import refresh_search_indexes, reset_search_indexes

    reset_search_indexes()
    indexing.index_version(version)
    refresh_search_indexes()
    build = time.perf_counter() - t0
    label = service.backend_label("default")
    print(f"backend={label} items={n} load+normalise={load:.1f}s index build={build:.1f}s")

    facet_times, plain_times, ac_times = [], [], []
    service.search(SearchQuery(q="papper", log=False))  # warm caches
    for _ in range(rounds):
        for q in QUERIES:
            t = time.perf_counter()
            service.search(SearchQuery(q=q, log=False))
            plain_times.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            service.search(SearchQuery(q=q, price_ranges=["0-100", "100-500"], sort="price", log=False))
            facet_times.append((time.perf_counter() - t) * 1000)
        for p in PREFIXES:
            t = time.perf_counter()
            service.autocomplete(p)
            ac_times.append((time.perf_counter() - t) * 1000)
    for name, values in (
        ("text query + facets", plain_times),
        ("filtered + sorted", facet_times),
        ("autocomplete", ac_times),
    ):
        print(f"  {name:22s} p50={statistics.median(values):7.1f} ms  p95={pct(values, 95):7.1f} ms  n={len(values)}")


if __name__ == "__main__":
    main()
