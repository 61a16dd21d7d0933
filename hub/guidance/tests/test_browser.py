"""Real browser: axe finds zero WCAG 2.1 AA violations, the keyboard works, the SVG has a name."""

from __future__ import annotations

import pytest

from hub.guidance.models import GuidancePage
from hub.guidance.seeding import seed_guidance
from hub.testing.browser import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded_live(live_server, transactional_db):
    """The guidance tree in the live server's database (a transactional test sees committed rows)."""
    seed_guidance()
    return live_server


def _process_page(language: str) -> GuidancePage:
    return next(
        p
        for p in GuidancePage.objects.filter(locale__language_code=language)
        if any(b.block_type == "process" for b in p.body)
    )


def test_start_page_has_no_violations(seeded_live, browser_page, axe):
    for language in ("sv", "en"):
        response = browser_page.goto(f"/{language}/")
        assert response.status == 200
        assert browser_page.locator("html").get_attribute("lang") == language
        axe(browser_page)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_guidance_pages_have_no_violations(seeded_live, browser_page, axe, language):
    pages = list(GuidancePage.objects.filter(locale__language_code=language).order_by("path"))
    assert pages
    for page in pages:
        response = browser_page.goto(page.url)
        assert response.status == 200, page.url
        axe(browser_page)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_process_svg_has_an_accessible_name(seeded_live, browser_page, language):
    browser_page.goto(_process_page(language).url)
    svg = browser_page.locator("svg.process-svg")
    title = svg.locator("title").text_content().strip()
    desc = svg.locator("desc").text_content().strip()
    assert len(title) > 10 and desc.count("→") == 8
    # The name Chromium computes for assistive technology: role img, named by <title> (+ <desc>).
    snapshot = svg.aria_snapshot()
    assert snapshot.startswith(f'- img "{title}'), snapshot
    assert browser_page.get_by_role("img", name=title).count() == 1
    steps = browser_page.locator("ol.process-steps > li")
    assert steps.count() == 9 and steps.first.is_visible()


def test_tab_reaches_the_skip_link_first_and_enter_moves_to_main(seeded_live, browser_page):
    for language in ("sv", "en"):
        browser_page.goto(f"/{language}/")
        browser_page.keyboard.press("Tab")
        focused = browser_page.evaluate("document.activeElement.className")
        assert focused == "skip-link"
        skip = browser_page.locator(".skip-link")
        assert skip.is_visible(), "the skip link must show when focused"
        browser_page.keyboard.press("Enter")
        assert browser_page.evaluate("document.activeElement.id") == "main"
        # The next Tab continues inside the main content, not back in the header.
        browser_page.keyboard.press("Tab")
        assert browser_page.evaluate("!!document.activeElement.closest('main')")


def test_focus_is_visible_on_links(seeded_live, browser_page):
    browser_page.goto("/sv/")
    browser_page.keyboard.press("Tab")
    browser_page.keyboard.press("Tab")
    outline = browser_page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


def test_admin_login_renders_and_is_accessible(seeded_live, browser_page, axe):
    response = browser_page.goto("/admin/login/")
    assert response.status == 200
    assert browser_page.get_by_label("Användarnamn").count() + browser_page.get_by_label("Username").count() >= 1
    axe(browser_page)


def test_404_page_has_no_violations(seeded_live, browser_page, axe):
    response = browser_page.goto("/sv/finns-inte/")
    assert response.status == 404
    axe(browser_page)


def test_the_axe_checker_catches_violations(browser):
    """Guard against a checker that silently passes everything."""
    tab = browser.new_page()
    try:
        tab.set_content("<!DOCTYPE html><html><body><img src='data:,'><a href='#'></a></body></html>")
        violations = axe_violations(tab)
    finally:
        tab.close()
    ids = {v["id"] for v in violations}
    assert {"image-alt", "html-has-lang", "link-name"} <= ids
    report = format_violations(violations, "about:blank")
    assert "image-alt" in report and "violation(s) on about:blank" in report
