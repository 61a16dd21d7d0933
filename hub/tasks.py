"""Background tasks: queued after commit, run by a supervised worker, never left RUNNING for ever.

- `enqueue_on_commit`: a task is queued only once the transaction that made its work has committed,
  so the worker never starts on rows it cannot see yet and never queues behind an open transaction.
- `worker_id_for_this_process`: worker ids name the host and process (`hub:<host>:<pid>:<random>`),
  so a task whose worker process is gone can be told from one still running.
- `recover_tasks`: a task result left RUNNING by a worker that is gone (killed, crashed, the machine
  restarted), or running longer than HUB_TASK_STUCK_AFTER_SECONDS, is marked FAILED with the reason,
  and `task_finished` is sent so that whatever waits on it learns the outcome. `run_worker` calls it
  at start-up and `run_periodic_jobs` every round. Failed tasks are not re-run automatically: an
  interrupted catalogue import has half its rows written, and is retried from the version instead.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from collections.abc import Callable
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

# compat: django.tasks' names from Django 6 on, the django_tasks backport's before.
from django_tasks_db.compat import TaskResultStatus, task_finished
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

WORKER_ID_PREFIX = "hub"
WORKER_COMMAND = "run_worker"


class TaskInterrupted(Exception):
    """Recorded on a task result whose worker went away, or that ran past the stated limit."""


def enqueue_on_commit(task, *args, using: str | None = None, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` after the current transaction commits (at once when there is none)."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs), using=using)


def _hostname() -> str:
    return socket.gethostname().replace(":", "-")[:40]


def worker_id_for_this_process() -> str:
    """`hub:<host>:<pid>:<random>` (at most 64 characters, db_worker's limit)."""
    return f"{WORKER_ID_PREFIX}:{_hostname()}:{os.getpid()}:{get_random_string(8)}"


def _process_is_a_worker(pid: int) -> bool:
    """Whether process `pid` is alive and is a hub worker (a reused pid of another program is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, someone else's
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        try:
            return WORKER_COMMAND.encode() in cmdline.read_bytes()
        except OSError:
            return True
    return True  # no /proc: trust that the pid is alive


def worker_is_gone(worker_id: str, current_worker_id: str = "") -> bool:
    """True when `worker_id` names a worker process on this machine that no longer runs.

    Workers on other machines, and ids of another form (plain db_worker), are never judged gone:
    only the age limit applies to them.
    """
    parts = worker_id.split(":")
    if len(parts) != 4 or parts[0] != WORKER_ID_PREFIX or parts[1] != _hostname() or not parts[2].isdigit():
        return False
    if worker_id == current_worker_id:
        return False
    pid = int(parts[2])
    if pid == os.getpid():
        return True  # this process is a new worker; the id is from an earlier process with the same pid
    return not _process_is_a_worker(pid)


def stuck_after_seconds() -> int:
    return int(getattr(settings, "HUB_TASK_STUCK_AFTER_SECONDS", 3 * 3600))


def recover_tasks(
    *,
    now: datetime.datetime | None = None,
    stuck_after: int | None = None,
    is_gone: Callable[[str], bool] = worker_is_gone,
) -> list:
    """Mark FAILED the task results left RUNNING by a gone worker or running past the limit; return them."""
    now = now or timezone.now()
    limit = stuck_after if stuck_after is not None else stuck_after_seconds()
    cutoff = now - datetime.timedelta(seconds=limit)
    recovered = []
    for result in DBTaskResult.objects.running().order_by("started_at"):
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if worker and is_gone(worker):
            reason = f"The worker {worker} stopped while the task ran (killed, crashed or restarted)."
        elif result.started_at is not None and result.started_at < cutoff:
            reason = f"The task ran for more than {limit} s (HUB_TASK_STUCK_AFTER_SECONDS) and was given up."
        else:
            continue
        changed = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{TaskInterrupted.__module__}.{TaskInterrupted.__qualname__}",
            traceback=f"{TaskInterrupted.__module__}.{TaskInterrupted.__qualname__}: {reason}\n",
        )
        if not changed:
            continue  # finished meanwhile
        result.refresh_from_db()
        logger.warning(
            "Task %s (%s, args %s) marked failed: %s", result.pk, result.task_path, result.args_kwargs, reason
        )
        _announce_finished(result)
        recovered.append(result)
    return recovered


def _announce_finished(result) -> None:
    """Send task_finished for a recovered result, as the worker does for a task that ends."""
    try:
        task_finished.send(sender=type(result.task.get_backend()), task_result=result.task_result)
    except Exception:  # a receiver's failure, or a task that no longer exists, must not stop recovery
        logger.exception("task_finished for the recovered task %s failed", result.pk)
