"""The intake's stages on their own, without a database: the reader only reads, the XSD is a check
stage handed to it, and line semantics are the same whatever the format."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from catalogue.formats.base import Header, RawLine
from catalogue.formats.peppol import PeppolReader
from catalogue.generator import DEMO_RECEIVER, DEMO_SUPPLIER, iter_items, write_peppol
from catalogue.intake.lines import LineSemantics
from catalogue.report import SOURCE_XSD, Report
from catalogue.validation.schema import XsdCheck
from catalogue.validation.standards import StandardsMissing

UNKNOWN = "<cbc:Okänd>x</cbc:Okänd>"


def _catalogue_with_unknown_element(tmp_path: Path, lines: int, in_line: int) -> Path:
    path = write_peppol(tmp_path / "k.xml", iter_items(lines, 3), DEMO_SUPPLIER, DEMO_RECEIVER, "RAM-1")
    text = path.read_text(encoding="utf-8").split("\n")
    out, count = [], 0
    for row in text:
        out.append(row)
        if row.strip() == "<cac:CatalogueLine>":
            count += 1
            if count == in_line:
                out.append(UNKNOWN)
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def _read(path: Path, tmp_path: Path, **options) -> tuple[Report, PeppolReader]:
    report = Report()
    folder = tmp_path / f"chunks-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    reader = PeppolReader(path, report, chunk_lines=3, chunk_dir=folder, **options)
    lines = list(reader.lines())
    assert len(lines) == 8
    return report, reader


def test_the_reader_checks_nothing_the_xsd_stage_does(tmp_path):
    path = _catalogue_with_unknown_element(tmp_path, 8, in_line=5)
    plain, reader = _read(path, tmp_path)
    assert plain.issues == [] and len(reader.chunks) == 3  # read and chunked, not judged
    checked, _reader = _read(path, tmp_path, chunk_check=XsdCheck.installed())
    [issue] = checked.issues
    assert (issue.code, issue.source) == ("XML-SCHEMA", SOURCE_XSD)
    # Line 5 sits in the second chunk of three lines: the path counts lines in the whole file.
    assert issue.element == "/*/cac:CatalogueLine[5]/cbc:Okänd"
    assert "Okänd" in issue.params["detail"]


def test_the_xsd_check_travels_to_the_reader_process():
    check = XsdCheck.installed()
    assert pickle.loads(pickle.dumps(check)) == check  # noqa: S301 - our own object, as multiprocessing sends it


def test_a_missing_schema_folder_is_named(tmp_path):
    with pytest.raises(StandardsMissing, match="make standards"):
        XsdCheck(str(tmp_path / "nowhere"))(None)


def _line(number: int, item_id: str, action: str = "Add", **values) -> RawLine:
    fields = {"seller_item_id": item_id, "name": f"Vara {item_id}", "price": "10.50", "unit": "EA", **values}
    return RawLine(line=number, action=action, values=fields)


def test_line_semantics_are_one_set_of_rules_for_every_format():
    report = Report()
    semantics = LineSemantics(report, strict_update=False)
    assert semantics.item_fields(_line(1, "A-1"), "Replace")["seller_item_id"] == "A-1"
    assert semantics.item_fields(_line(2, "A-1"), "Replace") is None  # the same item again
    duplicate = report.issues[-1]
    assert (duplicate.code, duplicate.line, duplicate.params["first"]) == ("HUB-DUPLICATE-ITEM", 2, 1)
    assert semantics.item_fields(_line(3, "B-1", action="Delete"), "Replace") is None
    assert report.issues[-1].code == "HUB-DELETE-IGNORED"  # Delete means something only in an Update
    assert semantics.item_fields(_line(4, "C-1"), "Delete") is None  # a withdrawn catalogue's lines
    assert [i.code for i in report.issues] == ["HUB-DUPLICATE-ITEM", "HUB-DELETE-IGNORED"]
    assert semantics.seen == {"A-1": 1} and semantics.deleted == {}


def test_an_update_catalogue_remembers_its_deletes_and_updates():
    report = Report()
    semantics = LineSemantics(report, strict_update=True)
    semantics.item_fields(_line(1, "A-1", action="Update"), Header(action="Update").action)
    semantics.item_fields(_line(2, "B-1", action="Delete"), "Update")
    semantics.item_fields(_line(3, "", action="Delete", gtin=""), "Update")
    assert semantics.updated == {"A-1": 1} and semantics.deleted == {"B-1": 2}
    assert [(i.code, i.line) for i in report.issues] == [("HUB-ITEM-ID-MISSING", 3)]
