"""Who may see what: every portal and review view, for every role. Other suppliers' things are 404."""

import pytest
from django.urls import reverse
from django.utils import translation

from catalogue.review import reject
from catalogue.tests.review_fixtures import BASE_ITEMS, make_version
from hub.organisations.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_peppol_id")]


@pytest.fixture
def decided_version(review_pending_version, reviewer_user):
    return reject(review_pending_version, reviewer_user, "Fel pris")


def supplier_urls(version) -> list[str]:
    return [
        reverse("catalogue:catalogue", args=[version.catalogue_id]),
        reverse("catalogue:version", args=[version.pk]),
        reverse("catalogue:version-progress", args=[version.pk]),
        reverse("catalogue:version-response", args=[version.pk]),
    ]


def review_urls(version) -> list[str]:
    return [
        reverse("catalogue:review-list"),
        reverse("catalogue:review-detail", args=[version.pk]),
        reverse("catalogue:review-response", args=[version.pk]),
    ]


def test_anonymous_is_sent_to_login(client, decided_version):
    # In Swedish whatever language an earlier test left active (the English login has its own address).
    with translation.override("sv"):
        _check_anonymous_is_sent_to_login(client, decided_version)


def _check_anonymous_is_sent_to_login(client, decided_version):
    for url in [reverse("catalogue:portal"), *supplier_urls(decided_version), *review_urls(decided_version)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_owner_sees_every_supplier_view(client, supplier_user, decided_version):
    client.force_login(supplier_user)
    for url in [reverse("catalogue:portal"), *supplier_urls(decided_version)]:
        assert client.get(url).status_code == 200, url


def test_other_supplier_gets_404_for_each_view(client, other_supplier_user, decided_version, review_other_catalogue):
    client.force_login(other_supplier_user)
    for url in supplier_urls(decided_version):
        assert client.get(url).status_code == 404, url
    # Posting an upload to someone else's catalogue is a 404 too, and stores nothing.
    before = decided_version.catalogue.versions.count()
    response = client.post(reverse("catalogue:catalogue", args=[decided_version.catalogue_id]), {})
    assert response.status_code == 404
    assert decided_version.catalogue.versions.count() == before


def test_home_lists_only_own_catalogues(client, supplier_user, review_catalogue, review_other_catalogue):
    client.force_login(supplier_user)
    body = client.get(reverse("catalogue:portal")).content.decode()
    assert review_catalogue.agreement.reference in body
    assert review_other_catalogue.agreement.reference not in body


@pytest.mark.parametrize("user_fixture", ["buyer_user", "reviewer_user", "editor_user"])
def test_non_suppliers_cannot_use_the_portal(client, request, user_fixture, decided_version):
    client.force_login(request.getfixturevalue(user_fixture))
    for url in [reverse("catalogue:portal"), *supplier_urls(decided_version)]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("user_fixture", ["buyer_user", "supplier_user", "editor_user"])
def test_only_reviewers_reach_review_screens(client, request, user_fixture, decided_version):
    client.force_login(request.getfixturevalue(user_fixture))
    for url in review_urls(decided_version):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("catalogue:review-detail", args=[decided_version.pk]), {"action": "approve"})
    assert response.status_code == 403


def test_supplier_cannot_approve_own_version(client, supplier_user, review_pending_version):
    client.force_login(supplier_user)
    url = reverse("catalogue:review-detail", args=[review_pending_version.pk])
    assert client.post(url, {"action": "approve"}).status_code == 403
    review_pending_version.refresh_from_db()
    assert review_pending_version.status == "pending_review"


def test_reviewer_and_administrator_reach_review_screens(client, reviewer_user, administrator_user, decided_version):
    for user in (reviewer_user, administrator_user):
        client.force_login(user)
        for url in review_urls(decided_version):
            assert client.get(url).status_code == 200, (user, url)


def test_supplier_without_upload_permission_cannot_upload(client, django_user_model, supplier, review_catalogue):
    user = django_user_model.objects.create_user(username="lasare", password="test-password-1")
    Membership.objects.create(user=user, supplier=supplier)  # no Leverantör group: may look, not upload
    client.force_login(user)
    url = reverse("catalogue:catalogue", args=[review_catalogue.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403


def test_version_numbers_of_other_catalogues_do_not_leak(client, supplier_user, review_other_catalogue):
    other = make_version(review_other_catalogue, BASE_ITEMS)
    client.force_login(supplier_user)
    assert client.get(reverse("catalogue:version", args=[other.pk])).status_code == 404


def _snippet_url(model: str, view: str, *args) -> str:
    return reverse(f"wagtailsnippets_catalogue_{model}:{view}", args=args)


def test_administrator_manages_agreements_in_wagtail_admin(client, administrator_user, decided_version):
    client.force_login(administrator_user)
    for model in ("agreement", "catalogue", "catalogueversion", "supplierapitoken"):
        assert client.get(_snippet_url(model, "list")).status_code == 200, model
    page = client.get(_snippet_url("agreement", "list")).content.decode()
    assert decided_version.catalogue.agreement.reference in page
    assert client.get(_snippet_url("agreement", "edit", decided_version.catalogue.agreement.pk)).status_code == 200
    # Versions are read-only: inspect yes, edit/delete/add no (publication goes through review).
    assert client.get(_snippet_url("catalogueversion", "inspect", decided_version.pk)).status_code == 200
    assert client.get(_snippet_url("catalogueversion", "edit", decided_version.pk)).status_code in {302, 403}
    before = decided_version.status
    client.post(_snippet_url("catalogueversion", "delete", decided_version.pk))
    decided_version.refresh_from_db()
    assert decided_version.status == before


def test_editor_without_catalogue_permissions_cannot_list(client, editor_user, decided_version):
    client.force_login(editor_user)
    for model in ("agreement", "catalogueversion", "supplierapitoken"):
        response = client.get(_snippet_url(model, "list"))
        assert response.status_code in {302, 403}, model
        assert decided_version.catalogue.agreement.reference not in response.content.decode()
