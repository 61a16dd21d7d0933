"""The fast pass: one streaming pass that reads, checks and stores, so the supplier hears within seconds.

Each line from the reader goes through the hub's rules and the line semantics into the store; the
header is checked as soon as the reader has it. Ends with the Update merge and the last insert.
"""

from __future__ import annotations

from django.utils import timezone

from catalogue.formats.base import CatalogueReader, Header
from catalogue.intake.lines import LineSemantics
from catalogue.intake.progress import Progress
from catalogue.intake.reading import updates_by_row
from catalogue.intake.store import ItemStore
from catalogue.models import CatalogueVersion
from catalogue.report import SOURCE_FILE, Report
from catalogue.validation import hub_rules

PROGRESS_EVERY = 5000  # lines


def read_check_and_store(
    version: CatalogueVersion, report: Report, reader: CatalogueReader, progress: Progress
) -> None:
    """Sets the version's line count and validity; its items are stored while the report is clean."""
    store = ItemStore(version)
    semantics = LineSemantics(report, strict_update=updates_by_row(version))
    header = _stream(version, report, reader, store, semantics, progress)
    version.valid_from, version.valid_to = header.valid_from, header.valid_to
    if version.line_count == 0 and header.action != "Delete" and report.ok:
        report.error("HUB-NO-LINES", source=SOURCE_FILE)
    if header.action == "Update":
        semantics.merge_update(version, store)
    store.flush()
    report.stages.append("fast")


def _stream(version, report, reader, store: ItemStore, semantics: LineSemantics, progress: Progress) -> Header:
    header: Header | None = None
    count = 0
    try:
        for raw in reader.lines():
            count += 1
            if header is None and reader.header is not None:
                header = _check_header(version, report, reader.header, store)
            fields = semantics.item_fields(raw, header.action if header else "Replace")
            if fields is not None:
                store.add(fields)
            if count % PROGRESS_EVERY == 0:
                store.wait()
                progress.fast(reader.progress_fraction())
                store.flush(background=True)
        if header is None and (reader.header is not None or version.format != "peppol"):
            header = _check_header(version, report, reader.header, store)
    finally:
        store.close()  # the insert thread is done before anyone else uses the connection
    version.line_count = count
    return header or Header()


def _check_header(version: CatalogueVersion, report: Report, header: Header | None, store: ItemStore) -> Header:
    store.wait()
    header = header or Header()
    catalogue = version.catalogue
    hub_rules.check_header(
        header,
        report,
        agreement=catalogue.agreement,
        supplier=catalogue.supplier,
        fmt=version.format,
        today=timezone.localdate(),
    )
    return header
