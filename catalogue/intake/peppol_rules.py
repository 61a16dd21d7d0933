"""The official Peppol rules stage: T19 on every chunk the reader wrote, in worker processes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from catalogue.formats.base import Chunk
from catalogue.intake.progress import Progress
from catalogue.models import CatalogueVersion
from catalogue.report import ERROR, SOURCE_PEPPOL, WARNING, Issue, Report
from catalogue.validation import official
from catalogue.validation.standards import StandardsMissing

logger = logging.getLogger(__name__)


@contextmanager
def worker_pool(version: CatalogueVersion, wanted: bool, processes: int | None) -> Iterator[official.RulePool | None]:
    """Worker processes for the official rules, started now so that their start-up runs beside the fast checks.

    Only for Peppol files big enough to give several chunks; small ones run in this process.
    """
    pool = _start_pool(version, wanted, processes)
    try:
        yield pool
    finally:
        if pool is not None:
            pool.close()


def _start_pool(version: CatalogueVersion, wanted: bool, processes: int | None) -> official.RulePool | None:
    if version.format != "peppol" or not wanted:
        return None
    processes = processes or official.default_processes()
    if processes <= 1 or Path(version.file.path).stat().st_size < settings.CATALOGUE_RULE_POOL_BYTES:
        return None
    try:
        return official.RulePool(processes)
    except Exception:  # without a pool the rules still run, in new workers later
        logger.exception("could not start the official rules' worker processes ahead")
        return None


def check_chunks(
    version: CatalogueVersion,
    report: Report,
    chunks: list[Chunk],
    progress: Progress,
    processes: int | None,
    pool: official.RulePool | None = None,
) -> None:
    """The failed asserts of every chunk join the report as PEPPOL-RULE issues."""
    try:
        failed = official.run_chunks(chunks, processes=processes, progress=progress.official, pool=pool)
    except StandardsMissing as exc:
        report.error("STANDARDS-MISSING", source=SOURCE_PEPPOL, detail=str(exc))
        return
    # Any other exception is the hub's failure, not the file's (a crashed rule process, a lost chunk):
    # it reaches run_import, which records the version FAILED, so the supplier may retry instead of
    # being told to fix a file that has no error.
    report.stages.append("official")
    for fa in failed:
        report.append(peppol_issue(fa))


def peppol_issue(fa: official.FailedAssert) -> Issue:
    # The rule engine's own (English) text is a technical detail, never part of the worded message.
    severity = WARNING if fa.flag == "warning" else ERROR
    params = {"rule": fa.rule, "detail": fa.text}
    return Issue(severity, "PEPPOL-RULE", params, SOURCE_PEPPOL, fa.line, None, fa.location, fa.rule)
