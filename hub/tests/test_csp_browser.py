"""The Content-Security-Policy holds: public pages, the supplier portal and Wagtail's admin load in
Chromium without a single violation, and the policy is really sent."""

from __future__ import annotations

import pytest

from catalogue.models import CatalogueVersion
from catalogue.tests.review_fixtures import BASE_ITEMS, make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
    e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));
"""


def visit(page, path: str, problems: list[str]) -> None:
    response = page.goto(path)
    assert response.status < 400, f"{path}: HTTP {response.status}"
    assert "default-src 'self'" in response.headers.get("content-security-policy", ""), path
    page.wait_for_load_state("networkidle")
    problems += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]


@pytest.fixture
def watched_page(browser_page):
    messages: list[str] = []
    browser_page.add_init_script(WATCH_VIOLATIONS)
    browser_page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    browser_page.csp_console = messages
    return browser_page


def test_public_pages_and_the_portal_load_without_csp_violations(
    watched_page, seeded_guidance, review_live_version, supplier_user
):
    page = watched_page
    problems: list[str] = []
    for path in ("/sv/", "/en/", "/sv/leverantor/logga-in/", "/sv/sok/?q=papper"):
        visit(page, path, problems)
    item = page.locator("a[href*='/artikel/']").first
    visit(page, item.get_attribute("href"), problems)
    # A version being checked polls its progress from an inline script, which carries the nonce.
    received = make_version(review_live_version.catalogue, BASE_ITEMS, status=CatalogueVersion.Status.RECEIVED)
    page.goto("/sv/leverantor/logga-in/")
    page.get_by_label("Användarnamn").fill(supplier_user.username)
    page.get_by_label("Lösenord").fill("test-password-1")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    visit(page, f"/sv/leverantor/versioner/{received.pk}/", problems)
    with page.expect_response(lambda r: "framsteg.json" in r.url, timeout=10_000):
        pass  # the nonce'd poller ran
    assert problems == [] and page.csp_console == [], problems + page.csp_console


def test_wagtail_admin_loads_without_csp_violations(watched_page, admin_user, seeded_guidance):
    page = watched_page
    problems: list[str] = []
    page.goto("/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    for path in ("/admin/", "/admin/pages/", "/admin/images/", "/admin/snippets/", "/admin/users/"):
        visit(page, path, problems)
    page.goto("/admin/pages/")
    edit = page.locator("a[href*='/edit/']").first.get_attribute("href")
    visit(page, edit, problems)
    assert problems == [] and page.csp_console == [], problems + page.csp_console
