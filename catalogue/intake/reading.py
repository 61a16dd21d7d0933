"""Detect the format and open its reader with the options the upload calls for."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from catalogue.formats import CatalogueReader, detect_format, reader_for
from catalogue.formats.peppol import ChunkCheck
from catalogue.formats.peppol_parallel import ParallelPeppolReader
from catalogue.models import CatalogueVersion
from catalogue.report import SOURCE_FILE, Report
from catalogue.validation import official

UploadMode = CatalogueVersion.UploadMode
# Formats whose file has no header of its own: the supplier's upload mode says replace or update.
MODE_FORMATS = frozenset({"xlsx", "csv"})


def detect(version: CatalogueVersion, report: Report) -> str | None:
    """The stored file's format (also set on the version), or None with the reason in the report."""
    path = Path(version.file.path)
    if not path.exists() or path.stat().st_size == 0:
        report.error("FILE-EMPTY", source=SOURCE_FILE)
        return None
    fmt = detect_format(path, version.original_filename)
    if fmt is None:
        report.error("FILE-UNKNOWN-FORMAT", source=SOURCE_FILE)
        return None
    version.format = fmt
    return fmt


def updates_by_row(version: CatalogueVersion) -> bool:
    """A sheet uploaded in update mode: each row's action counts, and unknown items are errors."""
    return version.format in MODE_FORMATS and version.upload_mode == UploadMode.UPDATE


def open_reader(
    version: CatalogueVersion, report: Report, *, chunk_dir: Path, chunk_lines: int, chunk_check: ChunkCheck
) -> CatalogueReader:
    """The version's reader. Peppol files are cut into chunks under `chunk_dir`, each checked by `chunk_check`."""
    path = Path(version.file.path)
    fmt = version.format
    options: dict = {}
    if fmt == "peppol":
        options = {"chunk_dir": chunk_dir, "chunk_lines": chunk_lines, "chunk_check": chunk_check}
    if fmt in MODE_FORMATS:
        options["update"] = updates_by_row(version)
    elif version.upload_mode == UploadMode.UPDATE:
        # Peppol, CIF and BMEcat say replace or update in the file itself (header ActionCode and the like).
        report.warning("UPLOAD-MODE-IGNORED", source=SOURCE_FILE)
    if fmt == "peppol" and _read_in_parallel(path):
        return ParallelPeppolReader(path, report, **options)
    return reader_for(path, report, fmt, **options)


def _read_in_parallel(path: Path) -> bool:
    """Big Peppol files are parsed in a child process while this one maps, checks and inserts."""
    if official.default_processes() <= 1:
        return False
    return path.stat().st_size >= settings.CATALOGUE_PARALLEL_READ_BYTES
