"""Background tasks and the transactions around them.

A task is queued only once the transaction that made its work exists has committed
(`enqueue_on_commit`): the worker never starts on rows it cannot see yet, and never
holds SQLite's write lock against the request that queued it. Outside a transaction
the task is queued at once.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction


def enqueue_on_commit(task, *args, using: str | None = None, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` after the current transaction commits (at once when there is none)."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs), using=using)
