"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator

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
