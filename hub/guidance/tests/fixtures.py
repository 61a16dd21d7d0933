"""Guidance fixtures: the seeded sv/en page tree, and the expected shape read from the source text."""

from __future__ import annotations

import itertools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, transaction
from wagtail.models import Page

from hub.guidance.seeding import CONTENT_DIR, ILLUSTRATION_MARKERS, SeedResult, seed_guidance


@dataclass(frozen=True)
class SourceHeading:
    level: int
    title: str
    parent: str | None
    paragraphs: tuple[str, ...]
    list_items: tuple[str, ...]
    has_illustration: bool


def read_source(language: str, content_dir: Path = CONTENT_DIR) -> list[SourceHeading]:
    """Read the markdown line by line, independently of the seeding parser, so tests check it."""
    text = (content_dir / f"e-handel.{language}.md").read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    headings: list[dict] = []
    open_by_level: dict[int, str] = {}
    for line in text.splitlines():
        line = line.strip()
        match = re.match(r"^(#{1,3}) (.+)$", line)
        if match:
            level = len(match.group(1))
            title = match.group(2).strip()
            parent = open_by_level.get(level - 1)
            open_by_level[level] = title
            headings.append(
                {"level": level, "title": title, "parent": parent, "paragraphs": [], "items": [], "ill": False}
            )
        elif line.startswith("- "):
            headings[-1]["items"].append(line[2:].strip())
        elif line == ILLUSTRATION_MARKERS[language]:
            headings[-1]["ill"] = True
        elif line:
            headings[-1]["paragraphs"].append(line)
    return [
        SourceHeading(h["level"], h["title"], h["parent"], tuple(h["paragraphs"]), tuple(h["items"]), h["ill"])
        for h in headings
    ]


SHARED_TREE_USERS = ("seeded_guidance",)


def _module_commits(module_items) -> bool:
    """A transactional test (live server) commits: it cannot run inside the module's open transaction."""
    return any({"transactional_db", "live_server"} & set(item.fixturenames) for item in module_items)


@pytest.fixture(scope="module")
def _guidance_tree(request, django_db_setup, django_db_blocker):
    """The seeded tree, built once per test module (seeding takes 3-4 s) in a transaction rolled back
    when the module ends.

    Each test runs in a savepoint inside it (pytest-django's `db`), so what one test changes is undone
    before the next. Tests that do not use the tree run before it is built (pytest_collection_modifyitems
    below). A module with transactional tests, or a tree asked for from inside a running test, gets
    None: seeded_guidance then seeds for each test, as before.
    """
    module_items = [item for item in request.session.items if item.module is request.module]
    if _module_commits(module_items) or connection.in_atomic_block:
        yield None
        return
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            counts = seed_guidance()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield counts
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded_guidance(_guidance_tree, db) -> SeedResult:
    """The seeded sv/en guidance tree and the seeding's counts."""
    if _guidance_tree is not None:
        return _guidance_tree.copy()
    return seed_guidance()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items) -> None:
    """In each run of a module's tests, those without the shared guidance tree go first: it stays until
    the module ends. Runs after pytest-django's ordering (database tests before transactional ones,
    which flush the database) and keeps it: only tests next to each other in one module move."""
    reordered = []
    for _path, module_run in itertools.groupby(items, key=lambda item: item.path):
        run = list(module_run)
        uses = [any(name in item.fixturenames for name in SHARED_TREE_USERS) for item in run]
        reordered += [item for item, used in zip(run, uses, strict=True) if not used]
        reordered += [item for item, used in zip(run, uses, strict=True) if used]
    items[:] = reordered


@pytest.fixture
def guidance_pages(seeded_guidance):
    """{language: [specific pages of that locale in tree order]}."""
    pages = Page.objects.filter(depth__gte=2).order_by("path")
    return {language: [p.specific for p in pages.filter(locale__language_code=language)] for language in ("sv", "en")}
