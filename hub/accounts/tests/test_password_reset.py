"""Password reset by e-mail, the whole way through, in Swedish and in English."""

from __future__ import annotations

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ny-lösenfras-för-hubben-42"


@pytest.fixture
def buyer_with_email(buyer_user):
    buyer_user.email = "bestallare@example.org"
    buyer_user.save()
    return buyer_user


@pytest.mark.parametrize(
    ("lang", "start", "sent", "subject", "done"),
    [
        ("sv", "/sv/logga-in/aterstall/", "/sv/logga-in/aterstall/skickat/", "Nytt lösenord", "Lösenordet är bytt"),
        ("en", "/en/sign-in/reset/", "/en/sign-in/reset/sent/", "New password", "Your password has been changed"),
    ],
)
def test_the_whole_reset_flow(client, settings, buyer_with_email, lang, start, sent, subject, done):
    settings.HUB_BASE_URL = "https://hub.example.org"
    login_page = client.get(f"/{lang}/{'logga-in' if lang == 'sv' else 'sign-in'}/").content.decode()
    assert f'href="{start}"' in login_page

    assert client.get(start).status_code == 200
    response = client.post(start, {"email": "bestallare@example.org"})
    assert response["Location"] == sent
    assert f'<html lang="{lang}">' in client.get(sent).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bestallare@example.org"] and subject in message.subject
    link = re.search(r"https://hub\.example\.org(/\S+/)", message.body).group(1)
    assert link.startswith(start)

    # Django swaps the token for a session one and redirects to the "set-password" form.
    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    finished = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done in finished.content.decode()

    assert client.login(username="bestallare", password=NEW_PASSWORD)
    # The link works once.
    client.logout()
    used = client.get(link, follow=True).content.decode()
    assert 'name="new_password1"' not in used


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, buyer_with_email):
    response = client.post("/sv/logga-in/aterstall/", {"email": "ingen@example.org"})
    assert response["Location"] == "/sv/logga-in/aterstall/skickat/"
    assert mail.outbox == []


def test_a_new_password_lifts_a_lockout(client, settings, buyer_with_email):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/sv/logga-in/", {"username": "bestallare", "password": "fel"})
    assert client.post("/sv/logga-in/", {"username": "bestallare", "password": "fel"}).status_code == 429
    client.post("/sv/logga-in/aterstall/", {"email": "bestallare@example.org"})
    link = re.search(r"(/sv/logga-in/aterstall/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post("/sv/logga-in/", {"username": "bestallare", "password": NEW_PASSWORD})
    assert response.status_code == 302
