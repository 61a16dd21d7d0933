"""Seed the guidance pages from the organisation's own text, in Swedish and English.

The source is a restricted markdown file (see the comment at its top): "# " is the start
page, "## " a page under it, "### " a page under the "## " above. Paragraphs become rich
text, bullet lists fact lists, and one marker line the process illustration.

Seeding only creates what is missing, so a second run adds nothing and never overwrites
what editors have changed since.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from hub.guidance.models import GuidancePage, HomePage
from hub.organisations.roles import ADMINISTRATOR

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LANGUAGES = ("sv", "en")
ILLUSTRATION_MARKERS = {
    "sv": "Illustration av e-handelsprocessen",
    "en": "Illustration of the e-commerce process",
}
# Lists under these headings are benefits; all other lists are plain facts.
BENEFIT_WORDS = ("fördel", "benefit")
# Stable translation keys: the same Swedish heading path always gives the same page key.
KEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://e-handelshubben.se/guidance")

WORKFLOW_NAME = "Granskning av vägledning"
TASK_NAME = "Granskning av Administratör"
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"


class GuidanceSeedError(Exception):
    """The guidance source is missing or not in the expected shape (message in Swedish and English)."""


@dataclass
class Section:
    level: int
    title: str
    blocks: list[dict] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Section]]:
        """Yield (heading path, section) depth first, in document order."""
        here = (*path, self.title)
        yield here, self
        for child in self.children:
            yield from child.walk(here)


def source_path(language: str, content_dir: Path | None = None) -> Path:
    return (content_dir or Path(getattr(settings, "HUB_GUIDANCE_CONTENT_DIR", CONTENT_DIR))) / f"e-handel.{language}.md"


def parse_guidance(text: str, illustration_marker: str) -> Section:
    """Parse the restricted markdown into a tree of sections with StreamField raw blocks."""
    md = MarkdownIt("commonmark")
    tokens = md.parse(text)
    outline = _Outline()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            outline.add_heading(level=int(token.tag[1]), title=tokens[i + 1].content.strip(), line=_line(token))
            i += 3
            continue
        if token.type == "html_block":  # the explanatory comment at the top
            i += 1
            continue
        current = outline.current_section(_line(token))
        if token.type == "paragraph_open":
            _add_paragraph(current, tokens[i + 1].content, md, illustration_marker)
            i += 3
            continue
        if token.type in LIST_OPENS:
            end = _list_end(tokens, i)
            _add_list(current, tokens[i:end])
            i = end + 1
            continue
        i += 1
    return outline.finished()


LIST_OPENS = ("bullet_list_open", "ordered_list_open")
LIST_CLOSES = ("bullet_list_close", "ordered_list_close")


def _line(token: Token) -> int:
    """The token's line in the source, counted from 1."""
    return (token.map or [0])[0] + 1


class _Outline:
    """The heading tree as it is read: the start page and the open path down to the latest heading."""

    def __init__(self) -> None:
        self.root: Section | None = None
        self.open_path: list[Section] = []

    def add_heading(self, level: int, title: str, line: int) -> None:
        section = Section(level=level, title=title)
        if level == 1:
            if self.root is not None:
                raise GuidanceSeedError(
                    f"Rad {line}: bara en rubrik på nivå 1 är tillåten / Line {line}: only one level-1 heading"
                )
            self.root = section
            self.open_path = [section]
            return
        if self.root is None or level > 3 or level - 1 > len(self.open_path):
            raise GuidanceSeedError(
                f"Rad {line}: rubriken ”{title}” har fel nivå / Line {line}: heading '{title}' is out of place"
            )
        self.open_path = self.open_path[: level - 1]
        self.open_path[-1].children.append(section)
        self.open_path.append(section)

    def current_section(self, line: int) -> Section:
        """The section that text at `line` belongs to; text before the first heading is refused."""
        if self.root is None:
            raise GuidanceSeedError(
                f"Rad {line}: texten måste börja med en rubrik ”# ” / "
                f"Line {line}: the text must start with a '# ' heading"
            )
        return self.open_path[-1]

    def finished(self) -> Section:
        if self.root is None:
            raise GuidanceSeedError("Texten saknar rubrik ”# ” / The text has no '# ' heading")
        return self.root


def _add_paragraph(section: Section, content: str, md: MarkdownIt, illustration_marker: str) -> None:
    """The marker line becomes the process illustration; other paragraphs become rich text."""
    if content.strip() == illustration_marker:
        section.blocks.append({"type": "process", "value": {"heading": illustration_marker}})
        return
    html = f"<p>{md.renderInline(content)}</p>"
    previous = section.blocks[-1] if section.blocks else None
    if previous and previous["type"] == "text":
        previous["value"] += html  # consecutive paragraphs share one rich-text block
    else:
        section.blocks.append({"type": "text", "value": html})


def _list_end(tokens: list[Token], start: int) -> int:
    """The index of the token that closes the list opened at `start` (nested lists included)."""
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index].type in LIST_OPENS:
            depth += 1
        elif tokens[index].type in LIST_CLOSES:
            depth -= 1
            if depth == 0:
                return index
    raise GuidanceSeedError("En lista slutar aldrig / A list never ends")  # markdown-it always closes its lists


def _add_list(section: Section, list_tokens: list[Token]) -> None:
    """Every item's text, nested items included, in one fact list; benefits under a benefit heading."""
    items = [token.content.strip() for token in list_tokens if token.type == "inline"]
    style = "benefits" if any(word in section.title.lower() for word in BENEFIT_WORDS) else "facts"
    section.blocks.append({"type": "facts", "value": {"heading": "", "style": style, "items": items}})


def load_guidance(language: str, content_dir: Path | None = None) -> Section:
    path = source_path(language, content_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GuidanceSeedError(
            f"Vägledningstexten saknas: {path} / The guidance text is missing: {path} (HUB_GUIDANCE_CONTENT_DIR)"
        ) from None
    return parse_guidance(text, ILLUSTRATION_MARKERS[language])


def _shape(section: Section) -> list:
    return [(len(path), [b["type"] for b in s.blocks]) for path, s in section.walk()]


def translation_key(sv_path: tuple[str, ...]) -> uuid.UUID:
    return uuid.uuid5(KEY_NAMESPACE, "/".join(sv_path))


class SeedResult(TypedDict):
    created: int
    existing: int
    site: str  # created, replaced or kept
    workflow: str  # created, replaced or kept


def seed_guidance(content_dir: Path | None = None) -> SeedResult:
    """Create the guidance tree in sv and en, the site, and the moderation workflow.

    Returns counts: {"created": n, "existing": n, "site": "created|replaced|kept", "workflow": ...}.
    """
    trees = {language: load_guidance(language, content_dir) for language in LANGUAGES}
    if _shape(trees["sv"]) != _shape(trees["en"]):
        raise GuidanceSeedError(
            "Den engelska texten har inte samma rubriker och block som den svenska / "
            "The English text does not have the same headings and blocks as the Swedish"
        )
    sv_paths = [path for path, _ in trees["sv"].walk()]
    created = existing = 0
    with transaction.atomic():
        root = Page.get_first_root_node() or _create_tree_root()
        for language in LANGUAGES:
            created_here, existing_here = _seed_language_tree(root, language, trees[language], sv_paths)
            created += created_here
            existing += existing_here
        sv_home = Page.objects.get(translation_key=translation_key(sv_paths[0]), locale__language_code="sv")
        result = SeedResult(
            created=created, existing=existing, site=_ensure_site(sv_home), workflow=ensure_workflow(root)
        )
    Site.clear_site_root_paths_cache()
    return result


def _seed_language_tree(root: Page, language: str, tree: Section, sv_paths: list[tuple[str, ...]]) -> tuple[int, int]:
    """Create one language's missing pages; each page's key comes from its Swedish heading path.

    Returns (pages created, pages already there).
    """
    locale, _ = Locale.objects.get_or_create(language_code=language)
    created = existing = 0
    parents: dict[int, Page] = {}
    for sv_path, (_, section) in zip(sv_paths, tree.walk(), strict=True):
        key = translation_key(sv_path)
        page = Page.objects.filter(translation_key=key, locale=locale).first()
        if page is None:
            parent = root if section.level == 1 else parents[section.level - 1]
            page = _create_page(parent, section, locale, key)
            created += 1
        else:
            existing += 1
        parents[section.level] = page
    return created, existing


def _create_page(parent: Page, section: Section, locale: Locale, key: uuid.UUID) -> Page:
    """A published start page (level 1) or guidance page holding the section's blocks."""
    page_class = HomePage if section.level == 1 else GuidancePage
    page = page_class(
        title=section.title,
        slug=free_slug(parent, slugify(section.title) or "sida"),
        locale=locale,
        translation_key=key,
        body=section.blocks,
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _create_tree_root() -> Page:
    """Wagtail's migration makes the tree root; a flushed database (live-server tests) has none."""
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    return Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


def free_slug(parent: Page, base: str) -> str:
    """`base`, or `base-2`, `base-3`… where a sibling already has it."""
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _ensure_site(home: Page) -> str:
    """Point the default site at the Swedish start page, replacing Wagtail's 'Welcome' page."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=settings.WAGTAIL_SITE_NAME
        )
        return "created"
    if site.root_page_id == home.id:
        return "kept"
    old = site.root_page
    if old.specific_class is not None and issubclass(old.specific_class, HomePage):
        return "kept"  # an editor chose another start page on purpose
    site.root_page = home
    site.site_name = site.site_name or settings.WAGTAIL_SITE_NAME
    site.save()
    # Only Wagtail's untouched placeholder is deleted; a real page is left alone.
    bare_page = ContentType.objects.get_for_model(Page)
    if old.content_type_id == bare_page.id and old.depth == 2 and old.numchild == 0:
        old.delete()
    return "replaced"


def ensure_workflow(root: Page) -> str:
    """Editors submit, an Administratör approves: one workflow on the root covers both languages."""
    approvers, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    _grant_page_permissions(approvers, root)
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
        task.groups.add(approvers)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    assigned, _ = WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": workflow})
    if assigned.workflow_id != workflow.id and assigned.workflow.name == WAGTAIL_DEFAULT_WORKFLOW:
        # Wagtail's migration attaches its untouched default here; an editor's own choice stays.
        assigned.workflow = workflow
        assigned.save()
        return "replaced"
    return "created" if created else "kept"


APPROVER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def _grant_page_permissions(group: Group, root: Page) -> None:
    """Approvers need page permissions to open the page and act on its task in the admin."""
    for codename in APPROVER_PAGE_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label="wagtailcore", codename=codename).first()
        if permission is not None:
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
