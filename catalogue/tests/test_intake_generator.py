"""The catalogue generator: deterministic, realistic, valid."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from openpyxl import load_workbook
from stdnum import ean

from catalogue.generator import CATEGORIES, ECO_LABELS, generate_items
from catalogue.validation import codelists


def test_same_seed_same_items_other_seed_other_items():
    assert generate_items(200, seed=3) == generate_items(200, seed=3)
    assert generate_items(200, seed=3) != generate_items(200, seed=4)


def test_items_are_realistic_and_valid():
    items = generate_items(2000, seed=1)
    assert len({i.seller_item_id for i in items}) == 2000
    assert len({i.gtin for i in items}) == 2000 and all(ean.is_valid(i.gtin) for i in items)
    assert {i.category for i in items} == {c[0] for c in CATEGORIES}
    assert all(i.unit in codelists.units() for i in items)
    assert all(len(i.unspsc) == 8 and i.unspsc.isdigit() for i in items)
    assert {label for i in items for label in i.eco_labels} <= set(ECO_LABELS)
    names = {i.name.split()[0] for i in items}
    assert {"Kopieringspapper", "Toalettpapper", "Kulspetspenna", "Whiteboardpenna", "Diskmedel"} <= names
    assert all(i.price > 0 for i in items)


def test_cli_writes_the_same_file_twice(tmp_path):
    outputs = []
    for name in ("a.xml", "b.xml"):
        subprocess.run(
            [sys.executable, "-m", "catalogue.generator", "--lines", "30", "--out", str(tmp_path / name)], check=True
        )
        outputs.append(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert outputs[0] == outputs[1]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "catalogue.generator",
            "--lines",
            "30",
            "--format",
            "xlsx",
            "--out",
            str(tmp_path / "c.xlsx"),
        ],
        check=True,
    )
    sheet = load_workbook(tmp_path / "c.xlsx", read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == 31


def test_a_supplier_sells_its_own_kind_of_goods():
    items = generate_items(500, seed=2, categories=("it",))
    assert {i.category for i in items} == {"it"}
    assert generate_items(50, seed=2, categories=("it",)) == items[:50]  # deterministic per categories
    cleaning = generate_items(500, seed=2, categories=("städ", "vård"))
    assert {i.category for i in cleaning} == {"städ", "vård"}


def test_names_are_varied():
    items = generate_items(5000, seed=1)
    assert len({i.name for i in items}) > 2000  # was 80 distinct names before
    assert len({i.name.split(",")[0].split()[0] for i in items}) >= 80  # base names
    assert len({i.description for i in items}) > 2000
