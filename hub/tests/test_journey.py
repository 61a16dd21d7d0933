"""Every role's journey through one running hub, started as `make run` starts it: gunicorn and the task
worker as separate processes (scripts/serve.sh) on one SQLite file, seeded with `seed_hub`, driven in
Chromium (Playwright with Debian's Chromium, hub/testing/browser.py).

One after another, as real use goes (issue 7, deliverable 8):

1. the supplier signs in, uploads a small file (the first version: it waits for review) and a large
   one (above CATALOGUE_PARALLEL_READ_BYTES, imported by the worker); the worker is killed mid-import,
   serve.sh restarts it, the page shows the failure by itself, and "Försök igen" imports it to the end;
   the large version supersedes the waiting small one;
2. the reviewer signs in, lands on review and opens the large version; other suppliers' imports are
   queued, and once the worker writes them the reviewer approves ("Godkänn och publicera"), so web
   server and worker contend for the SQLite file; the reviewer reaches review from the admin too;
3. the buyer signs in, lands on search, and finds the newly approved item once it is indexed;
4. the supplier uploads a price cut only: it is published without review and the page says so;
5. the editor signs in to the admin, edits a guidance page, submits it for moderation, and cannot
   publish it, not even with a forged "publish" action;
6. the hub stops once every queued task has finished.

The scenario runs once per module; it records what each step saw, and each test asserts one part of
it, so a failing step is reported by its own test (with the traceback) and the later steps by theirs
as "not reached". A screenshot per role goes to var/journey-screenshots/ (not committed).
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
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.utils import translation

from catalogue.generator import Party, iter_items, write_peppol
from catalogue.lifecycle import outcome_message
from catalogue.models import CatalogueVersion
from catalogue.review import AUTO_APPROVED, REVIEW_COMMENTS
from hub.testing.browser import _block_the_internet

pytestmark = [pytest.mark.journey, pytest.mark.slow, pytest.mark.browser]

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "var" / "journey-screenshots"
SUPPLIER = Party("5566778899", "Kontorsvaror i Norden AB")  # hub/demo.py: the demo user "leverantor"
RECEIVER = Party("2120000142", "Exempelstads kommun")
AGREEMENT = "RA-2026-001"
# Other demo suppliers' agreements: their imports keep the worker busy meanwhile.
LOAD = (
    (Party("5561234567", "IT-partner Sverige AB"), "RA-2026-002"),
    (Party("5590123450", "Rent & Fräscht Städgrossist AB"), "RA-2026-003"),
)
LOAD_LINES = 2000
LARGE_LINES = 5000  # about 8.7 MB: above CATALOGUE_PARALLEL_READ_BYTES and CATALOGUE_BACKGROUND_BYTES
# One item with a name found nowhere else, for the buyer to search in Swedish.
SEARCHED_ITEM_ID = "JOURNEY-1"
# No generated name has "griffeltavla" or "skiffer" (the demo catalogue has whiteboards of every kind).
SEARCHED_NAME = "Griffeltavla i skiffer 120 x 90 cm"
SEARCHED_QUERY = "skiffer griffeltavla"
START_TIMEOUT = 90
STEP_TIMEOUT = 180  # generous: the machine is shared and noisy
Status = CatalogueVersion.Status


@dataclass
class Journey:
    var_dir: Path
    log_path: Path
    base_url: str = ""
    catalogue_id: int = 0
    password: str = ""
    steps_done: list[str] = field(default_factory=list)
    failed_step: str = ""
    failure: str = ""
    landings: dict[str, str] = field(default_factory=dict)
    # per upload: the messages shown on its version page, and the stored status they must match
    outcomes: dict[str, dict] = field(default_factory=dict)
    small_version_id: int = 0
    large_version_id: int = 0
    price_cut_version_id: int = 0
    killed_worker_pid: int = 0
    worker_restarted: bool = False
    large_after_kill: dict = field(default_factory=dict)
    large_final: dict = field(default_factory=dict)
    small_final: dict = field(default_factory=dict)
    small_page_status: str = ""
    review: dict = field(default_factory=dict)
    buyer: dict = field(default_factory=dict)
    price_cut: dict = field(default_factory=dict)
    editor: dict = field(default_factory=dict)
    load_version_ids: list[int] = field(default_factory=list)
    approval_window: tuple[str, str] = ("", "")  # UTC, as django_tasks_db stores its times
    durations: dict[str, float] = field(default_factory=dict)
    tasks_left: list[tuple] = field(default_factory=list)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with sqlite3.connect(self.var_dir / "db.sqlite3", timeout=30) as db:
            return db.execute(sql, params).fetchall()

    def version(self, version_id: int) -> dict:
        columns = ("status", "progress_percent", "superseded_by_id", "reviewed_by_id", "review_comment_code")
        sql = f"SELECT {', '.join(columns)} FROM catalogue_catalogueversion WHERE id = ?"  # noqa: S608 - our columns
        row = self.query(sql, (version_id,))[0]
        return dict(zip(columns, row, strict=True))

    def require(self, step: str) -> None:
        """Fail the calling test with the step's own failure, or as not reached."""
        if step in self.steps_done:
            return
        if self.failed_step == step:
            pytest.fail(f"step {step!r} failed:\n{self.failure}", pytrace=False)
        pytest.fail(f"step {step!r} was not reached: step {self.failed_step!r} failed before it", pytrace=False)


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
    for name in ("MEDIA_ROOT", "STATIC_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    return environment


def wait_for(condition: Callable, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def catalogue_file(path: Path, items, supplier: Party = SUPPLIER, agreement: str = AGREEMENT) -> Path:
    today = datetime.date.today()
    return write_peppol(
        path,
        items,
        supplier,
        RECEIVER,
        agreement,
        issue_date=today,
        valid_from=today,
        valid_to=today.replace(year=today.year + 1),
    )


def generated(lines: int, seed: int) -> list:
    return [replace(item, image_url="") for item in iter_items(lines, seed)]  # no outside fetches


def large_items() -> list:
    items = generated(LARGE_LINES, seed=5)
    items[0] = replace(items[0], seller_item_id=SEARCHED_ITEM_ID, name=SEARCHED_NAME)
    return items


def price_cut(items: list) -> list:
    """The same catalogue with one price lowered by a tenth: within any agreement's limits."""
    cut = replace(items[1], price=(items[1].price * Decimal("0.9")).quantize(Decimal("0.01")))
    return [items[0], cut, *items[2:]]


def worker_pid(journey: Journey) -> int | None:
    started = re.findall(r"serve\.sh: task worker started \(pid (\d+)\)", journey.log())
    return int(started[-1]) if started else None


def utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def expected_message(status: str) -> str:
    """What catalogue.lifecycle.outcome_message tells the supplier for a stored status (in Swedish)."""
    with translation.override("sv"):
        return outcome_message(CatalogueVersion(status=status))[1]


def _answers(base_url: str) -> bool:
    try:
        return requests.get(f"{base_url}/sv/", timeout=5).status_code == 200
    except requests.RequestException:
        return False


class Walk:
    """The browser side of the journey: one context (one person) per role, screenshots per role."""

    def __init__(self, journey: Journey, browser, kill_worker: Callable[[], None], enqueue_load: Callable[[], None]):
        self.journey = journey
        self.browser = browser
        self.kill_worker = kill_worker
        self.enqueue_load = enqueue_load
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def person(self, username: str):
        """A fresh browser (Swedish locale) signed in as `username` on /sv/logga-in/; returns the tab."""
        context = self.browser.new_context(
            base_url=self.journey.base_url, locale="sv-SE", viewport={"width": 1280, "height": 900}
        )
        context.route("**/*", _block_the_internet)
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        tab.on("dialog", lambda dialog: dialog.accept())  # Wagtail's "leave with unsaved changes?"
        tab.goto("/sv/logga-in/")
        tab.fill("#id_username", username)
        tab.fill("#id_password", self.journey.password)
        tab.get_by_role("button", name="Logga in").click()
        tab.wait_for_url(lambda url: "/logga-in/" not in url)
        tab.wait_for_load_state()
        self.journey.landings[username] = tab.url.removeprefix(self.journey.base_url)
        return tab

    def screenshot(self, tab, name: str) -> None:
        tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def upload(self, tab, path: Path) -> int:
        tab.goto(f"/sv/leverantor/kataloger/{self.journey.catalogue_id}/")
        tab.set_input_files("input[name=file]", str(path))
        tab.get_by_role("button", name="Ladda upp").click()
        tab.wait_for_url(re.compile(r"/leverantor/versioner/\d+/$"), timeout=STEP_TIMEOUT * 1000)
        version = re.search(r"/versioner/(\d+)/", tab.url)
        assert version is not None, tab.url
        return int(version.group(1))

    def record_outcome(self, tab, name: str, version_id: int) -> None:
        """The messages on the version page now, and the status stored at the same moment."""
        self.journey.outcomes[name] = {
            "messages": tab.locator("ul.messages li").all_inner_texts(),
            "stored": self.journey.version(version_id)["status"],
            "badge": tab.locator("main .facts .status").first.get_attribute("class"),
        }

    def wait_for_badge(self, tab, status: str) -> None:
        # The version page polls while the import runs and reloads itself when it ends.
        tab.wait_for_selector(f"main .facts .status--{status}", timeout=STEP_TIMEOUT * 1000)

    # -- the steps ------------------------------------------------------------------------------

    def supplier_uploads(self) -> None:
        journey = self.journey
        tab = self.supplier = self.person("leverantor")
        self.screenshot(tab, "1-leverantor-portal")

        small = journey.small_version_id = self.upload(tab, journey.var_dir / "liten.xml")
        self.record_outcome(tab, "small", small)

        large = journey.large_version_id = self.upload(tab, journey.var_dir / "stor.xml")
        self.record_outcome(tab, "large", large)
        wait_for(lambda: journey.version(large)["progress_percent"] > 0, 60, "the worker to start the large import")
        self.kill_worker()
        self.wait_for_badge(tab, Status.FAILED)
        journey.large_after_kill = {
            **journey.version(large),
            "messages": tab.locator("ul.messages li").all_inner_texts(),
            "retry_button": tab.get_by_role("button", name="Försök igen").count(),
        }
        self.screenshot(tab, "2-leverantor-import-avbruten")

        with tab.expect_navigation():
            tab.get_by_role("button", name="Försök igen").click()
        self.record_outcome(tab, "large_retried", large)
        self.wait_for_badge(tab, Status.PENDING_REVIEW)
        self.record_outcome(tab, "large_after_retry", large)
        journey.large_final = journey.version(large)
        journey.small_final = journey.version(small)
        tab.goto(f"/sv/leverantor/versioner/{small}/")
        journey.small_page_status = tab.locator("main .facts .status").first.inner_text()
        self.screenshot(tab, "3-leverantor-ersatt-version")

    def reviewer_approves(self) -> None:
        journey = self.journey
        tab = self.person("katalogansvarig")
        self.screenshot(tab, "4-katalogansvarig-granskning")
        version = journey.large_version_id
        tab.locator(f"a[href$='/granskning/{version}/']").first.click()
        tab.wait_for_url(re.compile(rf"/granskning/{version}/$"))
        # The worker imports other suppliers' catalogues while the web server publishes this one.
        self.enqueue_load()
        wait_for(
            lambda: journey.query(
                "SELECT id FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = 'catalogue.intake.process_catalogue_version' AND status = 'RUNNING'"
            ),
            STEP_TIMEOUT,
            "the worker to start the other suppliers' imports",
        )
        started = utc_now()
        tab.get_by_role("button", name="Godkänn och publicera").click()
        tab.wait_for_selector("main .facts .status--published", timeout=STEP_TIMEOUT * 1000)
        journey.approval_window = (started, utc_now())
        journey.review = {
            "messages": tab.locator("ul.messages li").all_inner_texts(),
            "stored": journey.version(version),
            "reviewer_id": journey.query("SELECT id FROM auth_user WHERE username = 'katalogansvarig'")[0][0],
            "decide_buttons": tab.get_by_role("button", name="Godkänn och publicera").count(),
        }
        self.screenshot(tab, "5-katalogansvarig-godkand")

        tab.goto("/admin/")
        menu_item = tab.get_by_role("link", name="Kataloggranskning")
        self.screenshot(tab, "5b-katalogansvarig-admin")
        menu_item.first.click()
        tab.wait_for_url(re.compile(r"/granskning/$"))
        journey.review["from_admin"] = tab.url.removeprefix(journey.base_url)
        journey.review["from_admin_heading"] = tab.locator("h1").inner_text()

    def buyer_finds(self) -> None:
        journey = self.journey
        tab = self.person("bestallare")

        def found() -> bool:
            tab.fill("#search-q", SEARCHED_QUERY)
            with tab.expect_navigation():
                tab.locator("#search-q").press("Enter")
            return SEARCHED_ITEM_ID in " ".join(tab.locator(".result-list").all_inner_texts())

        started = time.monotonic()
        wait_for(found, STEP_TIMEOUT, "the approved item in the buyer's search", interval=1)
        journey.buyer = {
            "seconds": round(time.monotonic() - started, 1),
            "url": tab.url.removeprefix(journey.base_url),
            "first_result": tab.locator(".result-list .result").first.inner_text(),
        }
        self.screenshot(tab, "6-bestallare-sok")

    def supplier_cuts_a_price(self) -> None:
        journey = self.journey
        tab = self.supplier
        version = journey.price_cut_version_id = self.upload(tab, journey.var_dir / "prissankning.xml")
        self.record_outcome(tab, "price_cut", version)
        self.wait_for_badge(tab, Status.PUBLISHED)
        self.record_outcome(tab, "price_cut_done", version)
        journey.price_cut = {
            **journey.version(version),
            "page": tab.locator("main").inner_text(),
            "previous": journey.version(journey.large_version_id)["status"],
        }
        self.screenshot(tab, "7-leverantor-automatiskt-godkand")

    def editor_submits(self) -> None:
        journey = self.journey
        tab = self.person("redaktor")
        self.screenshot(tab, "8-redaktor-admin")
        page_id, live_title = journey.query(
            "SELECT p.id, p.title FROM wagtailcore_page p "
            "JOIN django_content_type t ON t.id = p.content_type_id "
            "JOIN wagtailcore_locale l ON l.id = p.locale_id "
            "WHERE t.model = 'guidancepage' AND l.language_code = 'sv' AND p.live ORDER BY p.path LIMIT 1"
        )[0]
        # First a forged publish: the edit form with "action-publish" added, as if the button were there.
        tab.goto(f"/admin/pages/{page_id}/edit/")
        publish_buttons = tab.locator("button[name='action-publish']").count()
        tab.fill("#id_title", f"{live_title} (publicerad utan granskning)")
        with tab.expect_navigation():
            tab.evaluate(
                """() => {
                    const form = document.querySelector('#page-edit-form');
                    const forged = document.createElement('input');
                    forged.type = 'hidden'; forged.name = 'action-publish'; forged.value = 'action-publish';
                    form.appendChild(forged);
                    form.requestSubmit();
                }"""
            )
        forged = journey.query(
            "SELECT title, live, has_unpublished_changes FROM wagtailcore_page WHERE id = ?", (page_id,)
        )[0]
        # Then the way the admin offers: submit the change for moderation.
        tab.goto(f"/admin/pages/{page_id}/edit/")
        tab.fill("#id_title", f"{live_title} (ändrad)")
        submit = tab.locator("button[name='action-submit']").first
        submit_label = submit.inner_text() if submit.count() else ""
        if not submit.is_visible():  # in the action menu's "more actions" dropdown, under "Spara utkast"
            tab.locator(".w-dropdown-button", has=submit).locator(".w-dropdown__toggle").first.click()
        with tab.expect_navigation():
            submit.click()
        self.screenshot(tab, "9-redaktor-skickad-till-granskning")
        workflow = journey.query(
            "SELECT status FROM wagtailcore_workflowstate WHERE object_id = ? ORDER BY id DESC", (str(page_id),)
        )
        journey.editor = {
            "page_id": page_id,
            "live_title": live_title,
            "publish_buttons": publish_buttons,
            "submit_label": submit_label,
            "workflow": workflow,
            "after_forged_publish": forged,
            "after": journey.query(
                "SELECT title, live, has_unpublished_changes FROM wagtailcore_page WHERE id = ?", (page_id,)
            )[0],
        }


@pytest.fixture(scope="module")
def journey(tmp_path_factory, browser) -> Journey:
    var_dir = tmp_path_factory.mktemp("journey-var")
    port = free_port()
    environment = hub_environment(var_dir, port)
    state = Journey(var_dir=var_dir, log_path=var_dir / "serve.log", base_url=f"http://127.0.0.1:{port}")
    setup_started = time.monotonic()
    # The hub's database is migrated and seeded in one process while this one writes the files.
    seeding = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.core.management import call_command; "
            "from catalogue.models import Agreement, Catalogue; from hub.organisations.models import Supplier; "
            "call_command('migrate', interactive=False, verbosity=0); "
            "call_command('seed_hub', no_catalogues=True); "
            f"Catalogue.objects.get_or_create(agreement=Agreement.objects.get(reference='{AGREEMENT}'), "
            f"supplier=Supplier.objects.get(orgnr='{SUPPLIER.orgnr}'))",
        ],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    catalogue_file(var_dir / "liten.xml", generated(20, seed=3))
    large = large_items()
    catalogue_file(var_dir / "stor.xml", large)
    catalogue_file(var_dir / "prissankning.xml", price_cut(large))
    load_files = [
        (
            party.orgnr,
            reference,
            catalogue_file(var_dir / f"last-{n}.xml", generated(LOAD_LINES, 7 + n), party, reference),
        )
        for n, (party, reference) in enumerate(LOAD)
    ]
    output, _ = seeding.communicate(timeout=300)
    assert seeding.returncode == 0, output
    ((state.catalogue_id,),) = state.query("SELECT id FROM catalogue_catalogue")
    state.password = (var_dir / "demo-password.txt").read_text().strip()
    state.durations["setup"] = round(time.monotonic() - setup_started, 1)

    def kill_worker() -> None:
        pid = worker_pid(state)
        assert pid is not None, "serve.sh's log names no task worker"
        state.killed_worker_pid = pid
        os.kill(state.killed_worker_pid, signal.SIGKILL)
        wait_for(
            lambda: (worker_pid(state) or state.killed_worker_pid) != state.killed_worker_pid,
            30,
            "serve.sh to start the worker again",
        )
        state.worker_restarted = True

    def enqueue_load() -> None:
        # Large imports of the other demo suppliers' catalogues, queued through the hub's own code.
        script = "; ".join(
            [
                "from catalogue.intake import import_file",
                "from catalogue.models import Agreement",
                "from hub.organisations.models import Supplier",
                *(
                    f"print('load-version', import_file('{path}', background=True, "
                    f"agreement=Agreement.objects.get(reference='{reference}'), "
                    f"supplier=Supplier.objects.get(orgnr='{orgnr}')).pk)"
                    for orgnr, reference, path in load_files
                ),
            ]
        )
        output = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=REPO_ROOT,
            env=environment,
            check=True,
            capture_output=True,
            text=True,
            timeout=240,
        ).stdout
        state.load_version_ids = [int(pk) for pk in re.findall(r"^load-version (\d+)$", output, re.MULTILINE)]

    with state.log_path.open("w") as log:
        server = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=REPO_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    walk = Walk(state, browser, kill_worker, enqueue_load)
    try:
        started = time.monotonic()
        wait_for(lambda: _answers(state.base_url), START_TIMEOUT, "the hub to answer")
        state.durations["hub start"] = round(time.monotonic() - started, 1)
        steps = [
            ("supplier uploads", walk.supplier_uploads),
            ("reviewer approves", walk.reviewer_approves),
            ("buyer finds", walk.buyer_finds),
            ("supplier cuts a price", walk.supplier_cuts_a_price),
            ("editor submits", walk.editor_submits),
            ("queue drains", lambda: _wait_for_an_empty_queue(state)),
        ]
        for name, step in steps:
            started = time.monotonic()
            try:
                step()
            except Exception:
                state.failed_step, state.failure = name, traceback.format_exc()
                break
            finally:
                state.durations[name] = round(time.monotonic() - started, 1)
            state.steps_done.append(name)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        for context in browser.contexts:
            context.close()
    (SCREENSHOTS / "durations.txt").write_text("".join(f"{k}: {v} s\n" for k, v in state.durations.items()))
    state.tasks_left = state.query(
        "SELECT task_path, status FROM django_tasks_database_dbtaskresult WHERE status IN ('RUNNING', 'READY')"
    )
    return state


def _wait_for_an_empty_queue(state: Journey) -> None:
    wait_for(
        lambda: (
            not state.query("SELECT id FROM django_tasks_database_dbtaskresult WHERE status IN ('RUNNING', 'READY')")
        ),
        STEP_TIMEOUT,
        "the worker to finish every queued task",
        interval=0.5,
    )


# -- the supplier --------------------------------------------------------------------------------


def test_each_role_lands_where_it_works(journey):
    journey.require("editor submits")
    assert journey.landings == {
        "leverantor": "/sv/leverantor/",
        "katalogansvarig": "/sv/granskning/",
        "bestallare": "/sv/sok/",
        "redaktor": "/admin/",
    }


def test_each_upload_gives_one_message_that_matches_its_stored_state(journey):
    journey.require("supplier cuts a price")
    for name, outcome in journey.outcomes.items():
        # The page a background import reloads into carries the status only (its message was shown once).
        shown = outcome["messages"]
        if name in {"large_after_retry", "price_cut_done"}:
            assert shown == [], (name, outcome)
        else:
            assert shown == [expected_message(outcome["stored"])], (name, outcome)
        badge = outcome["badge"].split("status--")[-1]
        if outcome["stored"] in Status.IN_PROGRESS:  # the import may have moved on since the page was drawn
            assert badge in Status.IN_PROGRESS, (name, outcome)
        else:
            assert badge == outcome["stored"], (name, outcome)
    assert journey.outcomes["small"]["stored"] == Status.PENDING_REVIEW  # a first version always waits
    assert journey.outcomes["large"]["stored"] in Status.IN_PROGRESS  # the worker imports it


def test_serve_sh_restarts_a_killed_worker_and_says_why(journey):
    journey.require("supplier uploads")
    assert journey.worker_restarted
    assert re.search(r"task worker stopped: killed by signal KILL", journey.log())


def test_the_interrupted_import_fails_visibly_and_can_be_retried_to_the_end(journey):
    journey.require("supplier uploads")
    after_kill = journey.large_after_kill
    assert after_kill["status"] == Status.FAILED, after_kill
    assert after_kill["retry_button"] == 1
    assert after_kill["messages"] == []  # the status says it; no second, older message
    interrupted = journey.query(
        "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'catalogue.intake.process_catalogue_version'"
    )
    assert ("FAILED", "hub.tasks.TaskInterrupted") in interrupted
    assert journey.large_final["status"] == Status.PENDING_REVIEW


def test_the_large_upload_supersedes_the_waiting_small_one_and_both_pages_say_so(journey):
    journey.require("supplier uploads")
    assert journey.small_final["status"] == Status.SUPERSEDED
    assert journey.small_final["superseded_by_id"] == journey.large_version_id
    number = journey.query("SELECT number FROM catalogue_catalogueversion WHERE id = ?", (journey.large_version_id,))
    assert journey.small_page_status == f"Ersatt av version {number[0][0]}"


# -- the reviewer --------------------------------------------------------------------------------


def test_the_reviewer_approves_and_the_page_confirms(journey):
    journey.require("reviewer approves")
    review = journey.review
    assert review["stored"]["status"] == Status.PUBLISHED
    assert review["stored"]["reviewed_by_id"] == review["reviewer_id"]
    assert len(review["messages"]) == 1 and review["messages"][0].startswith("Godkänd och publicerad"), review
    assert review["decide_buttons"] == 0


def test_the_worker_was_busy_while_the_reviewer_approved(journey):
    journey.require("queue drains")
    assert len(journey.load_version_ids) == len(LOAD)
    started, ended = journey.approval_window
    overlapping = journey.query(
        "SELECT id FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'catalogue.intake.process_catalogue_version' AND started_at <= ? AND finished_at >= ?",
        (ended, started),
    )
    assert overlapping, "no import ran in the worker while the reviewer's approval was published"
    for pk in journey.load_version_ids:
        assert journey.version(pk)["status"] == Status.PENDING_REVIEW  # first versions, all lines imported


def test_the_reviewer_reaches_review_from_the_wagtail_admin(journey):
    journey.require("reviewer approves")
    assert journey.review["from_admin"] == "/sv/granskning/"
    assert journey.review["from_admin_heading"] == "Granskning av kataloger"


# -- the buyer -----------------------------------------------------------------------------------


def test_the_buyer_finds_the_newly_approved_item_in_swedish(journey):
    journey.require("buyer finds")
    assert journey.buyer["url"].startswith("/sv/sok/?")
    assert SEARCHED_NAME in journey.buyer["first_result"], journey.buyer
    assert SEARCHED_ITEM_ID in journey.buyer["first_result"]


# -- auto-approval -------------------------------------------------------------------------------


def test_a_price_cut_is_published_without_review_and_says_so(journey):
    journey.require("supplier cuts a price")
    price_cut = journey.price_cut
    assert price_cut["status"] == Status.PUBLISHED
    assert price_cut["reviewed_by_id"] is None
    assert price_cut["review_comment_code"] == AUTO_APPROVED
    with translation.override("sv"):
        assert str(REVIEW_COMMENTS[AUTO_APPROVED]) in price_cut["page"]  # "Godkänd automatiskt …"
    assert price_cut["previous"] == Status.SUPERSEDED


# -- the editor ----------------------------------------------------------------------------------


def test_the_editor_submits_for_moderation_and_cannot_publish(journey):
    journey.require("editor submits")
    editor = journey.editor
    assert editor["publish_buttons"] == 0
    assert "Granskning av vägledning" in editor["submit_label"], editor  # the seed's moderation workflow
    assert editor["workflow"] and editor["workflow"][0][0] == "in_progress", editor
    # The live page is unchanged: the forged publish was kept as a draft, the submission waits for a moderator.
    assert editor["after_forged_publish"] == (editor["live_title"], 1, 1), editor
    assert editor["after"] == (editor["live_title"], 1, 1), editor


# -- the end -------------------------------------------------------------------------------------


def test_no_task_is_left_running_or_waiting(journey):
    journey.require("queue drains")
    assert journey.tasks_left == []


def test_the_server_and_worker_logs_have_no_error_responses_or_tracebacks(journey):
    log = journey.log()
    assert "Traceback" not in log
    assert not re.search(r'" 5\d\d ', log), [line for line in log.splitlines() if re.search(r'" 5\d\d ', line)]
