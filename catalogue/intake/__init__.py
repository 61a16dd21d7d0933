"""Catalogue intake: where an upload enters, and the one place that decides inline or background work.

- import_file: store an upload as the catalogue's next version and start processing it;
- start_processing: run the pipeline inline, or queue process_catalogue_version for the task
  worker when the file is above CATALOGUE_BACKGROUND_BYTES (after the commit that stored it);
- retry: a FAILED version runs again from its stored file.

The stages, each a module of this package (the pipeline knows nothing of tasks):

- pipeline: process_version, detect → read → check → store → official rules → finish;
- reading: format detection and the reader's options (catalogue.formats only read);
- fast_pass: the one streaming pass of read, check (catalogue.validation) and store;
- lines: line semantics (duplicate, Delete, Update merge), the same for every format;
- store: bulk insert (COPY on PostgreSQL) in a background thread, search_text cached;
- peppol_rules: the official rules on the reader's chunks, in worker processes;
- progress, versions: the progress bar; an upload stored as the next version.

The task stays in this module, so its stored path (catalogue.intake.process_catalogue_version) holds.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django_tasks import task

from catalogue import lifecycle
from catalogue.intake.pipeline import finish, process_version, run_import
from catalogue.intake.progress import ProgressCallback
from catalogue.intake.versions import catalogue_for, create_version
from catalogue.models import Agreement, Catalogue, CatalogueItem, CatalogueVersion
from catalogue.report import SOURCE_FILE, Report
from hub.organisations.models import Supplier

__all__ = [
    "catalogue_for",
    "create_version",
    "finish",
    "import_file",
    "process_catalogue_version",
    "process_version",
    "retry",
    "run_import",
    "start_processing",
]
Status = CatalogueVersion.Status
UploadMode = CatalogueVersion.UploadMode


def import_file(
    source: Path | str | File,
    *,
    catalogue: Catalogue | None = None,
    agreement: Agreement | None = None,
    supplier: Supplier | None = None,
    user=None,
    filename: str = "",
    background: bool | None = None,
    progress: ProgressCallback | None = None,
    processes: int | None = None,
    mode: str = UploadMode.REPLACE,
) -> CatalogueVersion:
    """Import an upload for a catalogue (or an agreement + supplier). Returns the new version.

    Files above CATALOGUE_BACKGROUND_BYTES run in a django-tasks background task unless
    background=False; watch version.progress_percent. `mode` (UploadMode) applies to Excel and
    CSV: replace the whole catalogue, or update it row by row (the Åtgärd column).
    """
    if catalogue is None:
        if agreement is None or supplier is None:
            raise ValueError("catalogue, or agreement and supplier, are needed")
        catalogue = catalogue_for(agreement, supplier)
    if isinstance(source, str):
        source = Path(source)
    size = source.stat().st_size if isinstance(source, Path) else source.size
    filename = filename or (source.name if isinstance(source, Path) else Path(source.name or "katalog").name)
    limit = settings.CATALOGUE_MAX_UPLOAD_BYTES
    if size > limit:
        # Not stored: the limit exists to protect the disk. The report says why.
        version = create_version(catalogue, source, filename=filename, user=user, keep_file=False, mode=mode)
        report = Report()
        report.error("FILE-TOO-LARGE", source=SOURCE_FILE, size=size, limit=limit)
        finish(version, report, Status.INVALID)
        return version
    version = create_version(catalogue, source, filename=filename, user=user, mode=mode)
    return start_processing(version, background=background, progress=progress, processes=processes)


def start_processing(
    version: CatalogueVersion,
    *,
    background: bool | None = None,
    progress: ProgressCallback | None = None,
    processes: int | None = None,
) -> CatalogueVersion:
    """Process a RECEIVED version: inline, or in a background task for big files. Never raises for the
    file's or the import's sake: the version ends INVALID, FAILED or on its way to review."""
    if background is None:
        try:
            size = version.file.size
        except (OSError, ValueError):
            size = 0  # a missing file: the inline run reports it
        background = size > settings.CATALOGUE_BACKGROUND_BYTES
    if background:

        def enqueue_import() -> None:  # after commit: the worker must see the stored version
            result = process_catalogue_version.enqueue(version.pk)
            CatalogueVersion.objects.filter(pk=version.pk).update(import_task_id=str(result.id))

        transaction.on_commit(enqueue_import)
        version.refresh_from_db()
        return version
    return run_import(version, progress=progress, processes=processes)


def retry(version: CatalogueVersion, user=None) -> CatalogueVersion:
    """Run a FAILED version's import again from its stored file, as a fresh start."""
    with transaction.atomic():
        version.transition(
            Status.RECEIVED,
            report={},
            error_count=0,
            warning_count=0,
            progress_percent=0,
            line_count=0,
        )
        # A killed first attempt may have inserted part of the items.
        CatalogueItem.objects.filter(version=version).delete()
    lifecycle.remove_work_dirs(version.pk)
    return start_processing(version)


@task()
def process_catalogue_version(version_id: int) -> dict:
    version = CatalogueVersion.objects.select_related("catalogue__agreement", "catalogue__supplier").get(pk=version_id)
    if version.status == Status.CHECKING:
        # A run of this task died during the official rules (a killed worker; the task was started
        # again): record that, then start over from the stored file, half-inserted items removed.
        lifecycle.mark_failed(version, "interrupted during the official rules")
        version = retry(version)
        return {"version": version.pk, "status": version.status, "restarted": True}
    if version.status != Status.RECEIVED:
        # Already processed (a retried task): do nothing twice.
        return {"version": version.pk, "status": version.status}
    # A RECEIVED version starts clean: process_version first removes items a killed run inserted.
    version = run_import(version)
    return {"version": version.pk, "status": version.status, "errors": version.error_count}
