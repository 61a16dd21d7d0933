"""The import pipeline: an uploaded file becomes a CatalogueVersion with items and a report.

1. The upload is stored as a new version (number = max + 1, safe when two uploads race).
2. Fast checks in one streaming pass: parse, UBL XSD (per chunk), the hub's rules; items are
   inserted in batches. The supplier gets a first report within seconds.
3. The official Peppol rules run on every line, in chunks across worker processes, with progress
   on the version. Publication waits for their verdict.
4. A valid version goes to `catalogue.review.submit_for_review` (auto-approval or a reviewer).

A failed upload never touches the published catalogue: its items belong to the new version only,
and the live version is switched by catalogue.publish, never here.
"""

from __future__ import annotations

import datetime
import logging
import operator
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from catalogue import review
from catalogue.formats import detect_format, reader_for
from catalogue.formats.base import Header
from catalogue.lifecycle import mark_failed, work_root
from catalogue.models import Agreement, Catalogue, CatalogueItem, CatalogueVersion, fill_search_text
from catalogue.validation import hub_rules, official
from catalogue.validation.report import ERROR, SOURCE_FILE, SOURCE_PEPPOL, WARNING, Issue, Report
from catalogue.validation.standards import StandardsMissing
from hub.db import in_pk_batches
from hub.organisations.models import Supplier

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
FAST_SHARE = 40  # percent of the progress bar for the fast checks; the official rules get the rest
Status = CatalogueVersion.Status
UploadMode = CatalogueVersion.UploadMode
# Formats whose file has no header of its own: the supplier's upload mode says replace or update.
MODE_FORMATS = frozenset({"xlsx", "csv"})
ProgressCallback = Callable[[int, str], None]


def catalogue_for(agreement: Agreement, supplier: Supplier) -> Catalogue:
    catalogue, _created = Catalogue.objects.get_or_create(agreement=agreement, supplier=supplier)
    return catalogue


def create_version(
    catalogue: Catalogue,
    source: Path | File,
    *,
    filename: str = "",
    user=None,
    keep_file: bool = True,
    mode: str = UploadMode.REPLACE,
) -> CatalogueVersion:
    """Store the upload as the catalogue's next version. Racing uploads each get their own number."""
    for attempt in range(10):
        try:
            with transaction.atomic():
                # Locks the catalogue row on PostgreSQL; the unique constraint catches the rest (SQLite).
                Catalogue.objects.select_for_update().filter(pk=catalogue.pk).first()
                number = (catalogue.versions.aggregate(top=Max("number"))["top"] or 0) + 1
                version = CatalogueVersion.objects.create(
                    catalogue=catalogue,
                    number=number,
                    original_filename=filename[:255],
                    uploaded_by=user,
                    format="",
                    status=Status.RECEIVED,
                    upload_mode=UploadMode(mode),
                )
            break
        except IntegrityError:
            if attempt == 9:
                raise
            time.sleep(0.05 * (attempt + 1))
    if keep_file:
        if isinstance(source, str | Path):
            with open(source, "rb") as handle:
                version.file.save(Path(filename or source).name, File(handle), save=True)
        else:
            version.file.save(Path(filename or source.name or "katalog").name, source, save=True)
    return version


def run_import(version: CatalogueVersion, **options) -> CatalogueVersion:
    """process_version, with any failure recorded on the version (FAILED) instead of raised."""
    try:
        return process_version(version, **options)
    except Exception as exc:
        logger.exception("processing catalogue version %s failed", version.pk)
        return mark_failed(version, exc)


def _set_progress(version: CatalogueVersion, percent: int, stage: str, progress: ProgressCallback | None) -> None:
    percent = max(0, min(100, int(percent)))
    if percent != version.progress_percent:
        version.progress_percent = percent
        CatalogueVersion.objects.filter(pk=version.pk).update(progress_percent=percent, last_activity_at=timezone.now())
    if progress:
        progress(percent, stage)


def finish(version: CatalogueVersion, report: Report, status: str) -> None:
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


def _search_text_key(item) -> tuple:
    """What swedish_text.search_text_for reads (a test holds this to it)."""
    keywords, labels = item.keywords, getattr(item, "eco_labels", None)
    return (
        item.name,
        item.description,
        item.manufacturer,
        tuple(keywords) if isinstance(keywords, list) else (),
        tuple(str(label) for label in labels) if isinstance(labels, list) else (),
    )


class SearchTextCache:
    """search_text once per distinct name, description, maker, keywords and eco-labels: catalogues repeat them."""

    MAX_ENTRIES = 50_000

    def __init__(self) -> None:
        self.texts: dict[tuple, str] = {}

    def fill(self, items: list) -> None:
        texts = self.texts
        missing: dict[tuple, object] = {}
        waiting = []
        for item in items:
            key = _search_text_key(item)
            text = texts.get(key)
            if text is not None:
                item.search_text = text
            else:
                missing.setdefault(key, item)
                waiting.append((key, item))
        if not missing:
            return
        fill_search_text(list(missing.values()))
        if len(texts) + len(missing) > self.MAX_ENTRIES:
            texts.clear()  # bounded memory on a catalogue of all-distinct texts
        for key, first in missing.items():
            texts[key] = first.search_text
        for key, item in waiting:
            item.search_text = texts[key]


class _Fields:
    """CatalogueItem's concrete columns, resolved once per process."""

    _cached: tuple | None = None

    @classmethod
    def get(cls) -> tuple:
        if cls._cached is None:
            fields = [f for f in CatalogueItem._meta.concrete_fields if not f.primary_key]
            defaults = {f.attname: f.get_default() for f in fields}
            # Decimals, text and integers go to the driver as they are (Django registers the
            # Decimal adapter for SQLite; psycopg takes Decimal); JSON and dates need the field's prep.
            plain = {"CharField", "TextField", "PositiveIntegerField", "ForeignKey", "DecimalField", "IntegerField"}
            preps = [(index, f) for index, f in enumerate(fields) if f.get_internal_type() not in plain]
            values_of = operator.itemgetter(*[f.attname for f in fields])
            cls._cached = (fields, defaults, preps, values_of)
        return cls._cached


class NewItem(SimpleNamespace):
    """An item row on its way into the database: lighter than a model instance, same attributes."""

    @classmethod
    def build(cls, version_id: int, fields: dict) -> NewItem:
        defaults = _Fields.get()[1]
        return cls(**{**defaults, "version_id": version_id, **fields})


def _rows(items: list) -> list[list]:
    """Each item's column values in field order, prepared for the driver."""
    fields, _defaults, preps, values_of = _Fields.get()
    # Most JSON lists are empty and most dates missing: prepare those once per batch, not per row.
    empty = {
        index: field.get_db_prep_save([], connection)
        for index, field in preps
        if field.get_internal_type() == "JSONField"
    }
    rows = []
    for item in items:
        try:
            row = list(values_of(item.__dict__))
        except KeyError:  # a model instance with a deferred field
            row = [getattr(item, f.attname) for f in fields]
        for index, field in preps:
            value = row[index]
            if value is None:
                continue
            if value == [] and index in empty:
                row[index] = empty[index]
            else:
                row[index] = field.get_db_prep_save(value, connection)
        rows.append(row)
    return rows


def insert_items(items: list) -> None:
    """bulk_create without its per-row SQL building (most of the fast pass's time at 100k lines).

    Takes model instances or NewItems; nothing gets a primary key back. PostgreSQL gets COPY
    (psycopg 3), the others a plain executemany.
    """
    if not items:
        return
    fields = _Fields.get()[0]
    rows = _rows(items)
    table = connection.ops.quote_name(CatalogueItem._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - model metadata
        for start in range(0, len(rows), 1000):
            cursor.executemany(sql, rows[start : start + 1000])


def _read_in_parallel(path: Path) -> bool:
    """Big Peppol files are parsed in a child process while this one maps, checks and inserts."""
    if official.default_processes() <= 1:
        return False
    return path.stat().st_size >= settings.CATALOGUE_PARALLEL_READ_BYTES


def _insert_on(shared_connection, items: list) -> None:
    """insert_items in the insert thread, on the importing thread's connection (which waits meanwhile)."""
    connections[shared_connection.alias] = shared_connection
    insert_items(items)


class _Importer:
    def __init__(self, version: CatalogueVersion, report: Report, progress, processes, chunk_lines) -> None:
        self.version = version
        self.catalogue = version.catalogue
        self.report = report
        self.progress = progress
        self.processes = processes
        self.chunk_lines = chunk_lines
        self.batch: list = []
        self.seen: dict[str, int] = {}
        self.deleted: dict[str, int] = {}
        self.updated: dict[str, int] = {}  # item ids of lines with the explicit action Update
        # Update mode chosen by the supplier for a sheet: Update or Delete of an unknown item is an error on
        # its row (a typo must not add an item or silently do nothing), where Peppol gets a warning.
        self.strict_update = False
        self.stored = 0
        self.header: Header | None = None
        self._insert_thread: ThreadPoolExecutor | None = None
        self._pending_insert: Future | None = None
        self.search_texts = SearchTextCache()

    def flush(self, background: bool = False) -> None:
        """Insert the batch. In the background, the database's share of the work (SQLite's C code, or
        the wait for PostgreSQL) overlaps the parsing of the next lines; one batch at a time."""
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        self.search_texts.fill(batch)
        self.wait_inserts()
        self.stored += len(batch)
        if not background:
            insert_items(batch)
            return
        if self._insert_thread is None:
            connection.inc_thread_sharing()
            self._insert_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalogue-insert")
        self._pending_insert = self._insert_thread.submit(_insert_on, connections[DEFAULT_DB_ALIAS], batch)

    def wait_inserts(self) -> None:
        """Before this thread touches the database again: the insert thread shares its connection."""
        pending, self._pending_insert = self._pending_insert, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait_inserts()
        finally:
            if self._insert_thread is not None:
                self._insert_thread.shutdown(wait=True)
                self._insert_thread = None
                connection.dec_thread_sharing()

    def check_header(self, header: Header | None, fmt: str) -> None:
        self.wait_inserts()
        self.header = header or Header()
        hub_rules.check_header(
            self.header,
            self.report,
            agreement=self.catalogue.agreement,
            supplier=self.catalogue.supplier,
            fmt=fmt,
            today=timezone.localdate(),
        )

    def fast_checks(self, path: Path, fmt: str, chunk_dir: Path):
        options = {"chunk_dir": chunk_dir, "chunk_lines": self.chunk_lines} if fmt == "peppol" else {}
        if fmt in MODE_FORMATS:
            options["update"] = self.strict_update = self.version.upload_mode == UploadMode.UPDATE
        elif self.version.upload_mode == UploadMode.UPDATE:
            # Peppol, CIF and BMEcat say replace or update in the file itself (header ActionCode and the like).
            self.report.warning("UPLOAD-MODE-IGNORED", source=SOURCE_FILE)
        if fmt == "peppol" and _read_in_parallel(path):
            from catalogue.formats.peppol_parallel import ParallelPeppolReader

            reader = ParallelPeppolReader(path, self.report, **options)
        else:
            reader = reader_for(path, self.report, fmt, **options)
        header_checked = False
        count = 0
        try:
            for raw in reader.lines():
                count += 1
                if not header_checked and reader.header is not None:
                    self.check_header(reader.header, fmt)
                    header_checked = True
                self.line(raw)
                if count % 5000 == 0:
                    self.wait_inserts()
                    _set_progress(self.version, FAST_SHARE * reader.progress_fraction(), "fast", self.progress)
                    self.flush(background=True)
            if not header_checked and (reader.header is not None or fmt != "peppol"):
                self.check_header(reader.header, fmt)
        finally:
            self.close()  # the insert thread is done before anyone else uses the connection
        self.version.line_count = count
        return reader

    def line(self, raw) -> None:
        header_action = self.header.action if self.header else "Replace"
        if header_action == "Delete":
            return  # the whole catalogue is withdrawn; its lines do not matter
        item_id = str(raw.values.get("seller_item_id") or raw.values.get("gtin") or "").strip()
        if raw.action == "Delete":
            if header_action != "Update":
                self.report.warning("HUB-DELETE-IGNORED", line=raw.line, element=raw.action_where or None)
            elif not item_id:
                self.report.error("HUB-ITEM-ID-MISSING", line=raw.line)
            else:
                self.deleted[item_id] = raw.line
            return
        fields = hub_rules.build_item(raw, self.report)
        if item_id and item_id in self.seen:
            self.report.error(
                "HUB-DUPLICATE-ITEM",
                line=raw.line,
                value=item_id,
                first=self.seen[item_id],
                **({raw.where_kind: raw.where["seller_item_id"]} if "seller_item_id" in raw.where else {}),
            )
            return
        if item_id:
            self.seen[item_id] = raw.line
            if raw.action == "Update":
                self.updated[item_id] = raw.line
        if fields is None or not self.report.ok:
            return  # once invalid, nothing more is stored; checking goes on
        self.batch.append(NewItem.build(self.version.pk, fields))
        if len(self.batch) >= BATCH_SIZE:
            self.flush(background=True)

    def merge_update(self) -> None:
        """Header ActionCode Update: the live items not mentioned carry over; Delete lines drop theirs."""
        self.wait_inserts()
        live = self.catalogue.live_version
        live_ids = set(live.items.values_list("seller_item_id", flat=True)) if live else set()
        for item_id, line in self.deleted.items():
            if item_id not in live_ids:
                if self.strict_update:
                    self.report.error("HUB-REMOVE-UNKNOWN-ITEM", line=line, value=item_id)
                else:
                    self.report.warning("HUB-DELETE-UNKNOWN-ITEM", line=line, value=item_id)
        if self.strict_update:
            # A row without action (or Ny) adds its item when it is new: only an explicit Ändra must match.
            for item_id, line in self.updated.items():
                if item_id not in live_ids:
                    self.report.error("HUB-CHANGE-UNKNOWN-ITEM", line=line, value=item_id)
        else:
            for item_id, line in self.seen.items():
                if item_id not in live_ids:
                    self.report.warning("HUB-UPDATE-UNKNOWN-ITEM", line=line, value=item_id)
        if not live or not self.report.ok:
            return
        skip = set(self.seen) | set(self.deleted)
        next_line = max(self.seen.values(), default=0) + 1
        # In primary-key (= insertion) batches, not .iterator(): the flushes below write while we read.
        for item in in_pk_batches(live.items.exclude(seller_item_id__in=skip), 2000):
            item.pk = None
            item.id = None
            item.version = self.version
            item.line_number = next_line
            next_line += 1
            self.batch.append(item)
            if len(self.batch) >= BATCH_SIZE:
                self.flush()


def process_version(
    version: CatalogueVersion,
    *,
    progress: ProgressCallback | None = None,
    processes: int | None = None,
    chunk_lines: int | None = None,
    submit: bool = True,
    official_rules: bool = True,
) -> CatalogueVersion:
    """Run the fast checks and the official rules on a stored version; see the module docstring."""
    report = Report()
    # A run after a killed worker starts clean: the first attempt may have inserted part of the items.
    _discard_items(version)
    path = Path(version.file.path)
    if not path.exists() or path.stat().st_size == 0:
        report.error("FILE-EMPTY", source=SOURCE_FILE)
        finish(version, report, Status.INVALID)
        return version
    fmt = detect_format(path, version.original_filename)
    if fmt is None:
        report.error("FILE-UNKNOWN-FORMAT", source=SOURCE_FILE)
        finish(version, report, Status.INVALID)
        return version
    version.format = fmt
    chunk_lines = chunk_lines or settings.CATALOGUE_RULE_CHUNK_LINES
    chunk_dir = Path(tempfile.mkdtemp(prefix=f"catalogue-v{version.pk}-", dir=work_root()))
    rule_pool = _start_rule_pool(fmt, path, official_rules, processes)
    try:
        importer = _Importer(version, report, progress, processes, chunk_lines)
        try:
            reader = importer.fast_checks(path, fmt, chunk_dir)
        except StandardsMissing as exc:
            report.error("STANDARDS-MISSING", source=SOURCE_FILE, detail=str(exc))
            _discard_items(version)
            finish(version, report, Status.INVALID)
            return version
        header = importer.header or Header()
        version.valid_from, version.valid_to = header.valid_from, header.valid_to
        if version.line_count == 0 and header.action != "Delete" and report.ok:
            report.error("HUB-NO-LINES", source=SOURCE_FILE)
        if header.action == "Update":
            importer.merge_update()
        importer.flush()
        report.stages.append("fast")
        if not report.ok:
            _discard_items(version)
            finish(version, report, Status.INVALID)
            return version
        # Not decidable until the official rules have given their verdict (CHECKING, then _finish).
        version.transition(
            Status.CHECKING,
            report=report.to_dict(),
            format=version.format,
            line_count=version.line_count,
            valid_from=version.valid_from,
            valid_to=version.valid_to,
        )
        _set_progress(version, FAST_SHARE, "fast", progress)
        if reader.chunks and official_rules:
            _official_rules(version, report, reader.chunks, progress, processes, rule_pool)
        status = Status.VALIDATED if report.ok else Status.INVALID
        finish(version, report, status)
    finally:
        if rule_pool is not None:
            rule_pool.close()
        shutil.rmtree(chunk_dir, ignore_errors=True)
    if version.status == Status.VALIDATED and submit:
        submit_for_review(version)
        version.refresh_from_db()
    return version


def _start_rule_pool(fmt: str, path: Path, wanted: bool, processes: int | None) -> official.RulePool | None:
    """Worker processes for the official rules, started now so that their start-up runs beside the fast checks.

    Only for Peppol files big enough to give several chunks; small ones run in this process.
    """
    if fmt != "peppol" or not wanted:
        return None
    processes = processes or official.default_processes()
    if processes <= 1 or path.stat().st_size < settings.CATALOGUE_RULE_POOL_BYTES:
        return None
    try:
        return official.RulePool(processes)
    except Exception:  # noqa: BLE001 - without a pool the rules still run, in new workers later
        logger.exception("could not start the official rules' worker processes ahead")
        return None


def _official_rules(version, report: Report, chunks, progress, processes, pool=None) -> None:
    def on_chunk(done: int, total: int) -> None:
        _set_progress(version, FAST_SHARE + (100 - FAST_SHARE) * done / total, "official", progress)

    try:
        failed = official.run_chunks(chunks, processes=processes, progress=on_chunk, pool=pool)
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


def _discard_items(version: CatalogueVersion) -> None:
    # Items of a version that never validated were never part of any catalogue.
    CatalogueItem.objects.filter(version=version).delete()


def submit_for_review(version: CatalogueVersion) -> None:
    """Hand a validated version to review (auto-approve or wait for a Katalogansvarig)."""
    review.submit_for_review(version)


def today() -> datetime.date:
    return timezone.localdate()


def env_processes() -> int | None:
    value = os.environ.get("CATALOGUE_RULE_PROCESSES")
    return int(value) if value else None
