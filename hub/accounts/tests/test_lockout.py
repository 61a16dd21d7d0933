"""Login throttling (django-axes) on the hub's login, the Wagtail admin login and Django's admin login."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-1"

LOGINS = ["/sv/logga-in/", "/admin/login/", "/django-admin/login/"]


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True  # the test settings keep it off for every other test


@pytest.fixture
def staff_administrator(administrator_user):
    administrator_user.is_staff = True  # Django's admin needs it
    administrator_user.save()
    return administrator_user


def attempt(client, url, username, password, ip="192.0.2.10"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", LOGINS)
def test_twenty_wrong_passwords_then_the_right_one_is_refused_until_the_cool_off_ends(client, staff_administrator, url):
    username = staff_administrator.username
    for _ in range(20):
        attempt(client, url, username, "wrong-password")
    refused = attempt(client, url, username, PASSWORD)
    assert refused.status_code == 429
    assert not signed_in(client)
    page = refused.content.decode()
    assert "För många inloggningsförsök" in page and '<html lang="sv">' in page
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"Försök igen om {minutes} minuter." in page

    # The cool-off passes.
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME)
    accepted = attempt(client, url, username, PASSWORD)
    assert accepted.status_code == 302
    assert signed_in(client)


def test_the_lockout_starts_at_the_failure_limit(client, buyer_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "/sv/logga-in/", buyer_user.username, "wrong").status_code == 200
    assert attempt(client, "/sv/logga-in/", buyer_user.username, "wrong").status_code == 429


def test_the_lockout_page_is_english_on_english_pages(client, buyer_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "/en/sign-in/", buyer_user.username, "wrong")
    page = attempt(client, "/en/sign-in/", buyer_user.username, PASSWORD).content.decode()
    assert '<html lang="en">' in page and "Too many sign-in attempts" in page and "minutes" in page
    assert "inloggningsförsök" not in page


def test_an_attacker_cannot_lock_the_real_user_out(client, buyer_user):
    """Lockout is by username and address together: the user's own address still signs in."""
    for _ in range(20):
        attempt(client, "/sv/logga-in/", buyer_user.username, "wrong", ip="203.0.113.66")
    assert attempt(client, "/sv/logga-in/", buyer_user.username, PASSWORD, ip="203.0.113.66").status_code == 429
    assert attempt(client, "/sv/logga-in/", buyer_user.username, PASSWORD, ip="192.0.2.10").status_code == 302
