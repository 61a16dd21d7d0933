"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.models import Model, QuerySet


def in_pk_batches(queryset: QuerySet, size: int = 1000) -> Iterator[Model]:
    """Each row of `queryset` in primary-key order, read `size` rows at a time by primary-key range.

    Use this instead of .iterator() when the loop writes: on SQLite an open read cursor keeps the
    connection's transaction open, so the writes made during the walk stay uncommitted and hold
    the one write lock against the other process (web server or task worker) until the walk ends.
    Each batch here is read completely before it is used.
    """
    last_pk = None
    while True:
        page = queryset.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        batch = list(page[:size])
        if not batch:
            return
        last_pk = batch[-1].pk  # before the caller sees the rows: it may change their pk (copying them)
        yield from batch


@contextmanager
def lock_wait_at_most(seconds: float, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Wait at most `seconds` for SQLite's write lock inside the block (the connection's usual wait after it).

    For writes that may be dropped, such as the search log: a request must not wait the full busy
    timeout (30 s) behind the task worker to write a line nobody waits for. No effect on PostgreSQL,
    whose row locks do not block an insert.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    usual = int(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {usual}")


def is_lock_timeout(exc: BaseException) -> bool:
    """True for "database is locked" (SQLite) and lock timeouts, which a droppable write may ignore."""
    return isinstance(exc, OperationalError) and "lock" in str(exc).lower()
