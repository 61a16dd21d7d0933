"""The import pipeline: a stored upload becomes a validated (or invalid) version with items and a report.

detect → read → check → store → official rules → finish. The fast pass reads, checks (the UBL XSD on
each chunk, the hub's rules on each line) and stores in one streaming pass, so the supplier gets a first
report within seconds; the official Peppol rules then run on every line, in chunks across worker
processes, and publication waits for their verdict. A failed upload never touches the published
catalogue: its items belong to the new version only, and catalogue.publish switches the live version.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from catalogue import review
from catalogue.intake import peppol_rules
from catalogue.intake.fast_pass import read_check_and_store
from catalogue.intake.progress import Progress, ProgressCallback
from catalogue.intake.reading import detect, open_reader
from catalogue.intake.store import discard_items
from catalogue.lifecycle import mark_failed, work_root
from catalogue.models import CatalogueVersion
from catalogue.report import SOURCE_FILE, Report
from catalogue.validation.schema import XsdCheck
from catalogue.validation.standards import StandardsMissing

logger = logging.getLogger(__name__)
Status = CatalogueVersion.Status


def process_version(
    version: CatalogueVersion,
    *,
    progress: ProgressCallback | None = None,
    processes: int | None = None,
    chunk_lines: int | None = None,
    submit: bool = True,
    official_rules: bool = True,
) -> CatalogueVersion:
    """Run the whole intake on a stored version; see the module docstring."""
    report, bar = Report(), Progress(version, progress)
    discard_items(version)  # a run after a killed worker starts clean
    if detect(version, report) is None:
        return finish(version, report, Status.INVALID)
    chunk_lines = chunk_lines or settings.CATALOGUE_RULE_CHUNK_LINES
    with work_dir(version) as chunk_dir, peppol_rules.worker_pool(version, official_rules, processes) as pool:
        try:
            reader = open_reader(
                version, report, chunk_dir=chunk_dir, chunk_lines=chunk_lines, chunk_check=XsdCheck.installed()
            )
            read_check_and_store(version, report, reader, bar)
        except StandardsMissing as exc:
            report.error("STANDARDS-MISSING", source=SOURCE_FILE, detail=str(exc))
        if not report.ok:
            discard_items(version)
            return finish(version, report, Status.INVALID)
        _await_official_rules(version, report, bar)
        if reader.chunks and official_rules:
            peppol_rules.check_chunks(version, report, reader.chunks, bar, processes, pool)
        finish(version, report, Status.VALIDATED if report.ok else Status.INVALID)
    if version.status == Status.VALIDATED and submit:
        review.submit_for_review(version)  # auto-approval, or a Katalogansvarig decides
        version.refresh_from_db()
    return version


def run_import(version: CatalogueVersion, **options) -> CatalogueVersion:
    """process_version, with any failure recorded on the version (FAILED) instead of raised."""
    try:
        return process_version(version, **options)
    except Exception as exc:
        logger.exception("processing catalogue version %s failed", version.pk)
        return mark_failed(version, exc)


def finish(version: CatalogueVersion, report: Report, status: str) -> CatalogueVersion:
    """The import's verdict, through the state machine: refused if someone changed the version meanwhile."""
    version.transition(
        status,
        report=report.to_dict(),
        error_count=report.error_count,
        warning_count=report.warning_count,
        progress_percent=100,
        format=version.format,
        line_count=version.line_count,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
    )
    return version


def _await_official_rules(version: CatalogueVersion, report: Report, bar: Progress) -> None:
    """The fast pass's report is out; not decidable until the official rules have given their verdict."""
    version.transition(
        Status.CHECKING,
        report=report.to_dict(),
        format=version.format,
        line_count=version.line_count,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
    )
    bar.fast(1)


@contextmanager
def work_dir(version: CatalogueVersion) -> Iterator[Path]:
    """A temporary folder for the chunk files (lifecycle finds those a killed run left by their name)."""
    folder = Path(tempfile.mkdtemp(prefix=f"catalogue-v{version.pk}-", dir=work_root()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
