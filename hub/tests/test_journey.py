"""Journeys through a running hub, started as `make run` starts it: gunicorn and the task worker as
separate processes (scripts/serve.sh) on a SQLite file, seeded with seed_hub.

The unit tests run tasks inline in one process; these run them as real use does. The scenario runs
once per module (`journey`), and each test asserts one part of its outcome, so the order of the
tests does not matter. So far: a supplier signs in and uploads a small file and a large one
(background import), and the worker is killed with SIGKILL mid-import. More roles (reviewer,
buyer, editor) are to be added here.
"""

from __future__ import annotations

import datetime
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
import requests
from django.conf import settings

from catalogue.generator import Party, iter_items, write_peppol

pytestmark = [pytest.mark.journey, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
SUPPLIER = Party("5566778899", "Kontorsvaror i Norden AB")  # hub/demo.py: the demo user "leverantor"
RECEIVER = Party("2120000142", "Exempelstads kommun")
AGREEMENT = "RA-2026-001"
LARGE_LINES = 8000  # about 14 MB: above CATALOGUE_BACKGROUND_BYTES, so the worker imports it
START_TIMEOUT = 90


@dataclass
class Journey:
    var_dir: Path
    log_path: Path
    base_url: str = ""
    small_status: str = ""
    large_version_id: int = 0
    worker_restarted: bool = False
    large_final: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with sqlite3.connect(self.var_dir / "db.sqlite3", timeout=30) as db:
            return db.execute(sql, params).fetchall()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hub_environment(var_dir: Path, port: int) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "OPENSEARCH_URL", "SECRET_KEY", "HUB_PEPPOL_ID", "TASKS_BACKEND"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="hub.settings.local",
        HUB_VAR_DIR=str(var_dir),
        HUB_STANDARDS_DIR=str(settings.HUB_STANDARDS_DIR),
        HUB_BASE_URL=f"http://127.0.0.1:{port}",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_WORKERS="2",
        LOG_LEVEL="WARNING",
    )
    environment.pop("MEDIA_ROOT", None)
    environment.pop("STATIC_ROOT", None)
    return environment


def manage(environment: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=environment,
        check=True,
        capture_output=True,
        timeout=240,
    )


def wait_for(condition, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def sign_in(session: requests.Session, base_url: str, username: str, password: str) -> None:
    login = f"{base_url}/sv/logga-in/"
    session.get(login, timeout=30).raise_for_status()
    response = session.post(
        login,
        data={"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": login},
        timeout=30,
    )
    response.raise_for_status()
    assert "/logga-in/" not in response.url, "sign-in failed"


def upload(session: requests.Session, base_url: str, catalogue_id: int, path: Path) -> int:
    page = f"{base_url}/sv/leverantor/kataloger/{catalogue_id}/"
    session.get(page, timeout=30).raise_for_status()
    with path.open("rb") as handle:
        response = session.post(
            page,
            data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
            files={"file": (path.name, handle, "application/xml")},
            headers={"Referer": page},
            timeout=300,
        )
    assert response.status_code == 200, response.status_code
    found = re.search(r"/leverantor/versioner/(\d+)/", response.url)
    assert found, f"the upload did not lead to its version page: {response.url}"
    return int(found.group(1))


def progress(session: requests.Session, base_url: str, version_id: int) -> dict:
    response = session.get(f"{base_url}/sv/leverantor/versioner/{version_id}/framsteg.json", timeout=30)
    response.raise_for_status()
    return response.json()


def catalogue_file(path: Path, lines: int, seed: int) -> Path:
    today = datetime.date.today()
    items = (replace(item, image_url="") for item in iter_items(lines, seed))  # no outside fetches
    return write_peppol(
        path,
        items,
        SUPPLIER,
        RECEIVER,
        AGREEMENT,
        issue_date=today,
        valid_from=today,
        valid_to=today.replace(year=today.year + 1),
    )


def worker_pid(journey: Journey) -> int | None:
    started = re.findall(r"serve\.sh: task worker started \(pid (\d+)\)", journey.log())
    return int(started[-1]) if started else None


@pytest.fixture(scope="module")
def journey(tmp_path_factory) -> Journey:
    var_dir = tmp_path_factory.mktemp("journey-var")
    port = free_port()
    environment = hub_environment(var_dir, port)
    state = Journey(var_dir=var_dir, log_path=var_dir / "serve.log", base_url=f"http://127.0.0.1:{port}")
    manage(environment, "migrate", "--noinput")
    manage(environment, "seed_hub", "--no-catalogues")
    manage(
        environment,
        "shell",
        "-c",
        "from catalogue.models import Agreement, Catalogue; from hub.organisations.models import Supplier; "
        f"Catalogue.objects.get_or_create(agreement=Agreement.objects.get(reference='{AGREEMENT}'), "
        f"supplier=Supplier.objects.get(orgnr='{SUPPLIER.orgnr}'))",
    )
    (catalogue_id,) = state.query("SELECT id FROM catalogue_catalogue")[0]
    password = (var_dir / "demo-password.txt").read_text().strip()
    with state.log_path.open("w") as log:
        server = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=REPO_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: _answers(state.base_url), START_TIMEOUT, "the hub to answer")
        session = requests.Session()
        sign_in(session, state.base_url, "leverantor", password)

        small = upload(session, state.base_url, catalogue_id, catalogue_file(var_dir / "liten.xml", 20, seed=3))
        state.small_status = wait_for(
            lambda: (p := progress(session, state.base_url, small))["status"] != "received" and p["status"],
            60,
            "the small upload to be checked",
        )

        large = upload(session, state.base_url, catalogue_id, catalogue_file(var_dir / "stor.xml", LARGE_LINES, 5))
        state.large_version_id = large
        wait_for(lambda: progress(session, state.base_url, large)["progress_percent"] > 0, 60, "the worker to start")
        killed = worker_pid(state)
        os.kill(killed, signal.SIGKILL)
        wait_for(lambda: (worker_pid(state) or killed) != killed, 30, "serve.sh to start the worker again")
        state.worker_restarted = True
        wait_for(lambda: "marked failed" in state.log(), 30, "the interrupted task to be handled")
        wait_for(
            lambda: progress(session, state.base_url, large)["status"] not in {"received", "checking"},
            60,
            "the interrupted import to show its outcome",
        )
        state.large_final = progress(session, state.base_url, large)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return state


def _answers(base_url: str) -> bool:
    try:
        return requests.get(f"{base_url}/sv/", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def test_a_small_upload_is_checked_at_once(journey):
    assert journey.small_status in {"validated", "pending_review", "published"}, journey.small_status


def test_serve_sh_restarts_a_killed_worker_and_says_why(journey):
    assert journey.worker_restarted
    assert re.search(r"task worker stopped: killed by signal KILL", journey.log())


def test_no_task_is_left_running(journey):
    running = journey.query("SELECT task_path FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")
    assert running == []
    interrupted = journey.query(
        "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'catalogue.intake.process_catalogue_version'"
    )
    assert ("FAILED", "hub.tasks.TaskInterrupted") in interrupted


def test_the_interrupted_import_fails_visibly_for_the_supplier(journey):
    assert journey.large_final.get("status") not in {"received", "validated"}, journey.large_final


def test_the_server_log_has_no_error_responses_or_tracebacks(journey):
    log = journey.log()
    assert "Traceback" not in log
    assert not re.search(r'" 5\d\d ', log), [line for line in log.splitlines() if re.search(r'" 5\d\d ', line)]
