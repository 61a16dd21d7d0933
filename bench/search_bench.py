"""Benchmark: search latency in-process and over HTTP, throughput under load, index build time, per backend.

Rerun (one command per backend; each builds its own throw-away database and OpenSearch index hub_bench_*,
and drops both at the end):
    .venv/bin/python bench/search_bench.py --items 500000 --http
    DATABASE_URL=$(scripts/postgres.sh url) .venv/bin/python bench/search_bench.py --items 500000 --http
    DATABASE_URL=$(scripts/postgres.sh url) OPENSEARCH_URL=http://127.0.0.1:9200 \
        .venv/bin/python bench/search_bench.py --items 500000 --http
Steps: load N items from catalogue.generator on one open agreement (search_text filled in bulk, as an
importer does), index them in every configured backend (index build time), time the search service
in-process (p50/p95 of faceted text queries, filtered + sorted queries, autocomplete), then serve the hub
with gunicorn from requirements-dev.txt and measure over HTTP from other processes: sequential p50/p95,
then 16 concurrent clients with `wrk` (apt package; a Python client process when wrk is missing).
--keep keeps the database (and OpenSearch index) for the next run with the same --items, for profiling.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")

import django

django.setup()

from django.db import connection
from django.test.utils import setup_test_environment

QUERIES = ["papper", "kopieringspapper", "pennor", "kontorsstol", "handskar", "kaffe", "skrivbord", "rengöring"]
PREFIXES = ["ko", "kö", "pa", "pe", "sk", "ha", "st", "mu"]
INDEX_PREFIX = "hub_bench_"


def _free_port() -> int:
    """A port no other process listens on (two benches side by side must not share a server)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = _free_port()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def line(name: str, values: list[float]) -> str:
    return f"  {name:26s} p50={statistics.median(values):7.1f} ms  p95={pct(values, 95):7.1f} ms  n={len(values)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--http", action="store_true", help="also serve the hub and measure over HTTP")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=int, default=30, help="seconds of concurrent load per URL kind")
    parser.add_argument("--keep", action="store_true", help="keep the database for the next run")
    parser.add_argument("--profile", action="store_true", help="print where one query and one autocomplete spend time")
    args = parser.parse_args()
    setup_test_environment()
    from django.conf import settings

    if "INDEX_PREFIX" in settings.WAGTAILSEARCH_BACKENDS["default"]:
        settings.WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"] = INDEX_PREFIX
    if connection.vendor == "sqlite":
        suffix = f"keep-{args.items}" if args.keep else str(os.getpid())
        connection.settings_dict["TEST"]["NAME"] = str(
            Path(tempfile.gettempdir()) / f"hub-search-bench-{suffix}.sqlite3"
        )
    else:
        connection.settings_dict["TEST"]["NAME"] = "test_hub_search_bench"
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=not args.keep, keepdb=args.keep, serialize=False
    )
    try:
        version = load_and_index(args.items)
        if args.profile:
            profile()
        measure_in_process(args.rounds)
        if args.http:
            measure_http(args, version)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            drop_opensearch_index()


def drop_opensearch_index() -> None:
    """Delete the bench's OpenSearch index (hub_bench_*), when OpenSearch is configured."""
    from modelsearch.backends import get_search_backend

    from catalogue.models import CatalogueItem

    backend = get_search_backend("default")
    if hasattr(backend, "es"):
        backend.get_index_for_model(CatalogueItem).delete()


def load_and_index(n: int):
    import datetime

    from catalogue.generator import iter_items
    from catalogue.models import Agreement, Catalogue, CatalogueItem, CatalogueVersion, fill_search_text
    from hub.organisations.models import Supplier
    from search import indexing, service
    from search.tests.fixtures import refresh_search_indexes, reset_search_indexes

    label = service.backend_label("default")
    existing = CatalogueVersion.objects.filter(catalogue__agreement__reference="BENCH-1").first()
    if existing is not None and CatalogueItem.objects.filter(version=existing).count() == n:
        print(f"backend={label} items={n} (kept from an earlier --keep run)")
        return existing
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
            CatalogueItem.objects.bulk_create(fill_search_text(batch))
            batch = []
    if batch:
        CatalogueItem.objects.bulk_create(fill_search_text(batch))
    load = time.perf_counter() - t0
    per_backend = _time_add_bulk()
    t0 = time.perf_counter()
    reset_search_indexes()
    indexing.index_version(version)
    refresh_search_indexes()
    build = time.perf_counter() - t0
    split = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in per_backend.items())
    print(f"backend={label} items={n} load+normalise={load:.1f}s index build={build:.1f}s ({split})")
    return version


def _time_add_bulk() -> dict[str, float]:
    """Seconds spent in each backend class's add_bulk (the index build, per backend)."""
    from modelsearch.backends import get_search_backend

    from search import indexing

    spent: dict[str, float] = {}
    for name, _backend in indexing._backends():  # noqa: SLF001 (the backends the intake writes to; no public accessor)
        cls = type(get_search_backend(name))
        original, key = cls.add_bulk, cls.__module__.rsplit(".", 1)[-1]

        def timed(self, model, objs, _original=original, _key=key):
            t = time.perf_counter()
            try:
                return _original(self, model, objs)
            finally:
                spent[_key] = spent.get(_key, 0.0) + time.perf_counter() - t

        cls.add_bulk = timed
    return spent


def profile() -> None:
    import cProfile
    import pstats

    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    from search import service
    from search.service import SearchQuery

    for label, call in (
        ("search papper", lambda: service.search(SearchQuery(q="papper", log=False))),
        ("autocomplete kö", lambda: service.autocomplete("kö")),
    ):
        call()
        reset_queries()
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as queries:
            profiler.runcall(call)
        print(f"--- {label}")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(12)
        for q in queries.captured_queries:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")


def _engines() -> list[str]:
    """The engines to measure: OpenSearch when configured, and always the database backend."""
    from search.service import failover

    return ["opensearch", "database"] if "database" in failover.backend_names() else ["database"]


def _use(engine: str) -> None:
    """Make the service answer from `engine`: the database backend by marking OpenSearch as down."""
    from search.service import FAILOVER

    FAILOVER.reset()
    if engine == "database" and len(_engines()) > 1:
        FAILOVER.down_until["default"] = float("inf")


def _raw_text(engine: str, q: str):
    """A callable running the bare engine work of `search(q)` on the narrowed match set the service counts:
    the same _search body with its aggregations (OpenSearch), or the same GROUP BY over the same terms-index
    expression plus the same ranked match (database). The kind's commodities are looked up once, outside."""
    from catalogue.models import CatalogueItem
    from search import dbsearch, query_text
    from search.service import MAX_MATCHES, visible_items, visible_versions
    from search.service.database import text_matches
    from search.service.facets import group_query
    from search.service.filters import KindOfGoods, Narrowing
    from search.service.opensearch import request_body, resolve_narrowing

    versions = visible_versions(None)
    shaped = query_text.shape(q, lambda: versions)
    groups = shaped.groups
    narrowing = Narrowing(lambda any_word: query_text.narrowing(shaped, any_word))
    if engine == "opensearch":
        from modelsearch.backends import get_search_backend

        from search.service import _text_query

        backend = get_search_backend("default")
        text_query = _text_query(groups, False)
        goods = narrowing.of_text(False)
        restriction = None
        if isinstance(goods, KindOfGoods):
            restriction = resolve_narrowing(backend, goods, text_query, versions)
        ranks = {"0": 1}
        body = request_body(backend, text_query, versions, {}, "relevance", 0, 20, ranks, restriction=restriction)
        took: list[float] = []

        def run():
            took.append(backend.search_request(CatalogueItem, body)["took"])

        run.took = took
        return run
    base, _text_filter = text_matches(narrowing, visible_items(None), groups, False)
    sql, params = group_query(base).query.sql_with_params()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        dbsearch.match(groups, versions, False, MAX_MATCHES)

    return run


def _raw_autocomplete(engine: str, prefix: str):
    import swedish_text as text
    from catalogue.models import CatalogueItem
    from search import dbsearch
    from search.service import AUTOCOMPLETE_CANDIDATES, visible_versions

    words = text.tokens(prefix)
    versions = visible_versions(None)
    if engine == "opensearch":
        from modelsearch.backends import get_search_backend

        backend = get_search_backend("default")
        qs = CatalogueItem.objects.filter(version_id__in=versions)
        return lambda: backend.autocomplete_ids(qs, " ".join(words), AUTOCOMPLETE_CANDIDATES)
    return lambda: dbsearch.autocomplete_ids(words, versions, AUTOCOMPLETE_CANDIDATES)


def _timed(call) -> float:
    t = time.perf_counter()
    call()
    return (time.perf_counter() - t) * 1000


def measure_in_process(rounds: int) -> None:
    from search import service
    from search.service import SearchQuery

    for engine in _engines():
        _use(engine)
        facet_times, filtered_times, ac_times, raw_times, raw_ac_times = [], [], [], [], []
        raw_text = {q: _raw_text(engine, q) for q in QUERIES}
        raw_ac = {p: _raw_autocomplete(engine, p) for p in PREFIXES}
        load_before = os.getloadavg()[0]
        for q in QUERIES:  # warm caches
            result = service.search(SearchQuery(q=q, log=False))
            assert result.backend.startswith("database") == (engine == "database"), result.backend
            raw_text[q]()
        totals = {}
        per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
        for _ in range(rounds):
            for q in QUERIES:
                # The service and the bare engine side by side, query by query.
                holder = {}
                facet_times.append(
                    _timed(
                        lambda q=q, holder=holder: holder.setdefault("r", service.search(SearchQuery(q=q, log=False)))
                    )
                )
                per_query[q].append(facet_times[-1])
                raw_times.append(_timed(raw_text[q]))
                result = holder["r"]
                assert result.total_exact, q
                totals[q] = result.total
                filtered_times.append(
                    _timed(
                        lambda q=q: service.search(
                            SearchQuery(q=q, price_ranges=["0-100", "100-500"], sort="price", log=False)
                        )
                    )
                )
            for p in PREFIXES:
                ac_times.append(_timed(lambda p=p: service.autocomplete(p)))
                raw_ac_times.append(_timed(raw_ac[p]))
        load_after = os.getloadavg()[0]
        print(f"in-process, {engine} (load average {load_before:.2f} -> {load_after:.2f}):")
        print("  exact totals: " + ", ".join(f"{q} {n:,}" for q, n in totals.items()))
        print(line("text query + facets", facet_times))
        print(line("  raw engine, same query", raw_times))
        print("  per query, median ms: " + ", ".join(f"{q} {statistics.median(t):.0f}" for q, t in per_query.items()))
        print(f"  {'ratio p95 service / raw':26s} {pct(facet_times, 95) / max(pct(raw_times, 95), 1e-9):.2f}x")
        took = getattr(next(iter(raw_text.values())), "took", None)
        if took:
            print(f"  {'OpenSearch took (own)':26s} p50={statistics.median(took):7.1f} ms  p95={pct(took, 95):7.1f} ms")
        print(line("filtered + sorted + facets", filtered_times))
        print(line("autocomplete", ac_times))
        print(line("  raw engine, same prefix", raw_ac_times))
        print(f"  {'ratio p95 service / raw':26s} {pct(ac_times, 95) / max(pct(raw_ac_times, 95), 1e-9):.2f}x")
    _use("opensearch")


def _paths() -> dict[str, list[str]]:
    def enc(params: dict) -> str:
        return urllib.parse.urlencode(params)

    return {
        "/sv/sok/": [f"/sv/sok/?{enc({'q': q})}" for q in QUERIES],
        "/api/v1/search": [f"/api/v1/search?{enc({'q': q})}" for q in QUERIES]
        + [f"/api/v1/search?{enc({'q': q, 'price_ranges': '0-100', 'sort': 'price'})}" for q in QUERIES],
        "/api/v1/autocomplete": [f"/api/v1/autocomplete?{enc({'q': p})}" for p in PREFIXES],
    }


def _server_settings(tmp: Path) -> str:
    """A settings module pointing the served hub at the bench database and index."""
    module = "hub_search_bench_settings"
    (tmp / f"{module}.py").write_text(
        textwrap.dedent(
            f"""
            from hub.settings.test import *  # noqa: F403
            DATABASES["default"]["NAME"] = {connection.settings_dict["NAME"]!r}  # noqa: F405
            if "INDEX_PREFIX" in WAGTAILSEARCH_BACKENDS["default"]:  # noqa: F405
                WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"] = {INDEX_PREFIX!r}  # noqa: F405
            """
        )
    )
    return module


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"the bench server did not answer {url}")


WRK_SCRIPT = """
paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%f %%f %%d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""

CLIENT_SCRIPT = """
import http.client, json, sys, threading, time
base_port, seconds, clients, paths = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
times, errors, lock = [], [0], threading.Lock()
def worker(k):
    conn = http.client.HTTPConnection("127.0.0.1", base_port, timeout=30)
    end, i = time.monotonic() + seconds, k
    while time.monotonic() < end:
        t = time.perf_counter()
        try:
            conn.request("GET", paths[i % len(paths)]); r = conn.getresponse(); r.read(); ok = r.status == 200
        except Exception:
            ok = False; conn = http.client.HTTPConnection("127.0.0.1", base_port, timeout=30)
        with lock:
            (times.append((time.perf_counter() - t) * 1000) if ok else errors.__setitem__(0, errors[0] + 1))
        i += 1
threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
[t.start() for t in threads]; [t.join() for t in threads]
times.sort()
print("RESULT", len(times), int(seconds * 1e6), times[len(times) // 2], times[int(0.95 * (len(times) - 1))], errors[0])
"""


def _load(paths: list[str], clients: int, seconds: int) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p95 ms, errors) with `clients` concurrent connections from another process."""
    if shutil.which("wrk"):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
        cmd = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s", f.name]
        cmd.append(f"http://127.0.0.1:{PORT}")
    else:
        cmd = [sys.executable, "-c", CLIENT_SCRIPT, str(PORT), str(seconds), str(clients), json.dumps(paths)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result = next(ln for ln in out.splitlines() if ln.startswith("RESULT")).split()
    requests, duration_us, p50, p95, errors = int(result[1]), int(result[2]), *map(float, result[3:5]), int(result[5])
    return requests / (duration_us / 1e6), p50, p95, errors


def measure_http(args, version) -> None:
    for engine in _engines():
        _measure_http(args, engine)


def _measure_http(args, engine: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="hub-search-bench-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=_server_settings(tmp), PYTHONPATH=f"{tmp}:{ROOT}")
    if engine == "database":
        env.pop("OPENSEARCH_URL", None)  # the served hub answers from the database backend alone
    workers, threads = 2, 8
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "hub.wsgi:application",
            f"--bind=127.0.0.1:{PORT}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for(f"http://127.0.0.1:{PORT}/api/v1/autocomplete?q=ko")
        print(f"HTTP, {engine} (gunicorn {workers} workers x {threads} threads, loopback):")
        for kind, paths in _paths().items():
            for path in paths:  # warm every worker
                for _ in range(workers):
                    urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60).read()
            times = []
            for _ in range(args.rounds):
                for path in paths:
                    t = time.perf_counter()
                    urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60).read()
                    times.append((time.perf_counter() - t) * 1000)
            print(line(f"{kind} 1 client", times))
            rps, p50, p95, errors = _load(paths, args.clients, args.duration)
            print(
                f"  {kind + f' {args.clients} clients':26s} p50={p50:7.1f} ms  p95={p95:7.1f} ms  "
                f"{rps:6.1f} req/s  errors={errors}  load average {os.getloadavg()[0]:.2f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
