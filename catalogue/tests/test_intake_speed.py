"""The fast intake path's moving parts: XSD errors from the chunk thread, inserts in their own thread,
search_text computed once per distinct text, and the official rules' worker pool started ahead."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

from catalogue.error_codes import issue_detail, issue_texts
from catalogue.intake import create_version, import_file, pipeline, store
from catalogue.intake.store import SearchTextCache, _search_text_key
from catalogue.models import CatalogueItem, CatalogueVersion, narrowing_terms_for
from catalogue.tests.fixtures import live_snapshot
from swedish_text import search_text_for

pytestmark = pytest.mark.django_db
Status = CatalogueVersion.Status
UNKNOWN = "<cbc:Okänd>x</cbc:Okänd>"


def _insert_unknown_element(path: Path, line_numbers: list[int], in_header: bool = False) -> list[int]:
    """Put an element the UBL XSD does not know into the given catalogue lines (1-based); its source lines."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    count = 0
    where = []
    for text in lines:
        out.append(text)
        if in_header and text.strip().startswith("<cbc:IssueDate>"):
            where.append(len(out) + 1)
            out.append(UNKNOWN)
        if text.strip() == "<cac:CatalogueLine>":
            count += 1
            if count in line_numbers:
                where.append(len(out) + 1)
                out.append(UNKNOWN)
    path.write_text("\n".join(out), encoding="utf-8")
    return where


def test_xsd_errors_from_every_chunk_keep_line_element_and_both_languages(
    intake_catalogue, peppol_file, settings, live_version
):
    settings.CATALOGUE_RULE_CHUNK_LINES = 5  # six chunks, validated in the chunk thread
    path = peppol_file(30)
    source_lines = _insert_unknown_element(path, [3, 17, 30])
    before = live_snapshot(intake_catalogue)
    version = import_file(path, catalogue=intake_catalogue, background=False, processes=1)
    assert version.status == Status.INVALID
    schema = [i for i in version.report["issues"] if i["code"] == "XML-SCHEMA"]
    assert sorted(i["line"] for i in schema) == source_lines
    for issue in schema:
        # libxml2's words are a technical detail beside the message, not inside it.
        assert "Okänd" in issue_detail(issue) and "Okänd" not in issue_texts(issue)["sv"]
        assert "UBL 2.1-schemat" in issue_texts(issue)["sv"] and "UBL 2.1 schema" in issue_texts(issue)["en"]
    # The element path counts lines in the whole file, not in the chunk the XSD saw.
    assert {i["element"] for i in schema} == {f"/*/cac:CatalogueLine[{n}]/cbc:Okänd" for n in (3, 17, 30)}
    assert version.items.count() == 0 and live_snapshot(intake_catalogue) == before


def test_a_header_xsd_error_is_reported_once_not_once_per_chunk(intake_catalogue, peppol_file, settings):
    settings.CATALOGUE_RULE_CHUNK_LINES = 5
    path = peppol_file(30)
    (source_line,) = _insert_unknown_element(path, [], in_header=True)
    version = import_file(path, catalogue=intake_catalogue, background=False, processes=1)
    schema = [i for i in version.report["issues"] if i["code"] == "XML-SCHEMA"]
    assert [i["line"] for i in schema] == [source_line]
    assert version.status == Status.INVALID


def test_items_inserted_in_the_background_are_all_stored_in_order(intake_catalogue, peppol_file, monkeypatch):
    monkeypatch.setattr(store, "BATCH_SIZE", 7)  # many background batches on a small file
    version = import_file(peppol_file(60), catalogue=intake_catalogue, background=False, processes=1)
    assert version.error_count == 0
    lines = list(version.items.order_by("pk").values_list("line_number", flat=True))
    assert len(lines) == 60 == version.line_count and lines == sorted(lines)
    assert not connection.allow_thread_sharing  # the insert thread gave the connection back


def test_a_failed_background_insert_is_raised_not_lost(intake_catalogue, peppol_file, monkeypatch):
    monkeypatch.setattr(store, "BATCH_SIZE", 7)

    def broken_insert(items):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "insert_items", broken_insert)
    version = create_version(intake_catalogue, peppol_file(20))
    with pytest.raises(RuntimeError, match="disk full"):
        pipeline.process_version(version, processes=1)
    assert not connection.allow_thread_sharing
    # Through import_file the failure is recorded on the version (FAILED), never lost or left "received".
    version = import_file(peppol_file(20), catalogue=intake_catalogue, background=False, processes=1)
    assert version.status == CatalogueVersion.Status.FAILED
    assert version.report["issues"][0]["code"] == "PROCESSING-FAILED"
    assert not connection.allow_thread_sharing


def test_search_text_key_holds_everything_search_text_for_and_the_narrowing_terms_read():
    item = CatalogueItem(
        name="Kopieringspapper A4",
        description="Vitt papper",
        manufacturer="Pappersbruket",
        keywords=["papper", "kontor"],
        eco_labels=["Svanen"],
        seller_item_id="P-1",
        gtin="7350000000002",
        unspsc="14111507",
        manufacturer_part_number="PB-1",
        unit="PK",
    )
    text = search_text_for(item)
    item.search_text = text
    terms = narrowing_terms_for(item)
    key = _search_text_key(item)
    changed = {"name", "description", "manufacturer", "keywords", "eco_labels", "unspsc"}
    for field in CatalogueItem._meta.concrete_fields:
        if field.attname in changed or field.primary_key or field.attname in ("search_text", "narrowing_terms"):
            continue
        other = copy.copy(item)
        value = getattr(item, field.attname)
        new = ["Bra Miljöval"] if isinstance(value, list) else "ändrad text 99" if isinstance(value, str) else None
        if new is None:
            continue
        setattr(other, field.attname, new)
        assert _search_text_key(other) == key
        assert search_text_for(other) == text, f"search_text now reads {field.attname}: add it to the key"
        assert narrowing_terms_for(other) == terms, f"the narrowing terms now read {field.attname}: add it to the key"
    for name in changed:
        other = copy.copy(item)
        setattr(other, name, ["annat"] if name in ("keywords", "eco_labels") else "annat ord")
        assert _search_text_key(other) != key


def test_search_text_cache_gives_what_search_text_for_gives():
    def item(name, description="", manufacturer="", keywords=(), unspsc="44121701"):
        return SimpleNamespace(
            name=name,
            description=description,
            manufacturer=manufacturer,
            keywords=list(keywords),
            unspsc=unspsc,
            search_text="",
        )

    cache = SearchTextCache()
    first = [item("Kulspetspenna röd", "Röd penna", "Skrivia", ["kontor"]), item("Städhink 10 l")]
    again = [
        item("Kulspetspenna röd", "Röd penna", "Skrivia", ["kontor"]),
        item("Städhink 10 l", "blå"),
        item("Städhink 10 l", "blå", unspsc="47121702"),  # the same text, another commodity
    ]
    cache.fill(first)
    cache.fill(again)
    for one in first + again:
        assert one.search_text == search_text_for(one) and one.search_text
        assert one.narrowing_terms == narrowing_terms_for(one)
    assert len(cache.texts) == 4
    assert "u:47121702" in again[2].narrowing_terms.split() and "u:47121702" not in again[1].narrowing_terms


def test_rules_in_a_pool_started_before_the_fast_checks_agree_with_one_process(intake_catalogue, peppol_file, settings):
    settings.CATALOGUE_RULE_CHUNK_LINES = 5
    settings.CATALOGUE_RULE_POOL_BYTES = 0  # start the pool even for this small file
    path = peppol_file(30)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'(<cbc:MaximumOrderQuantity unitCode="\w+">)\d+<', r"\g<1>0<", text), encoding="utf-8")

    def rule_issues(processes: int) -> list[tuple]:
        version = import_file(path, catalogue=intake_catalogue, background=False, processes=processes)
        assert version.report["stages"] == ["fast", "official"]
        return [
            (i["rule"], i["line"], i["element"], issue_texts(i)["en"])
            for i in version.report["issues"]
            if i["code"] == "PEPPOL-RULE"
        ]

    in_process = rule_issues(1)
    assert len(in_process) >= 10
    assert rule_issues(2) == in_process


def test_reading_in_a_child_process_gives_the_same_version_as_in_process(
    intake_catalogue, peppol_file, settings, monkeypatch
):
    """Same issues in the same order, same items, same chunks: a mix of XSD, hub-rule and duplicate errors."""
    monkeypatch.setattr("catalogue.formats.peppol_parallel.LINES_PER_MESSAGE", 4)  # many messages
    settings.CATALOGUE_RULE_CHUNK_LINES = 5
    path = peppol_file(40)
    _insert_unknown_element(path, [6, 33])
    text = path.read_text(encoding="utf-8")
    gtin = re.search(r'schemeID="0160">(\d+)<', text).group(1)
    text = text.replace(gtin, gtin[:-1] + str((int(gtin[-1]) + 1) % 10), 1)
    text = text.replace("<cbc:OrderableUnit>", "<cbc:OrderableUnit>Q", 2)
    path.write_text(text, encoding="utf-8")

    def run(parallel_bytes: int) -> tuple:
        settings.CATALOGUE_PARALLEL_READ_BYTES = parallel_bytes
        version = import_file(path, catalogue=intake_catalogue, background=False, processes=1)
        return version.status, version.line_count, version.error_count, version.report["issues"]

    in_process = run(10**12)
    in_child = run(0)
    assert in_process[0] == Status.INVALID and in_process[2] >= 5
    assert {i["code"] for i in in_process[3]} >= {"XML-SCHEMA", "HUB-GTIN-CHECKDIGIT", "HUB-UNIT-UNKNOWN"}
    assert in_child == in_process


def test_a_valid_file_read_in_a_child_process_stores_every_item(intake_catalogue, peppol_file, settings):
    settings.CATALOGUE_PARALLEL_READ_BYTES = 0
    settings.CATALOGUE_RULE_CHUNK_LINES = 7
    version = import_file(peppol_file(45), catalogue=intake_catalogue, background=False, processes=1)
    assert version.report["issues"] == [] and version.report["stages"] == ["fast", "official"]
    assert version.items.count() == 45 == version.line_count
    assert version.progress_percent == 100


def test_missing_standards_in_the_reader_process_give_a_clear_report(intake_catalogue, peppol_file, settings, tmp_path):
    settings.CATALOGUE_PARALLEL_READ_BYTES = 0
    settings.HUB_STANDARDS_DIR = tmp_path / "nowhere"
    version = import_file(peppol_file(10), catalogue=intake_catalogue, background=False, processes=1)
    assert version.status == Status.INVALID
    issue = next(i for i in version.report["issues"] if i["code"] == "STANDARDS-MISSING")
    assert "make standards" in issue_detail(issue)
    assert "Regelpaketet" in issue_texts(issue)["sv"] and "rule package" in issue_texts(issue)["en"]
    assert version.items.count() == 0


def test_without_a_reader_process_the_file_is_read_here(intake_catalogue, peppol_file, settings, monkeypatch):
    """A daemonic worker may not start children: the import still runs, in this process."""
    settings.CATALOGUE_PARALLEL_READ_BYTES = 0

    def refuse(self):
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr("multiprocessing.process.BaseProcess.start", refuse)
    version = import_file(peppol_file(12), catalogue=intake_catalogue, background=False, processes=1)
    assert version.report["issues"] == [] and version.report["stages"] == ["fast", "official"]
    assert version.items.count() == 12 == version.line_count
