"""Benchmark: the intake's fast pass, old code against new, side by side in one run.

Each round imports the same generated Peppol file once with each tree's code (alternating which
goes first), each in a fresh process with its own throw-away database, and times process_version
(parse, UBL XSD per chunk, hub rules, line semantics, search_text, insert; the official rules are
left out: catalogue/validation/official.py is the same in both). Prints every run and the medians.

Rerun:  git worktree add /tmp/wt-old 06180ac && ln -s "$PWD/.venv" /tmp/wt-old/.venv \
          && mkdir -p /tmp/wt-old/var && ln -s "$PWD/var/standards" /tmp/wt-old/var/standards
        .venv/bin/python bench/intake_old_new.py --old /tmp/wt-old [--lines 50000] [--rounds 5]
        DATABASE_URL=$(scripts/postgres.sh url) .venv/bin/python bench/intake_old_new.py --old /tmp/wt-old
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(tree: str, path: str) -> None:
    """Runs in a fresh process with `tree` first on sys.path: that tree's code imports the file."""
    sys.path.insert(0, tree)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.test"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    suffix = f"intake_bench_{os.getpid()}"
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / f"hub-{suffix}.sqlite3")
    else:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_hub_{suffix}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        import datetime

        # The split moved create_version and process_version from catalogue.importing to catalogue.intake.
        module = "catalogue.importing" if importlib.util.find_spec("catalogue.importing") else "catalogue.intake"
        intake = importlib.import_module(module)
        from catalogue.models import Agreement, Catalogue
        from catalogue.validation.codelists import code_lists
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
        version = intake.create_version(catalogue, Path(path), filename="bench.xml")
        started, cpu_started = time.perf_counter(), os.times()
        version = intake.process_version(version, official_rules=False, submit=False)
        seconds, cpu = time.perf_counter() - started, os.times()
        # Every thread of this process and any reader process: less sensitive to the machine's load than the wall clock.
        cpu_seconds = sum(cpu[:4]) - sum(cpu_started[:4])
        print(
            json.dumps(
                {
                    "module": module,
                    "lines": version.line_count,
                    "items": version.items.count(),
                    "errors": version.error_count,
                    "seconds": seconds,
                    "cpu_seconds": cpu_seconds,
                    "database": connection.vendor,
                }
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(tree: Path, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(tree), str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", help="a worktree of the code before the change (required)")
    parser.add_argument("--new", default=str(ROOT), help="the tree with the change (default: this one)")
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("TREE", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if not args.old:
        parser.error("--old is required")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")
    from catalogue.generator import DEMO_RECEIVER, DEMO_SUPPLIER, iter_items, write_peppol

    trees = {"old": Path(args.old).resolve(), "new": Path(args.new).resolve()}
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; old={trees['old']} new={trees['new']}"
    )
    seconds: dict[str, list[float]] = {"old": [], "new": []}
    cpu: dict[str, list[float]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as folder:
        path = write_peppol(
            Path(folder) / "bench.xml", iter_items(args.lines, 1), DEMO_SUPPLIER, DEMO_RECEIVER, "RAM-2026-001"
        )
        for round_number in range(args.rounds):
            order = ("old", "new") if round_number % 2 == 0 else ("new", "old")
            for side in order:
                result = run(trees[side], path)
                assert result["errors"] == 0 and result["items"] == args.lines, result
                seconds[side].append(result["seconds"])
                cpu[side].append(result["cpu_seconds"])
                print(
                    f"round {round_number + 1} {side} ({result['module']}, {result['database']}): "
                    f"{result['seconds']:.2f} s = {args.lines / result['seconds']:,.0f} lines/s, "
                    f"CPU {result['cpu_seconds']:.2f} s; load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    medians = {side: statistics.median(values) for side, values in seconds.items()}
    cpu_medians = {side: statistics.median(values) for side, values in cpu.items()}
    print(
        f"{args.lines} lines, {args.rounds} rounds, medians: old {medians['old']:.2f} s "
        f"({args.lines / medians['old']:,.0f} lines/s), new {medians['new']:.2f} s "
        f"({args.lines / medians['new']:,.0f} lines/s), new/old time x{medians['new'] / medians['old']:.3f}; "
        f"CPU medians: old {cpu_medians['old']:.2f} s, new {cpu_medians['new']:.2f} s "
        f"({1e6 * cpu_medians['old'] / args.lines:.0f} / {1e6 * cpu_medians['new'] / args.lines:.0f} µs per line), "
        f"new/old x{cpu_medians['new'] / cpu_medians['old']:.3f}; "
        f"load average now {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
