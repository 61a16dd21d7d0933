"""The task worker survives a busy database, and no task is left RUNNING for ever."""

from __future__ import annotations

import datetime
import subprocess
import sys
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult, get_date_max

from hub.tasks import _hostname, recover_tasks, worker_id_for_this_process, worker_is_gone

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_task(worker_id: str, started_ago: datetime.timedelta) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="catalogue.intake.process_catalogue_version",
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker_ids=[worker_id],
    )


def test_a_task_whose_worker_process_is_gone_is_marked_failed_and_announced():
    gone = running_task(f"hub:{_hostname()}:{a_dead_pid()}:abcdefgh", datetime.timedelta(seconds=5))
    alive = running_task(worker_id_for_this_process(), datetime.timedelta(seconds=5))
    announced = []

    def receiver(sender, task_result, **kwargs):
        announced.append((task_result.id, task_result.status))

    task_finished.connect(receiver)
    try:
        recovered = recover_tasks(is_gone=lambda worker: worker_is_gone(worker, current_worker_id=alive.worker_ids[0]))
    finally:
        task_finished.disconnect(receiver)
    gone.refresh_from_db()
    alive.refresh_from_db()
    assert [r.pk for r in recovered] == [gone.pk]
    assert gone.status == TaskResultStatus.FAILED
    assert gone.exception_class_path == "hub.tasks.TaskInterrupted"
    assert "stopped while the task ran" in gone.traceback
    assert gone.finished_at is not None
    assert alive.status == TaskResultStatus.RUNNING
    assert announced == [(str(gone.pk), TaskResultStatus.FAILED)]


def test_a_task_running_past_the_limit_is_marked_failed(settings):
    settings.HUB_TASK_STUCK_AFTER_SECONDS = 3600
    elsewhere = "hub:another-machine:4242:abcdefgh"  # cannot be checked from here: only the age counts
    stuck = running_task(elsewhere, datetime.timedelta(hours=2))
    recent = running_task(elsewhere, datetime.timedelta(minutes=10))
    call_command("run_periodic_jobs", "--once")
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == TaskResultStatus.FAILED
    assert "more than 3600 s" in stuck.traceback
    assert recent.status == TaskResultStatus.RUNNING


def test_a_reused_pid_of_another_program_does_not_keep_a_task_running():
    # The pid of this test process is alive, but it is not a run_worker process.
    assert worker_is_gone(f"hub:{_hostname()}:{a_dead_pid()}:x")
    assert not worker_is_gone("hub:another-machine:1:x")
    assert not worker_is_gone("a-plain-db_worker-id")


def test_run_worker_starts_again_after_a_database_error(monkeypatch, database_tasks):
    """db_worker's loop ended on 'database is locked' at COMMIT and the worker did nothing more."""
    calls = []

    def run(self):
        calls.append(self.worker_id)
        if len(calls) < 3:
            raise OperationalError("database is locked")

    monkeypatch.setattr(db_worker.Worker, "run", run)
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda self: None)
    with mock.patch("hub.management.commands.run_worker.time.sleep") as sleep:
        call_command("run_worker", "--max-failures", "5", verbosity=0)
    assert len(calls) == 3
    assert [c.args[0] for c in sleep.call_args_list] == [1, 2]
    assert calls[0].startswith(f"hub:{_hostname()}:")


def test_run_worker_exits_non_zero_when_the_database_stays_unavailable(monkeypatch, database_tasks):
    def run(self):
        raise OperationalError("database is locked")

    monkeypatch.setattr(db_worker.Worker, "run", run)
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda self: None)
    with mock.patch("hub.management.commands.run_worker.time.sleep"), pytest.raises(SystemExit) as exit_:
        call_command("run_worker", "--max-failures", "3", verbosity=0)
    assert exit_.value.code == 3


def test_run_worker_fails_the_task_its_own_loop_left_running(monkeypatch, database_tasks):
    """A task claimed by this worker whose end could not be recorded is failed when the loop restarts."""
    holder = {}

    def run(self):
        if "task" not in holder:
            holder["task"] = running_task(self.worker_id, datetime.timedelta(seconds=1))
            raise OperationalError("database is locked")

    monkeypatch.setattr(db_worker.Worker, "run", run)
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda self: None)
    with mock.patch("hub.management.commands.run_worker.time.sleep"):
        call_command("run_worker", verbosity=0)
    holder["task"].refresh_from_db()
    assert holder["task"].status == TaskResultStatus.FAILED


def test_run_worker_fails_tasks_left_by_a_killed_worker_at_start_up(monkeypatch, database_tasks):
    left = running_task(f"hub:{_hostname()}:{a_dead_pid()}:abcdefgh", datetime.timedelta(seconds=30))
    monkeypatch.setattr(db_worker.Worker, "run", lambda self: None)
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda self: None)
    call_command("run_worker", verbosity=0)
    left.refresh_from_db()
    assert left.status == TaskResultStatus.FAILED
