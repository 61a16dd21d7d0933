"""Each role gets exactly its permissions; the wrong roles cannot reach the admin."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from wagtail.models import GroupPagePermission, Page

from hub.organisations import roles
from hub.organisations.roles import ROLES, organisation_for, supplier_for, sync_roles

pytestmark = pytest.mark.django_db


def permission_labels(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_every_role_permission_exists():
    assert sync_roles() == []
    assert {role.name for role in ROLES} <= set(Group.objects.values_list("name", flat=True))


@pytest.mark.parametrize("role", [r for r in ROLES if r.permissions != ("*",)], ids=lambda r: r.english)
def test_each_role_has_exactly_its_permissions(role):
    assert permission_labels(role.name) == set(role.permissions)


def test_sync_removes_a_permission_granted_by_hand():
    buyers = Group.objects.get(name=roles.BUYER)
    buyers.permissions.add(Permission.objects.get(codename="review_catalogueversion"))
    sync_roles()
    assert "catalogue.review_catalogueversion" not in permission_labels(roles.BUYER)


def test_administrator_has_every_permission():
    assert Group.objects.get(name=roles.ADMINISTRATOR).permissions.count() == Permission.objects.count()


def test_editors_edit_pages_but_only_administrators_publish():
    root = Page.get_first_root_node()

    def groups_with(codename):
        return set(
            GroupPagePermission.objects.filter(page=root, permission__codename=codename).values_list(
                "group__name", flat=True
            )
        )

    assert roles.EDITOR in groups_with("change_page")
    assert roles.EDITOR not in groups_with("publish_page")
    assert not groups_with("publish_page") & {roles.BUYER, roles.SUPPLIER, roles.CATALOGUE_REVIEWER}


def test_sync_takes_publishing_back_from_editors_of_an_older_database():
    root = Page.get_first_root_node()
    editors = Group.objects.get(name=roles.EDITOR)
    GroupPagePermission.objects.create(
        group=editors,
        page=root,
        permission=Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page"),
    )
    sync_roles()
    assert not GroupPagePermission.objects.filter(group=editors, permission__codename="publish_page").exists()
    assert GroupPagePermission.objects.filter(group=editors, permission__codename="change_page").exists()


def test_editor_reaches_the_admin(client, editor_user):
    client.force_login(editor_user)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("user_fixture", ["buyer_user", "supplier_user"])
def test_buyers_and_suppliers_are_kept_out_of_the_admin(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get("/admin/pages/")
    assert response.status_code == 403


def test_editor_cannot_manage_organisations(client, editor_user):
    client.force_login(editor_user)
    response = client.get("/admin/snippets/organisations/buyerorganisation/")
    assert response.status_code in (302, 403)


def test_administrator_manages_organisations(client, administrator_user, buyer_organisation):
    client.force_login(administrator_user)
    response = client.get("/admin/snippets/organisations/buyerorganisation/")
    assert response.status_code == 200
    assert buyer_organisation.name in response.content.decode()


def test_membership_lookups(buyer_user, supplier_user, buyer_organisation, supplier, django_user_model):
    assert organisation_for(buyer_user) == buyer_organisation
    assert supplier_for(buyer_user) is None
    assert supplier_for(supplier_user) == supplier
    assert organisation_for(supplier_user) is None
    assert organisation_for(AnonymousUser()) is None
    assert organisation_for(django_user_model.objects.create_user("ingen")) is None
