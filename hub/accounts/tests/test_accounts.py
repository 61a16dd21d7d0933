"""Sign-in for every role: where each lands, what each is refused, and how refusals look."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-1"  # hub.organisations.tests.fixtures.make_user

LANDINGS = [
    ("buyer_user", "/sv/sok/"),
    ("supplier_user", "/sv/leverantor/"),
    ("reviewer_user", "/sv/granskning/"),
    ("editor_user", "/admin/"),
    ("administrator_user", "/admin/"),
]


def sign_in(client, user, url="/sv/logga-in/", **extra):
    return client.post(url, {"username": user.username, "password": PASSWORD, **extra})


@pytest.mark.parametrize(("user_fixture", "landing"), LANDINGS)
def test_each_role_signs_in_and_lands_where_it_works(client, request, user_fixture, landing):
    user = request.getfixturevalue(user_fixture)
    assert client.get("/sv/logga-in/").status_code == 200
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


def test_the_english_login_page_is_english_and_keeps_english(client, buyer_user):
    page = client.get("/en/sign-in/").content.decode()
    assert '<html lang="en">' in page and "Sign in" in page and "Logga in" not in page
    assert sign_in(client, buyer_user, "/en/sign-in/")["Location"] == "/en/search/"


def test_a_wrong_password_is_refused_in_the_pages_language(client, buyer_user):
    swedish = client.post("/sv/logga-in/", {"username": buyer_user.username, "password": "fel"})
    assert swedish.status_code == 200 and "error-text" in swedish.content.decode()
    assert "_auth_user_id" not in client.session
    english = client.post("/en/sign-in/", {"username": buyer_user.username, "password": "fel"}).content.decode()
    assert "Please enter a correct username and password" in english


def test_next_wins_when_it_is_safe_and_the_user_may_open_it(client, supplier_user, review_catalogue):
    catalogue_url = reverse("catalogue:catalogue", args=[review_catalogue.pk])
    assert sign_in(client, supplier_user, next=catalogue_url)["Location"] == catalogue_url


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/sv/sok/", "//evil.example/", "/sv/granskning/", "/admin/", "/django-admin/"]
)
def test_next_is_ignored_when_unsafe_or_not_for_this_user(client, buyer_user, next_url):
    assert sign_in(client, buyer_user, next=next_url)["Location"] == "/sv/sok/"


def test_a_signed_in_user_opening_the_login_page_goes_on(client, supplier_user):
    client.force_login(supplier_user)
    assert client.get("/sv/logga-in/")["Location"] == "/sv/leverantor/"
    assert client.get("/sv/logga-in/?next=/sv/sok/")["Location"] == "/sv/sok/"
    # Asked for a page this account may not open: offered to sign in as someone else, no loop.
    response = client.get("/sv/logga-in/?next=/sv/granskning/")
    assert response.status_code == 200
    assert "inte har tillgång till sidan du bad om" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "login"),
    [
        ("/sv/leverantor/", "/sv/logga-in/?next=/sv/leverantor/"),
        ("/en/leverantor/", "/en/sign-in/?next=/en/leverantor/"),
        ("/sv/granskning/", "/sv/logga-in/?next=/sv/granskning/"),
        ("/admin/", "/sv/logga-in/?next=/admin/"),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_with_next(client, url, login):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login


REFUSALS = [
    ("buyer_user", "/sv/leverantor/"),
    ("buyer_user", "/sv/granskning/"),
    ("supplier_user", "/sv/granskning/"),
    ("supplier_user", "/admin/"),
    ("supplier_user", "/admin/pages/"),
    ("buyer_user", "/django-admin/"),
    ("reviewer_user", "/django-admin/"),
    ("reviewer_user", "/sv/leverantor/"),
    ("editor_user", "/sv/granskning/"),
    ("editor_user", "/django-admin/"),
]


@pytest.mark.parametrize(("user_fixture", "url"), REFUSALS)
def test_each_role_is_refused_with_the_styled_403(client, request, user_fixture, url):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="sv">' in page and 'class="site-header"' in page
    assert "Du har inte behörighet till sidan" in page
    assert f"Inloggad som {user.username}" in page  # the header says who is signed in
    assert "Logga in med ett annat konto" in page


def test_a_buyer_opening_the_english_portal_gets_an_english_403(client, buyer_user):
    client.force_login(buyer_user)
    response = client.get("/en/leverantor/")
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "You may not open this page" in page and "behörighet" not in page
    assert 'href="/en/search/"' in page  # back to where a buyer works


@pytest.mark.parametrize(
    ("url", "lang", "heading", "sign_in"),
    [
        ("/sv/finns-inte/", "sv", "Sidan finns inte", "/sv/logga-in/?next=%2Fsv%2Ffinns-inte%2F"),
        ("/en/does-not-exist/", "en", "Page not found", "/en/sign-in/?next=%2Fen%2Fdoes-not-exist%2F"),
    ],
)
def test_404_is_styled_in_the_pages_language(client, seeded_guidance, url, lang, heading, sign_in):
    response = client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page and 'class="site-header"' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'href="{sign_in}"' in page
    other = "Page not found" if lang == "sv" else "Sidan finns inte"
    assert other not in page


def test_the_header_links_sign_in_and_shows_who_is_signed_in(client, buyer_user, seeded_guidance):
    anonymous = client.get("/sv/sok/?q=papper").content.decode()
    assert 'href="/sv/logga-in/?next=%2Fsv%2Fsok%2F%3Fq%3Dpapper"' in anonymous
    # From the start page no page was asked for: each role then lands where it works.
    assert 'href="/en/sign-in/"' in client.get("/en/").content.decode()
    client.force_login(buyer_user)
    signed_in = client.get("/sv/sok/").content.decode()
    assert "Inloggad som bestallare" in signed_in
    assert 'action="/sv/logga-ut/"' in signed_in and "Logga in</a>" not in signed_in


def test_sign_out_is_a_post(client, buyer_user):
    client.force_login(buyer_user)
    assert client.get("/sv/logga-ut/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/sv/logga-ut/")
    assert response["Location"] == "/sv/logga-in/"
    assert "_auth_user_id" not in client.session
    assert "Du har loggat ut." in client.get(response["Location"]).content.decode()
    assert client.post("/en/sign-out/")["Location"] == "/en/sign-in/"


# The Katalogansvarig in the Wagtail admin


def test_the_reviewer_reaches_review_from_the_wagtail_admin(client, reviewer_user):
    client.force_login(reviewer_user)
    admin = client.get(reverse("wagtailadmin_home"))
    assert admin.status_code == 200
    assert '"/sv/granskning/"' in admin.content.decode()


@pytest.mark.parametrize("user_fixture", ["editor_user", "buyer_user"])
def test_the_review_menu_item_is_only_for_reviewers(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))  # the buyer gets the 403 page
    assert "/sv/granskning/" not in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/pages/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/snippets/organisations/buyerorganisation/",
        "/admin/snippets/catalogue/agreement/",
        "/admin/workflows/list/",
        "/admin/reports/locked/",
    ],
)
def test_the_reviewer_sees_nothing_else_in_the_admin(client, reviewer_user, seeded_guidance, url):
    client.force_login(reviewer_user)
    response = client.get(url)
    assert response.status_code in (302, 403, 404), url
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")
