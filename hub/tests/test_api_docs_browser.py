"""/api/v1/docs: Swagger UI from the hub's own static files, in Chromium with the internet blocked."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
    e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')));
"""


def test_the_api_docs_load_offline_without_csp_violations(browser_page, axe):
    page = browser_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(WATCH_VIOLATIONS)
    response = page.goto("/api/v1/docs")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock").first.wait_for()
    page.wait_for_load_state("networkidle")
    text = page.locator("#swagger-ui").inner_text()
    assert "/api/v1/search" in text and "/api/v1/catalogues/{agreement_ref}/versions" in text
    assert page.evaluate("window.__cspViolations") == []
    outside = [
        url
        for url in requested
        if urlsplit(url).hostname not in {"127.0.0.1", "localhost"} and not url.startswith("data:")
    ]
    assert outside == []
    axe(page)
    # An operation opened: its parameters, responses and their schemas.
    page.locator(".opblock-summary-control").first.click()
    page.locator(".opblock-body").first.wait_for()
    axe(page)
    assert page.evaluate("window.__cspViolations") == []
