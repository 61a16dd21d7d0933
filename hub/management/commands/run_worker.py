"""The hub's task worker: django_tasks_db's db_worker that survives a busy database.

db_worker's loop ends on the first OperationalError it does not expect, e.g. "database is locked"
on the COMMIT of its claim when SQLite stays locked past the busy timeout; under `--reload` only
its thread ended and the process lived on doing nothing. This command runs the same worker loop,
and on an OperationalError waits (1, 2, 4 … 30 s) and starts the loop again; after --max-failures
failures in a row (none separated by a minute of work) it exits with status 3, so that its
supervisor (scripts/serve.sh, systemd) restarts it and logs why. At start-up it fails the tasks
left RUNNING by a worker process that is gone (hub.tasks.recover_tasks).
"""

from __future__ import annotations

import logging
import sys
import time

from django.db import connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker

from catalogue.lifecycle import fail_stalled_imports
from hub.tasks import recover_tasks, worker_id_for_this_process, worker_is_gone

logger = logging.getLogger("hub.worker")

EXIT_DATABASE_UNAVAILABLE = 3
HEALTHY_RUN_SECONDS = 60
MAX_BACKOFF_SECONDS = 30


class Command(db_worker.Command):
    help = (
        "Kör bakgrundsjobben och tål en upptagen databas / "
        "Runs the background tasks (db_worker) and survives a busy database"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--max-failures",
            type=int,
            default=5,
            help="database failures in a row before exiting with status 3 (default 5)",
        )
        # Never the autoreloader: its worker thread can die while the process stays alive.
        parser.set_defaults(worker_id=worker_id_for_this_process(), reload=False, queue_name="*")

    def handle(self, *, verbosity, max_failures, **options):
        self.configure_logging(verbosity)
        worker_id = options["worker_id"]
        if not logger.hasHandlers():
            logger.addHandler(logging.StreamHandler(self.stderr))
        logger.setLevel(logging.INFO)
        recovered = recover_tasks(is_gone=lambda other: worker_is_gone(other, worker_id))
        if recovered:
            logger.warning("Start-up: %s task(s) left running by a stopped worker marked failed", len(recovered))
            # Their catalogue versions say so now, not at the next periodic round.
            for version in fail_stalled_imports():
                logger.warning("Start-up: import of catalogue version %s marked failed", version.pk)
        worker = db_worker.Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=options["exclude_queues"].split(",") if options["exclude_queues"] else [],
        )
        worker.configure_signals()
        self.run_until_done(worker, max_failures)

    def run_until_done(self, worker, max_failures: int) -> None:
        failures = 0
        while True:
            started = time.monotonic()
            try:
                worker.run()
                return
            except OperationalError as exc:
                if time.monotonic() - started >= HEALTHY_RUN_SECONDS:
                    failures = 0
                failures += 1
                self._drop_connections()
                self._fail_own_running_tasks(worker.worker_id)
                if failures >= max_failures:
                    logger.error(
                        "Worker %s gives up after %s database failures in a row (last: %s); exiting with status %s",
                        worker.worker_id,
                        failures,
                        exc,
                        EXIT_DATABASE_UNAVAILABLE,
                    )
                    sys.exit(EXIT_DATABASE_UNAVAILABLE)
                delay = min(MAX_BACKOFF_SECONDS, 2 ** (failures - 1))
                logger.warning(
                    "Worker %s: database error (%s), failure %s of %s; starting again in %s s",
                    worker.worker_id,
                    exc,
                    failures,
                    max_failures,
                    delay,
                )
                time.sleep(delay)

    @staticmethod
    def _drop_connections() -> None:
        """Start the next loop on fresh connections (outside a transaction, which the loop never leaves open)."""
        for connection in connections.all(initialized_only=True):
            if connection.in_atomic_block:
                continue
            try:
                connection.close()
            except Exception:  # a broken connection may refuse even to close
                logger.debug("closing a broken connection failed", exc_info=True)

    @staticmethod
    def _fail_own_running_tasks(worker_id: str) -> None:
        """The loop has ended, so no task of this worker still runs: any left RUNNING was cut off."""
        try:
            recover_tasks(is_gone=lambda other: other == worker_id)
        except OperationalError as exc:
            logger.warning("Could not yet mark this worker's interrupted task failed (%s)", exc)
