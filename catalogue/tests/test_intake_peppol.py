"""Peppol BIS Catalogue 3 intake: generated files pass, the hub's rules and the official rules bite,
bad input gets a clear Swedish and English error, and the live catalogue is never touched."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from lxml import etree

from catalogue import safe_xml
from catalogue.error_codes import issue_detail, issue_texts
from catalogue.formats.base import Chunk
from catalogue.formats.peppol import CUSTOMIZATION_ID, PROFILE_IDS, PeppolReader
from catalogue.generator import Party, generate_items, write_peppol
from catalogue.intake import import_file
from catalogue.models import CatalogueVersion
from catalogue.report import Report
from catalogue.tests.fixtures import issues, live_snapshot
from catalogue.validation import official

pytestmark = pytest.mark.django_db
Status = CatalogueVersion.Status


def codes(version: CatalogueVersion) -> list[str]:
    return [issue["code"] for issue in version.report["issues"]]


def test_generated_50_lines_pass_xsd_official_and_hub_rules(intake_catalogue, peppol_file):
    version = import_file(peppol_file(50), catalogue=intake_catalogue, background=False)
    assert version.report["issues"] == []
    assert version.report["stages"] == ["fast", "official"]
    assert version.status in {Status.VALIDATED, Status.PENDING_REVIEW, Status.PUBLISHED}
    assert version.items.count() == 50 == version.line_count
    assert version.progress_percent == 100
    item = version.items.get(line_number=version.items.order_by("line_number").first().line_number)
    assert item.name and item.gtin and item.unspsc and item.unit and item.price > 0
    assert item.currency == "SEK"


def test_lines_map_to_item_fields(intake_catalogue, peppol_file):
    expected = generate_items(3, seed=7)
    version = import_file(peppol_file(3, seed=7), catalogue=intake_catalogue, background=False)
    stored = {i.seller_item_id: i for i in version.items.all()}
    for gen in expected:
        item = stored[gen.seller_item_id]
        assert (item.gtin, item.name, item.unspsc, item.unit) == (gen.gtin, gen.name, gen.unspsc, gen.unit)
        assert item.price == gen.price and item.vat_rate == gen.vat_rate
        assert item.eco_labels == gen.eco_labels and item.keywords == gen.keywords
        assert item.manufacturer == gen.manufacturer and item.lead_time_days == gen.lead_time_days


def _edit(path: Path, old: str, new: str, count: int = 1) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_hub_rules_name_line_and_element(intake_catalogue, peppol_file):
    path = peppol_file(4)
    text = path.read_text(encoding="utf-8")
    gtin = re.search(r'schemeID="0160">(\d+)<', text).group(1)
    bad_gtin = gtin[:-1] + str((int(gtin[-1]) + 1) % 10)
    _edit(path, gtin, bad_gtin)
    _edit(path, "<cbc:OrderableUnit>", "<cbc:OrderableUnit>Q", 1)
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    gtin_issue = issues(version, "HUB-GTIN-CHECKDIGIT")[0]
    assert bad_gtin in issue_texts(gtin_issue)["sv"] and bad_gtin in issue_texts(gtin_issue)["en"]
    assert "kontrollsiffra" in issue_texts(gtin_issue)["sv"] and "check digit" in issue_texts(gtin_issue)["en"]
    assert gtin_issue["line"] == _catalogue_line_start(text, gtin)
    assert gtin_issue["element"].endswith("StandardItemIdentification/cbc:ID")
    assert issues(version, "HUB-UNIT-UNKNOWN")
    assert version.items.count() == 0  # an invalid version keeps its file and report, not its items
    assert version.file and Path(version.file.path).read_bytes() == path.read_bytes()


def _catalogue_line_start(text: str, needle: str) -> int:
    """Source line of the cac:CatalogueLine holding the needle (hub issues point at the line's start)."""
    before = text[: text.index(needle)]
    return before[: before.rfind("<cac:CatalogueLine>")].count("\n") + 1


def test_provider_must_be_the_agreements_supplier(intake_catalogue, peppol_file, other_supplier):
    path = write_peppol(
        peppol_file(1).with_name("fel.xml"), generate_items(2), other_supplier, Party("2120000142", "K"), "X"
    )
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    issue = issues(version, "HUB-PROVIDER-MISMATCH")[0]
    assert intake_catalogue.supplier.name in issue_texts(issue)["sv"]


def test_agreement_must_be_valid(intake_catalogue, peppol_file):
    agreement = intake_catalogue.agreement
    agreement.valid_from, agreement.valid_to = datetime.date(2001, 1, 1), datetime.date(2002, 1, 1)
    agreement.save()
    version = import_file(peppol_file(2), catalogue=intake_catalogue, background=False)
    assert "HUB-AGREEMENT-INVALID" in codes(version)
    assert version.status == Status.INVALID


def test_wrong_customization_and_profile_name_the_expected_values(intake_catalogue, peppol_file, live_version):
    before = live_snapshot(intake_catalogue)
    path = _edit(peppol_file(2), CUSTOMIZATION_ID, "urn:fdc:peppol.eu:poacc:trns:order:3")
    _edit(path, "urn:fdc:peppol.eu:poacc:bis:catalogue_only:3", "urn:example:profile")
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    customization = issues(version, "PEPPOL-CUSTOMIZATION")[0]
    assert CUSTOMIZATION_ID in issue_texts(customization)["sv"] and CUSTOMIZATION_ID in issue_texts(customization)["en"]
    profile = issues(version, "PEPPOL-PROFILE")[0]
    assert all(p in issue_texts(profile)["en"] for p in PROFILE_IDS)
    assert live_snapshot(intake_catalogue) == before


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Catalogue [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Catalogue xmlns="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"><ID>&xxe;</ID></Catalogue>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Catalogue xmlns="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2">&lol3;</Catalogue>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Catalogue SYSTEM "http://127.0.0.1:9/evil.dtd">
<Catalogue xmlns="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"/>"""


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<Catalogue xmlns='urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2'><a></b>", "XML-MALFORMED"),
        (XXE, "XML-DOCTYPE"),
        (LAUGHS, "XML-DOCTYPE"),
        (EXTERNAL_DTD, "XML-DOCTYPE"),
        (b"", "FILE-EMPTY"),
        (b"<?xml version='1.0'?><Invoice xmlns='urn:x'/>", "XML-NOT-CATALOGUE"),
    ],
    ids=["malformed", "xxe", "billion-laughs", "external-dtd", "empty", "not-a-catalogue"],
)
def test_bad_xml_is_refused_clearly_and_live_untouched(tmp_path, intake_catalogue, live_version, content, code):
    before = live_snapshot(intake_catalogue)
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    issue = issues(version, code)[0]
    texts = issue_texts(issue)
    assert texts["sv"] and texts["en"] and texts["sv"] != texts["en"]
    assert version.items.count() == 0
    assert live_snapshot(intake_catalogue) == before
    assert "root:" not in str(version.report)  # nothing from /etc/passwd leaked into the report


def test_schema_location_is_reported_never_fetched(intake_catalogue, peppol_file, live_version):
    before = live_snapshot(intake_catalogue)
    path = _edit(
        peppol_file(2),
        'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"',
        'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="urn:x http://127.0.0.1:9/evil.xsd"',
    )
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    assert "127.0.0.1:9/evil.xsd" in issue_texts(issues(version, "XML-SCHEMALOCATION")[0])["en"]
    assert live_snapshot(intake_catalogue) == before


@pytest.mark.parametrize("kind", ["latin1-declared-utf8", "mixed"])
def test_wrong_or_mixed_encoding_names_the_line(tmp_path, intake_catalogue, peppol_file, live_version, kind):
    before = live_snapshot(intake_catalogue)
    text = peppol_file(3).read_text(encoding="utf-8")
    if kind == "latin1-declared-utf8":
        data = text.encode("latin-1", errors="replace")
    else:
        head, _, tail = text.partition("</cac:CatalogueLine>")
        data = head.encode("utf-8") + b"</cac:CatalogueLine>" + tail.encode("latin-1", errors="replace")
    path = tmp_path / "enc.xml"
    path.write_bytes(data)
    first_bad = data.decode("utf-8", errors="replace").split("\n")
    expected_line = next(i for i, line in enumerate(first_bad, start=1) if "\ufffd" in line)
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    issue = issues(version, "FILE-ENCODING")[0]
    assert issue["line"] == expected_line
    assert "UTF-8" in issue_texts(issue)["sv"] and "UTF-8" in issue_texts(issue)["en"]
    assert live_snapshot(intake_catalogue) == before


def test_oversize_file_is_refused(settings, intake_catalogue, peppol_file, live_version):
    before = live_snapshot(intake_catalogue)
    path = peppol_file(3)
    settings.CATALOGUE_MAX_UPLOAD_BYTES = path.stat().st_size - 1
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    issue = issues(version, "FILE-TOO-LARGE")[0]
    assert str(path.stat().st_size) in issue_texts(issue)["sv"]
    assert live_snapshot(intake_catalogue) == before


def test_duplicate_item_ids(intake_catalogue, peppol_file, live_version):
    before = live_snapshot(intake_catalogue)
    path = peppol_file(3)
    text = path.read_text(encoding="utf-8")
    ids = re.findall(r"<cac:SellersItemIdentification><cbc:ID>([^<]+)<", text)
    path.write_text(text.replace(ids[2], ids[0]), encoding="utf-8")
    version = import_file(path, catalogue=intake_catalogue, background=False)
    issue = issues(version, "HUB-DUPLICATE-ITEM")[0]
    assert ids[0] in issue_texts(issue)["sv"] and version.status == Status.INVALID
    assert live_snapshot(intake_catalogue) == before


def test_official_rule_failure_keeps_the_live_catalogue(intake_catalogue, peppol_file, live_version):
    """The XSD and the hub accept a maximum below the minimum; the official rule R010 does not."""
    before = live_snapshot(intake_catalogue)
    path = peppol_file(20)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'(<cbc:MaximumOrderQuantity unitCode="\w+">)\d+<', r"\g<1>0<", text, count=1)
    path.write_text(text, encoding="utf-8")
    version = import_file(path, catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    rules = {i["rule"] for i in issues(version, "PEPPOL-RULE")}
    assert "PEPPOL-T19-R010" in rules
    issue = next(i for i in issues(version, "PEPPOL-RULE") if i["rule"] == "PEPPOL-T19-R010")
    assert text.split("\n")[issue["line"] - 1].strip() == "<cac:CatalogueLine>"
    texts = issue_texts(issue)
    assert "R010" in texts["sv"] and "regeln" in texts["sv"] and "rule" in texts["en"]
    # The rule engine's own English text is a technical detail, never inside the Swedish sentence.
    assert issue_detail(issue) and issue_detail(issue) not in texts["sv"]
    assert live_snapshot(intake_catalogue) == before


def _failing_catalogue(peppol_file, n: int = 30) -> Path:
    path = peppol_file(n)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'(<cbc:MaximumOrderQuantity unitCode="\w+">)\d+<', r"\g<1>0<", text)  # R010 on many lines
    text = text.replace("<cbc:Percent>25</cbc:Percent>", "<cbc:Percent>0</cbc:Percent>", 3)  # R015
    text = text.replace("<cbc:IssueDate>2026-01-01</cbc:IssueDate>", "<cbc:IssueDate>2026-1-1</cbc:IssueDate>")
    path.write_text(text, encoding="utf-8")
    return path


def test_chunked_run_reports_the_same_failed_asserts_as_one_piece(tmp_path, peppol_file):
    path = _failing_catalogue(peppol_file)

    def run(chunk_lines: int, processes: int) -> tuple[list[Chunk], list[official.FailedAssert]]:
        reader = PeppolReader(path, Report(), chunk_lines=chunk_lines, chunk_dir=tmp_path / f"c{chunk_lines}")
        (tmp_path / f"c{chunk_lines}").mkdir()
        list(reader.lines())
        return reader.chunks, official.run_chunks(reader.chunks, processes=processes)

    one_chunks, one_piece = run(10**6, 1)
    chunks, chunked = run(4, 2)
    assert len(one_chunks) == 1 and len(chunks) == 8
    assert len(one_piece) > 10
    assert {fa.rule for fa in one_piece} >= {"PEPPOL-T19-R010", "PEPPOL-T19-R015", "PEPPOL-COMMON-R030"}
    assert [(fa.rule, fa.flag, fa.location, fa.line, fa.text) for fa in chunked] == [
        (fa.rule, fa.flag, fa.location, fa.line, fa.text) for fa in one_piece
    ]
    # And the one-piece run on the original file (not re-serialised) agrees on rules and locations.
    direct = official.failed_asserts(official.svrl_for_file(path), etree.parse(str(path), safe_xml.parser()).getroot())
    assert sorted((fa.rule, fa.location, fa.line) for fa in direct) == sorted(
        (fa.rule, fa.location, fa.line) for fa in one_piece
    )


def test_progress_is_written_while_the_official_rules_run(intake_catalogue, peppol_file, settings):
    settings.CATALOGUE_RULE_CHUNK_LINES = 5
    seen: list[tuple[int, str]] = []
    version = import_file(
        peppol_file(20),
        catalogue=intake_catalogue,
        background=False,
        progress=lambda p, s: seen.append((p, s)),
        processes=1,
    )
    assert version.error_count == 0
    official_steps = [p for p, stage in seen if stage == "official"]
    assert official_steps == sorted(official_steps) and official_steps[-1] == 100 and len(official_steps) == 4


def test_background_task_processes_large_files(
    settings, intake_catalogue, peppol_file, django_capture_on_commit_callbacks
):
    settings.CATALOGUE_BACKGROUND_BYTES = 10  # everything is "large"; the test backend runs tasks immediately
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued when the upload commits
        version = import_file(peppol_file(5), catalogue=intake_catalogue)
    version.refresh_from_db()
    assert version.status != Status.RECEIVED
    assert version.progress_percent == 100 and version.items.count() == 5
