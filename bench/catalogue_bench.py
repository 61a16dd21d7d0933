"""Benchmark: catalogue intake. Not a test; figures go to docs/benchmarks.md ("## Catalogue").

1. Fast checks (parse, UBL XSD per chunk, hub rules, bulk insert with search_text) on a generated
   Peppol catalogue of --lines lines (default 100,000): lines/s and peak memory (ru_maxrss of a
   fresh child process, and of the reader process that parses big files beside it). Target:
   >= 5,000 lines/s, <= 400 MB. A plain lxml iterparse of the same file is timed in the same run,
   so a loaded machine shows as a lower baseline too; the CPU seconds per line say what free cores
   would give whatever the load.
2. The official T19 rules on --rule-lines lines (default 10,000), in chunks: one process against
   two worker processes, in the same run. Reports lines/s, the scaling ratio, the wait for the first
   chunk (start-up) and the peak memory of the worker processes, beside the scaling that pure CPU
   work gets on 1 vs 2 processes in the same run (on a busy machine that is well under x2 too).

Rerun:  .venv/bin/python bench/catalogue_bench.py [--lines 100000] [--rule-lines 10000] [--skip-rules|--skip-fast]
        DATABASE_URL=$(scripts/postgres.sh url) .venv/bin/python bench/catalogue_bench.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")


def mb(kilobytes: int) -> float:
    return round(kilobytes / 1024, 1)


def child_fast(path: str) -> None:
    """Runs in a fresh process: a throw-away test database, then the fast checks, timed."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / "hub-intake-bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        import datetime

        from catalogue.intake import create_version, process_version
        from catalogue.models import Agreement, Catalogue
        from catalogue.validation.codelists import code_lists
        from catalogue.validation.official import compiled
        from hub.organisations.models import Supplier

        supplier = Supplier.objects.create(name="Kontorsleverantören AB", orgnr="5560160680")
        agreement = Agreement.objects.create(
            reference="RAM-2026-001",
            title="Bench",
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2099, 1, 1),
        )
        agreement.suppliers.add(supplier)
        catalogue = Catalogue.objects.create(agreement=agreement, supplier=supplier)
        code_lists()  # loaded once per process in real use too
        del compiled
        version = create_version(catalogue, Path(path), filename="bench.xml")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        server_started = server_cpu_seconds(connection)
        times_started = os.times()  # every thread of this process, and the reader process once joined
        version = process_version(version, official_rules=False, submit=False)
        seconds = time.perf_counter() - started
        times = os.times()
        cpu_seconds = (times.user + times.system) - (times_started.user + times_started.system)
        child_cpu_seconds = (times.children_user + times.children_system) - (
            times_started.children_user + times_started.children_system
        )
        server_seconds = server_cpu_seconds(connection)
        server_seconds = None if server_started is None or server_seconds is None else server_seconds - server_started
        print(
            json.dumps(
                {
                    "lines": version.line_count,
                    "items": version.items.count(),
                    "errors": version.error_count,
                    "seconds": seconds,
                    "cpu_seconds": cpu_seconds,
                    "child_cpu_seconds": child_cpu_seconds,
                    "server_cpu_seconds": server_seconds,
                    "child_peak_mb": mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss),
                    "peak_mb": mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
                    "peak_before_mb": mb(before),
                    "database": connection.vendor,
                }
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def server_cpu_seconds(connection) -> float | None:
    """CPU time of this connection's PostgreSQL backend (local server): it shares the machine's cores."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def baseline_parse(path: Path) -> float:
    from catalogue import safe_xml

    tag = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}CatalogueLine"
    started = time.perf_counter()
    count = 0
    for _event, element in safe_xml.iterparse(str(path), events=("end",), tag=tag):
        count += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return count / (time.perf_counter() - started)


def spin(rounds: int) -> int:
    """Pure CPU work with nothing shared: what the machine's cores give two processes right now."""
    total = 0
    for number in range(rounds):
        total += number * number % 7
    return total


def control_scaling(tasks: int = 8, rounds: int = 2_000_000) -> float:
    """The same amount of CPU work in 1 and 2 spawned processes: the best scaling the rules can show."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    seconds = {}
    for processes in (1, 2):
        started = time.perf_counter()
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(spin, [rounds] * tasks))
        seconds[processes] = time.perf_counter() - started
    return round(seconds[1] / seconds[2], 2)


def official_runs(path: Path, chunk_lines: int) -> dict:
    import django

    django.setup()
    from catalogue.formats.peppol import PeppolReader
    from catalogue.report import Report
    from catalogue.validation import official

    with tempfile.TemporaryDirectory() as chunk_dir:
        reader = PeppolReader(path, Report(), chunk_lines=chunk_lines, chunk_dir=Path(chunk_dir))
        lines = sum(1 for _ in reader.lines())
        results = {"lines": lines, "chunks": len(reader.chunks), "chunk_lines": chunk_lines}
        results["control_before"] = control_scaling()
        for processes in (1, 2):
            stamps: list[float] = []
            started = time.perf_counter()
            failed = official.run_chunks(
                reader.chunks,
                processes=processes,
                progress=lambda _done, _total, stamps=stamps, started=started: stamps.append(
                    time.perf_counter() - started
                ),
            )
            seconds = time.perf_counter() - started
            results[f"p{processes}"] = {
                "seconds": round(seconds, 2),
                "lines_per_s": round(lines / seconds),
                "failed_asserts": len(failed),
                # start-up (spawn, compile, Saxon's first run) shows as the wait for the first chunk
                "first_chunk_s": round(stamps[0], 2) if stamps else None,
            }
        results["scaling"] = round(results["p1"]["seconds"] / results["p2"]["seconds"], 2)
        # As an import runs them: the workers were started (and compiled the rules) during the fast checks.
        with official.RulePool(2) as pool:
            pool.wait_ready()
            started = time.perf_counter()
            official.run_chunks(reader.chunks, pool=pool)
            results["p2_warm_seconds"] = round(time.perf_counter() - started, 2)
        results["scaling_warm"] = round(results["p1"]["seconds"] / results["p2_warm_seconds"], 2)
        results["control_after"] = control_scaling()
        results["main_peak_mb"] = mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        results["worker_peak_mb"] = mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--rule-lines", type=int, default=10_000)
    parser.add_argument("--chunk-lines", type=int, default=500)
    parser.add_argument("--child-fast")
    parser.add_argument("--child-rules")
    parser.add_argument("--skip-rules", action="store_true", help="only the fast checks")
    parser.add_argument("--skip-fast", action="store_true", help="only the official rules")
    args = parser.parse_args()
    if args.child_fast:
        child_fast(args.child_fast)
        return
    if args.child_rules:
        # Its own process, so the memory figures are the rule runs' alone.
        print(json.dumps(official_runs(Path(args.child_rules), args.chunk_lines)))
        return
    from catalogue.generator import DEMO_RECEIVER, DEMO_SUPPLIER, iter_items, write_peppol

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_fast:
            big = write_peppol(
                Path(folder) / "big.xml", iter_items(args.lines, 1), DEMO_SUPPLIER, DEMO_RECEIVER, "RAM-2026-001"
            )
            size_mb = big.stat().st_size / 1e6
            baseline = baseline_parse(big)
            out = subprocess.run(
                [sys.executable, __file__, "--child-fast", str(big)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            fast = json.loads(out.stdout.strip().splitlines()[-1])
            rate = fast["lines"] / fast["seconds"]
            print(
                f"fast checks ({fast['database']}): {fast['lines']} lines ({size_mb:.0f} MB) in {fast['seconds']:.1f} s"
                f" = {rate:,.0f} lines/s, peak memory {fast['peak_mb']} MB (before the import: "
                f"{fast['peak_before_mb']} MB), {fast['errors']} errors, {fast['items']} items stored"
            )
            # CPU time of all the import's threads: what a free core would give, whatever the load now.
            cpu = fast["cpu_seconds"] + fast["child_cpu_seconds"]
            print(
                f"  CPU {cpu:.1f} s = {1e6 * cpu / fast['lines']:.0f} µs per line (importing process "
                f"{fast['cpu_seconds']:.1f} s, reader process {fast['child_cpu_seconds']:.1f} s, its peak memory "
                f"{fast['child_peak_mb']} MB)"
                + (
                    f"; PostgreSQL backend {fast['server_cpu_seconds']:.1f} s"
                    if fast.get("server_cpu_seconds") is not None
                    else ""
                )
                + f"; load average now {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
            )
            print(f"  plain lxml iterparse of the same file, same run: {baseline:,.0f} lines/s")
        if not args.skip_rules:
            rules_file = write_peppol(
                Path(folder) / "rules.xml", iter_items(args.rule_lines, 2), DEMO_SUPPLIER, DEMO_RECEIVER, "RAM-2026-001"
            )
            out = subprocess.run(
                [sys.executable, __file__, "--child-rules", str(rules_file), "--chunk-lines", str(args.chunk_lines)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            rules = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"official T19 rules on {rules['lines']} lines in {rules['chunks']} chunks of {rules['chunk_lines']}: "
                f"1 process {rules['p1']['seconds']} s ({rules['p1']['lines_per_s']} lines/s), "
                f"2 processes {rules['p2']['seconds']} s ({rules['p2']['lines_per_s']} lines/s), "
                f"scaling x{rules['scaling']}; 2 processes started ahead (as in an import) "
                f"{rules['p2_warm_seconds']} s, scaling x{rules['scaling_warm']} (pure CPU work on 1 vs 2 processes, "
                f"same run: x{rules['control_before']} before, x{rules['control_after']} after); "
                f"first chunk after {rules['p1']['first_chunk_s']} s / {rules['p2']['first_chunk_s']} s; "
                f"peak memory main {rules['main_peak_mb']} MB, "
                f"largest worker {rules['worker_peak_mb']} MB; failed asserts {rules['p1']['failed_asserts']}"
                f"/{rules['p2']['failed_asserts']}; load average now {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
            )


if __name__ == "__main__":
    main()
