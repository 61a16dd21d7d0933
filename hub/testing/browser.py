"""Shared browser fixtures: Playwright driving Debian's Chromium, and an axe-core checker.

Registered project-wide through `pytest_plugins` in the root conftest.py. Tests that use
them are marked `browser`; they skip loudly when Chromium is missing (and fail under CI=true).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import require_service

CHROMIUM = Path(os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# WCAG 2.1 level A and AA, the level Swedish public-sector sites must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the session (Debian's, never a downloaded one)."""
    if not CHROMIUM.exists():
        require_service("Chromium", f"{CHROMIUM} not found; install Debian's chromium package")
    try:
        from playwright.sync_api import Error, sync_playwright  # noqa: PLC0415 (only browser tests need it)
    except ImportError:  # pragma: no cover - playwright is in requirements-dev.txt
        require_service("Playwright", "playwright is not installed (pip install -r requirements-dev.txt)")
    # Playwright's sync API keeps an event loop on this thread; the ORM work done by the
    # test itself (seeding, assertions) is still synchronous and single-threaded.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        except Error as error:
            require_service("Chromium", f"{CHROMIUM} did not start: {str(error).splitlines()[0]}")
        yield chromium
        chromium.close()


def _block_the_internet(route) -> None:
    # Tests must never reach the internet: anything not served locally is refused.
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS or route.request.url.startswith("data:"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def browser_page(browser, live_server) -> Iterator:
    """A fresh tab on the live server (Swedish browser locale), with outside requests blocked."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.route("**/*", _block_the_internet)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def axe_violations(tab, context: str | dict | None = None) -> list[dict]:
    """Run axe-core on the current page and return the WCAG 2.1 A/AA violations."""
    # Imported here, as Playwright is above: without the browser packages only the browser tests skip.
    from axe_playwright_python.sync_playwright import Axe  # noqa: PLC0415

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(tab, context=context, options=options).response["violations"]


def format_violations(violations: list[dict], url: str = "") -> str:
    """A readable listing: rule, impact, what to fix, and where."""
    lines = [f"{len(violations)} WCAG 2.1 AA violation(s){' on ' + url if url else ''}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']} [{violation['helpUrl']}]")
        for node in violation["nodes"][:10]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {', '.join(map(str, node['target']))}: {summary}")
            lines.append(f"       {node.get('html', '')[:160]}")
    return "\n".join(lines)


@pytest.fixture
def axe() -> Callable[..., None]:
    """`axe(tab)` fails the test with a readable listing unless axe finds zero WCAG 2.1 AA violations."""

    def check(tab, context: str | dict | None = None) -> None:
        violations = axe_violations(tab, context)
        if violations:
            pytest.fail(format_violations(violations, tab.url), pytrace=False)

    return check
