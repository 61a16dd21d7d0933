"""Guidance fixtures: the seeded sv/en page tree, and the expected shape read from the source text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.guidance.seeding import CONTENT_DIR, ILLUSTRATION_MARKERS


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


@pytest.fixture
def seeded_guidance(db) -> dict:
    from hub.guidance.seeding import seed_guidance

    return seed_guidance()


@pytest.fixture
def guidance_pages(seeded_guidance):
    """{language: [specific pages of that locale in tree order]}."""
    from wagtail.models import Page

    pages = Page.objects.filter(depth__gte=2).order_by("path")
    return {language: [p.specific for p in pages.filter(locale__language_code=language)] for language in ("sv", "en")}
