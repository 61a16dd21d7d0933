"""Seeding turns the organisation's text into the sv/en page tree, word for word, and only once."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import html as lxml_html
from wagtail.models import Page, Site

from hub.guidance.models import GuidancePage, HomePage
from hub.guidance.seeding import (
    CONTENT_DIR,
    ILLUSTRATION_MARKERS,
    GuidanceSeedError,
    parse_guidance,
    seed_guidance,
)
from hub.guidance.tests.fixtures import read_source

SHARED_CONTENT = Path(__file__).resolve().parents[3].parent / "shared" / "content" / "e-handel.sv.md"


def _text_of(response) -> str:
    """Visible text of the page's <main>, whitespace collapsed."""
    tree = lxml_html.fromstring(response.content)
    main = tree.get_element_by_id("main")
    return " ".join(" ".join(main.itertext()).split())


def test_the_copy_matches_the_organisations_text():
    if not SHARED_CONTENT.exists():
        pytest.skip(f"{SHARED_CONTENT} not found (a user's clone has no ../shared)")
    assert (CONTENT_DIR / "e-handel.sv.md").read_bytes() == SHARED_CONTENT.read_bytes()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_heading_becomes_a_page_with_that_title_in_its_place(guidance_pages, language):
    source = read_source(language)
    pages = guidance_pages[language]
    assert [p.title for p in pages] == [h.title for h in source], "pages in document order, one per heading"
    by_title = {p.title: p for p in pages}
    for heading in source:
        page = by_title[heading.title]
        assert page.live
        assert page.depth == heading.level + 1  # the tree root is depth 1
        if heading.parent is None:
            assert isinstance(page, HomePage)
            assert Site.objects.get(is_default_site=True).root_page.get_translations(inclusive=True).filter(pk=page.pk)
        else:
            assert isinstance(page, GuidancePage)
            assert page.get_parent().title == heading.parent


@pytest.mark.parametrize("language", ["sv", "en"])
def test_paragraphs_and_list_items_are_word_for_word(client, guidance_pages, language):
    source = read_source(language)
    for heading, page in zip(source, guidance_pages[language], strict=True):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        text = _text_of(response)
        for paragraph in heading.paragraphs:
            assert html.unescape(paragraph) in text, f"{page.title}: paragraph missing or changed"
        items = [
            " ".join(" ".join(li.itertext()).split())
            for li in lxml_html.fromstring(response.content).xpath("//section[contains(@class, 'fact-list')]//li")
        ]
        assert items == list(heading.list_items), f"{page.title}: list items differ"
        figures = lxml_html.fromstring(response.content).xpath("//figure[contains(@class, 'process-figure')]")
        assert len(figures) == int(heading.has_illustration), f"{page.title}: illustration misplaced"
        if heading.has_illustration:
            assert ILLUSTRATION_MARKERS[language] in text


def test_every_swedish_page_has_its_english_translation(guidance_pages):
    for sv_page, en_page in zip(guidance_pages["sv"], guidance_pages["en"], strict=True):
        assert sv_page.translation_key == en_page.translation_key
        assert [p.pk for p in sv_page.get_translations()] == [en_page.pk]
        assert sv_page.locale.language_code == "sv" and en_page.locale.language_code == "en"
        assert sv_page.url.startswith("/sv/") and en_page.url.startswith("/en/")


def test_seeding_twice_adds_nothing_and_keeps_editor_changes(seeded_guidance):
    assert seeded_guidance["created"] == 2 * len(read_source("sv"))
    page = GuidancePage.objects.get(title="Organisation", locale__language_code="sv")
    page.title = "Organisation och roller"
    page.save_revision().publish()
    pages_before = Page.objects.count()

    again = seed_guidance()

    assert again["created"] == 0
    assert again["existing"] == seeded_guidance["created"]
    assert again["site"] == "kept" and again["workflow"] == "kept"
    assert Page.objects.count() == pages_before
    page.refresh_from_db()
    assert page.title == "Organisation och roller"


def test_the_welcome_page_is_replaced_by_the_start_page(seeded_guidance):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.locale.language_code == "sv"
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()
    assert Site.objects.count() == 1


def test_start_pages_answer_in_both_languages(client, seeded_guidance):
    for language, title in (("sv", read_source("sv")[0].title), ("en", read_source("en")[0].title)):
        response = client.get(f"/{language}/")
        assert response.status_code == 200
        assert f"<h1>{title}</h1>" in response.content.decode()


def test_the_command_reports_counts(db, capsys):
    call_command("seed_guidance")
    first = capsys.readouterr().out
    call_command("seed_guidance")
    second = capsys.readouterr().out
    assert f"{2 * len(read_source('sv'))} nya sidor" in first
    assert "0 nya sidor" in second


def test_a_missing_source_file_is_one_clear_line(db, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("seed_guidance", content_dir=tmp_path)
    message = str(error.value)
    assert "saknas" in message and "missing" in message and str(tmp_path) in message
    assert "\n" not in message
    assert not Page.objects.filter(depth__gte=2, content_type__app_label="guidance").exists()


def test_english_text_must_have_the_same_shape(db, tmp_path):
    (tmp_path / "e-handel.sv.md").write_text("# A\n\ntext\n\n## B\n\ntext\n", encoding="utf-8")
    (tmp_path / "e-handel.en.md").write_text("# A\n\ntext\n", encoding="utf-8")
    with pytest.raises(GuidanceSeedError, match="same headings"):
        seed_guidance(tmp_path)


class TestParser:
    def test_levels_lists_and_the_marker(self):
        tree = parse_guidance(
            "<!-- note -->\n# Start\n\nEtt & två.\n\nTre.\n\n## Under\n\n- a\n- b *c*\n\nBILD\n\n### Djup\n\nText.\n",
            "BILD",
        )
        assert tree.title == "Start"
        assert tree.blocks == [{"type": "text", "value": "<p>Ett &amp; två.</p><p>Tre.</p>"}]
        under = tree.children[0]
        assert [b["type"] for b in under.blocks] == ["facts", "process"]
        assert under.blocks[0]["value"]["items"] == ["a", "b *c*"]
        assert under.blocks[1]["value"]["heading"] == "BILD"
        assert under.children[0].title == "Djup" and under.children[0].level == 3

    def test_benefit_lists_are_marked_as_benefits(self):
        tree = parse_guidance("# S\n\n## Fördelar för alla\n\n- x\n", "BILD")
        assert tree.children[0].blocks[0]["value"]["style"] == "benefits"

    @pytest.mark.parametrize(
        "text",
        [
            "Ingen rubrik\n",
            "# A\n\n# B\n",
            "# A\n\n### Hoppar över en nivå\n",
            "# A\n\n#### För djup\n",
            "",
        ],
    )
    def test_bad_structure_is_refused_in_both_languages(self, text):
        with pytest.raises(GuidanceSeedError) as error:
            parse_guidance(text, "BILD")
        assert " / " in str(error.value)
