"""Run every benchmark in bench/ one after another (`make bench`), each in its own process.

Each bench prints its own table; this script only runs them in a fixed order and reports which
failed, so one broken bench does not hide the others' figures. `--quick` runs small sizes to check
that the benches still work (seconds, not minutes), and also each comparison script with this tree
on both sides; the figures in docs/benchmarks.md come from the full sizes.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

# (script, full-size arguments, quick arguments)
BENCHES: list[tuple[str, list[str], list[str]]] = [
    ("catalogue_bench.py", [], ["--lines", "2000", "--rule-lines", "200"]),
    ("catalogue_diff_bench.py", [], ["--items", "2000"]),
    ("search_bench.py", [], ["--items", "2000", "--rounds", "2"]),
    ("punchout_documents_bench.py", [], ["--lines", "20", "--repeat", "3"]),
    ("punchout_setup_bench.py", [], ["--requests", "20"]),
    ("followup_bench.py", [], ["--lines", "20000", "--purchases", "5000", "--searches", "5000", "--repeat", "2"]),
]

# (script, quick arguments): scripts that compare an old tree with a new one need the old tree, so a full
# run (`make bench`) leaves them out; --quick checks they still run by comparing this tree with itself.
COMPARISONS: list[tuple[str, list[str]]] = [
    ("intake_old_new.py", ["--old", str(ROOT), "--lines", "300", "--rounds", "1"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: check the benches run")
    parser.add_argument("--only", action="append", help="run only this bench (file name); repeatable")
    options = parser.parse_args()

    runs = [(script, quick if options.quick else full) for script, full, quick in BENCHES]
    if options.quick:
        runs += COMPARISONS
    failed: list[str] = []
    for script, arguments in runs:
        if options.only and script not in options.only:
            continue
        print(f"== {script} {' '.join(arguments)}", flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(BENCH_DIR / script), *arguments], check=False)
        print(f"== {script}: exit {done.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        if done.returncode != 0:
            failed.append(script)
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
