"""The store: item rows into the database in batches, as fast as the driver allows.

COPY on PostgreSQL (psycopg 3), executemany elsewhere, with no per-row SQL building. A batch is
inserted in a background thread while the next lines are read and checked; search_text is computed
once per distinct name, description, maker and keywords.
"""

from __future__ import annotations

import operator
from concurrent.futures import Future, ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from catalogue.models import CatalogueItem, CatalogueVersion, fill_search_text

BATCH_SIZE = 2000


def _search_text_key(item) -> tuple:
    """What swedish_text.search_text_for and the narrowing terms read (a test holds this to it)."""
    keywords, labels = item.keywords, getattr(item, "eco_labels", None)
    return (
        item.unspsc,
        item.name,
        item.description,
        item.manufacturer,
        tuple(keywords) if isinstance(keywords, list) else (),
        tuple(str(label) for label in labels) if isinstance(labels, list) else (),
    )


class SearchTextCache:
    """search_text (and the narrowing terms, read from the same fields) once per distinct name, description,
    maker, keywords and eco-labels: catalogues repeat them."""

    MAX_ENTRIES = 50_000

    def __init__(self) -> None:
        self.texts: dict[tuple, tuple[str, str]] = {}

    def fill(self, items: list) -> None:
        texts = self.texts
        missing: dict[tuple, Any] = {}  # NewItems or CatalogueItems
        waiting = []
        for item in items:
            key = _search_text_key(item)
            text = texts.get(key)
            if text is not None:
                item.search_text, item.narrowing_terms = text
            else:
                missing.setdefault(key, item)
                waiting.append((key, item))
        if not missing:
            return
        fill_search_text(list(missing.values()))
        if len(texts) + len(missing) > self.MAX_ENTRIES:
            texts.clear()  # bounded memory on a catalogue of all-distinct texts
        for key, first in missing.items():
            texts[key] = (first.search_text, first.narrowing_terms)
        for key, item in waiting:
            item.search_text, item.narrowing_terms = texts[key]


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


def _insert_on(shared_connection, items: list) -> None:
    """insert_items in the insert thread, on the importing thread's connection (which waits meanwhile)."""
    connections[shared_connection.alias] = shared_connection
    insert_items(items)


def discard_items(version: CatalogueVersion) -> None:
    """Items of a version that never validated were never part of any catalogue."""
    CatalogueItem.objects.filter(version=version).delete()


class ItemStore:
    """A version's new items, inserted a batch at a time; one batch at a time in the background."""

    def __init__(self, version: CatalogueVersion) -> None:
        self.version = version
        self.batch: list = []
        self.stored = 0
        self.search_texts = SearchTextCache()
        self._insert_thread: ThreadPoolExecutor | None = None
        self._pending_insert: Future | None = None

    def add(self, fields: dict) -> None:
        """A checked line's item fields."""
        self.batch.append(NewItem.build(self.version.pk, fields))
        if len(self.batch) >= BATCH_SIZE:
            self.flush(background=True)

    def add_copy(self, item: CatalogueItem) -> None:
        """A live item carried over (Update): inserted in the foreground, the caller is reading meanwhile."""
        item.pk = None
        item.id = None
        item.version = self.version
        self.batch.append(item)
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self, background: bool = False) -> None:
        """Insert the batch. In the background, the database's share of the work (SQLite's C code, or
        the wait for PostgreSQL) overlaps the parsing of the next lines; one batch at a time."""
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        self.search_texts.fill(batch)
        self.wait()
        self.stored += len(batch)
        if not background:
            insert_items(batch)
            return
        if self._insert_thread is None:
            connection.inc_thread_sharing()
            self._insert_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalogue-insert")
        self._pending_insert = self._insert_thread.submit(_insert_on, connections[DEFAULT_DB_ALIAS], batch)

    def wait(self) -> None:
        """Before this thread touches the database again: the insert thread shares its connection."""
        pending, self._pending_insert = self._pending_insert, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Wait for the last background batch and give the connection back; later flushes run here."""
        try:
            self.wait()
        finally:
            if self._insert_thread is not None:
                self._insert_thread.shutdown(wait=True)
                self._insert_thread = None
                connection.dec_thread_sharing()
