"""Editors change guidance in Wagtail's admin and submit it; an Administratör publishes; other roles cannot.

Driven through the real admin views with Django's test client, the way a browser posts.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Revision, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield
from wagtail.users.models import UserProfile

from hub.guidance.models import GuidancePage
from hub.guidance.seeding import WORKFLOW_NAME

NEW_TEXT = "Strategin beslutas av ledningen och följs upp varje år."


@pytest.fixture
def leaf_page(seeded_guidance) -> GuidancePage:
    """A Swedish guidance page whose body is plain rich text (no children)."""
    return GuidancePage.objects.get(title="Strategi och styrning", locale__language_code="sv")


def _edit_form_data(client, page, *, title: str, text: str) -> dict:
    """The admin edit form as the browser would send it, with a new title and body text."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.id]))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form").dict()
    # StreamField and rich-text editors are built by JavaScript; send what they would.
    data = {k: v for k, v in data.items() if not k.startswith("body-")}
    data.update(
        nested_form_data(
            {
                "title": title,
                "intro": rich_text(""),
                "body": streamfield([("text", rich_text(f"<p>{text}</p>"))]),
            }
        )
    )
    return data


def _live_text(page) -> str:
    page = Page.objects.get(pk=page.pk).specific
    return page.title + " " + " ".join(str(block.value) for block in page.body)


def test_an_editor_can_log_in_and_edit_but_not_publish(client, editor_user, leaf_page):
    assert client.login(username=editor_user.username, password="test-password-1")
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    edit = reverse("wagtailadmin_pages:edit", args=[leaf_page.id])
    assert 'name="action-publish"' not in client.get(edit).content.decode()

    # Posting the publish action by hand only saves a draft: editors submit for moderation.
    data = _edit_form_data(client, leaf_page, title="Strategi och styrning i praktiken", text=NEW_TEXT)
    data["action-publish"] = "action-publish"
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NEW_TEXT not in _live_text(leaf_page)
    assert Page.objects.get(pk=leaf_page.pk).has_unpublished_changes
    assert client.get(Page.objects.get(pk=leaf_page.pk).url).content.decode().count(NEW_TEXT) == 0
    # Revisions: the seeded text is kept and can be compared or restored.
    assert Revision.page_revisions.filter(object_id=str(leaf_page.pk)).count() == 2


def test_the_approver_publishes_directly(client, administrator_user, leaf_page):
    client.force_login(administrator_user)
    data = _edit_form_data(client, leaf_page, title="Strategi och styrning i praktiken", text=NEW_TEXT)
    data["action-publish"] = "action-publish"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[leaf_page.id]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    live = _live_text(leaf_page)
    assert "i praktiken" in live and NEW_TEXT in live


def test_a_draft_is_not_public_until_published(client, editor_user, leaf_page):
    client.force_login(editor_user)
    data = _edit_form_data(client, leaf_page, title=leaf_page.title, text=NEW_TEXT)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[leaf_page.id]), data)  # "Save draft"
    assert response.status_code == 302
    client.logout()
    assert NEW_TEXT not in client.get(leaf_page.url).content.decode()
    assert Page.objects.get(pk=leaf_page.pk).has_unpublished_changes


def test_submitted_changes_wait_for_an_administrator(client, editor_user, administrator_user, leaf_page):
    client.force_login(editor_user)
    data = _edit_form_data(client, leaf_page, title=leaf_page.title, text=NEW_TEXT)
    data["action-submit"] = "action-submit"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[leaf_page.id]), data)
    assert response.status_code == 302

    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(leaf_page.pk))
    assert state.workflow.name == WORKFLOW_NAME and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert NEW_TEXT not in _live_text(leaf_page)

    # The editor cannot approve their own submission; the approver group can.
    task_state = state.current_task_state
    approve = reverse("wagtailadmin_pages:workflow_action", args=[leaf_page.id, "approve", task_state.id])
    client.post(approve, {"comment": ""})
    assert NEW_TEXT not in _live_text(leaf_page)

    client.force_login(administrator_user)
    response = client.post(approve, {"comment": "Bra"})
    assert response.status_code in (200, 302), response.content.decode()[:3000]
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert NEW_TEXT in _live_text(leaf_page)


def test_scheduled_publishing_waits_for_go_live(client, administrator_user, leaf_page, monkeypatch):
    client.force_login(administrator_user)
    go_live = timezone.localtime() + datetime.timedelta(days=2)
    data = _edit_form_data(client, leaf_page, title=leaf_page.title, text=NEW_TEXT)
    data["go_live_at"] = go_live.strftime("%Y-%m-%d %H:%M")
    data["action-publish"] = "action-publish"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[leaf_page.id]), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    scheduled = Page.objects.get(pk=leaf_page.pk).scheduled_revision
    assert scheduled is not None
    call_command("publish_scheduled")
    assert NEW_TEXT not in _live_text(leaf_page), "published before its time"

    # Three days pass: `publish_scheduled` (run by cron in production) now publishes it.
    later = timezone.now() + datetime.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("publish_scheduled")
    assert NEW_TEXT in _live_text(leaf_page)


@pytest.mark.parametrize("role_user", ["buyer_user", "supplier_user", "reviewer_user"])
def test_other_roles_cannot_edit_pages(client, request, role_user, leaf_page):
    user = request.getfixturevalue(role_user)
    client.force_login(user)
    edit = reverse("wagtailadmin_pages:edit", args=[leaf_page.id])
    # Buyers and suppliers get the hub's 403 for the whole admin; the Katalogansvarig may open the
    # admin (for review) but Wagtail sends it back to the dashboard from a page.
    response = client.get(edit)
    assert response.status_code == 403 or response["Location"] == reverse("wagtailadmin_home")
    response = client.post(edit, {"title": "Hackad", "action-publish": "action-publish"})
    assert response.status_code in (302, 403)
    assert Page.objects.get(pk=leaf_page.pk).title == "Strategi och styrning"


def test_anonymous_visitors_are_sent_to_the_login(client, leaf_page):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[leaf_page.id]))
    assert response.status_code == 302
    assert response["Location"].startswith("/sv/logga-in/?next=")


def test_editors_pick_the_admin_language(client, editor_user):
    client.force_login(editor_user)
    swedish = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '<html lang="sv"' in swedish or 'lang="sv"' in swedish
    profile = UserProfile.get_for_user(editor_user)
    profile.preferred_language = "en"
    profile.save()
    english = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'lang="en"' in english.split(">", 2)[1] or '<html lang="en"' in english
