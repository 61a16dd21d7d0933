"""Benchmark: writing a 200-line punchout basket (target: <= 50 ms each), Peppol T77 and T01 beside cXML.

Rerun:  .venv/bin/python bench/punchout_documents_bench.py [--lines 200] [--repeat 30]
The basket lines are built in memory (no database) from generated catalogue items (catalogue.generator,
seed 1), so the figures are the writers' own: punchout.protocols.peppol.basket_document (Punch Out 3,
T77), punchout.orders.order_document (Order, T01) and punchout.sessions.cxml_order_message (cXML
PunchOutOrderMessage), run alternately in the same process. The official-rules check (XSD + T77 with
Saxon), which the hub runs in tests and in punchout_test but not when it writes, is timed for comparison.
CPU time (time.process_time) is printed beside the wall time: on a loaded machine it is the steadier figure.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")

import django

django.setup()


def basket(n: int):
    from catalogue.generator import iter_items
    from catalogue.models import CatalogueItem
    from hub.organisations.models import BuyerOrganisation
    from punchout.models import BasketLine, BuyerSystem, PunchoutSession

    organisation = BuyerOrganisation(name="Exempelstads kommun", orgnr="2120000142")
    system = BuyerSystem(name="Bench", organisation=organisation, cxml_from_identity="bench")
    session = PunchoutSession(
        buyer_system=system, organisation=organisation, protocol="peppol", buyer_reference="Kostnadsställe 4711"
    )
    lines = []
    for index, generated in enumerate(iter_items(n, seed=1)):
        item = CatalogueItem(
            line_number=index + 1,
            seller_item_id=generated.seller_item_id,
            gtin=generated.gtin,
            name=generated.name,
            description=generated.description,
            manufacturer=generated.manufacturer,
            manufacturer_part_number=generated.manufacturer_part_number,
            unspsc=generated.unspsc,
            unit=generated.unit,
            price=generated.price,
            vat_rate=generated.vat_rate,
            lead_time_days=3,
        )
        lines.append(
            BasketLine(
                session=session,
                item=item,
                quantity=Decimal(index % 7 + 1),
                seller_item_id=item.seller_item_id,
                name=item.name,
                unit=item.unit,
                unit_price=item.price,
                vat_rate=item.vat_rate,
                agreement_reference="RA-2026-001" if index % 3 else "RA-2026-002",
                supplier_orgnr="5566778899" if index % 3 else "5561234567",
                supplier_name="Kontorsvaror i Norden AB" if index % 3 else "IT-partner Sverige AB",
            )
        )
    return session, lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    from django.conf import settings

    from punchout import orders, sessions
    from punchout.protocols import peppol

    settings.HUB_PEPPOL_ID = settings.HUB_PEPPOL_ID or "0007:2120000142"
    session, lines = basket(args.lines)
    writers = {
        "Peppol Punch Out 3 (T77)": lambda: peppol.basket_document(session, lines, "bench-basket"),
        "Peppol Order (T01), one supplier": lambda: orders.order_document(session, lines, "5566778899"),
        "cXML PunchOutOrderMessage": lambda: sessions.cxml_order_message(session, lines),
    }
    for write in writers.values():  # warm up (imports, lxml)
        write()
    timings: dict[str, list[float]] = {name: [] for name in writers}
    cpu: dict[str, list[float]] = {name: [] for name in writers}
    sizes = {name: len(write()) for name, write in writers.items()}
    for _ in range(args.repeat):  # alternately, so load on the machine hits each writer alike
        for name, write in writers.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            write()
            timings[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)

    load_before = os.getloadavg()[0]
    document = writers["Peppol Punch Out 3 (T77)"]()
    peppol.check_document(document, "T77")  # compile the rules once
    checks = []
    for _ in range(3):
        started = time.perf_counter()
        result = peppol.check_document(document, "T77")
        checks.append(time.perf_counter() - started)
    assert result.ok, result.describe()

    print(
        f"# {datetime.date.today()}, {platform.node()}, Python {platform.python_version()}, "
        f"load {load_before:.1f} before the rules check"
    )
    print(f"| Document ({args.lines} lines) | Median | p95 | Median CPU time | Size | Target |")
    print("|---|---|---|---|---|---|")
    for name, values in timings.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(
            f"| {name} | {statistics.median(values) * 1000:.1f} ms | {p95 * 1000:.1f} ms | "
            f"{statistics.median(cpu[name]) * 1000:.1f} ms | {sizes[name] / 1024:.0f} kB | ≤ 50 ms |"
        )
    print(
        f"| XSD + official T77 rules on the T77 (for comparison) | {statistics.median(checks) * 1000:.0f} ms | | | | |"
    )
    print(f"# load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
