"""The login page in a real browser, in Swedish and English: zero axe violations, sign-in works."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hub.organisations.roles import sync_roles
from hub.organisations.tests.fixtures import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("HUB_SCREENSHOT_DIR", "var/screenshots"))


@pytest.fixture
def buyer(transactional_db, django_user_model):
    sync_roles()  # a transactional test starts from a flushed database
    return make_user(django_user_model, "bestallare", "Beställare")


@pytest.mark.parametrize(
    ("language", "login", "heading", "landing", "signed_in_as"),
    [
        ("sv", "/sv/logga-in/", "Logga in", "/sv/sok/", "Inloggad som bestallare"),
        ("en", "/en/sign-in/", "Sign in", "/en/search/", "Signed in as bestallare"),
    ],
)
def test_login_page_is_accessible_and_signs_in(
    live_server, browser_page, axe, buyer, language, login, heading, landing, signed_in_as
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    response = browser_page.goto(login)
    assert response.status == 200
    assert browser_page.locator("html").get_attribute("lang") == language
    assert browser_page.get_by_role("heading", level=1).text_content() == heading
    axe(browser_page)
    browser_page.screenshot(path=str(SCREENSHOTS / f"login-{language}.png"), full_page=True)

    # A wrong password: the error is announced, and the page is still accessible.
    browser_page.get_by_label("Användarnamn" if language == "sv" else "Username").fill("bestallare")
    browser_page.get_by_label("Lösenord" if language == "sv" else "Password").fill("fel")
    browser_page.get_by_role("button", name=heading).click()
    assert browser_page.get_by_role("alert").count() == 1
    axe(browser_page)

    browser_page.get_by_label("Lösenord" if language == "sv" else "Password").fill("test-password-1")
    browser_page.get_by_role("button", name=heading).click()
    browser_page.wait_for_url(f"**{landing}")
    assert signed_in_as in browser_page.locator("header").text_content()

    # The buyer opens the supplier portal: the styled 403, in the page's language, accessible.
    response = browser_page.goto(f"/{language}/leverantor/")
    assert response.status == 403
    assert browser_page.locator("html").get_attribute("lang") == language
    axe(browser_page)
    browser_page.screenshot(path=str(SCREENSHOTS / f"403-{language}.png"), full_page=True)

    # Sign out from the header.
    browser_page.get_by_role("button", name="Logga ut" if language == "sv" else "Sign out").click()
    browser_page.wait_for_url(f"**{login}")
    assert signed_in_as not in browser_page.locator("header").text_content()
