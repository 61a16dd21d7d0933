"""The hub's roles as Django groups, and what each may do.

Groups are synced after every migrate (see apps.py), so a new permission reaches its
role without a hand-written data migration. Object-level limits (a supplier sees only
its own catalogues, a buyer only its organisation's agreements) live in the querysets
that use `organisation_for` and `supplier_for`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

EDITOR = "Redaktör"
SUPPLIER = "Leverantör"
BUYER = "Beställare"
CATALOGUE_REVIEWER = "Katalogansvarig"
ADMINISTRATOR = "Administratör"


@dataclass(frozen=True)
class Role:
    name: str
    english: str
    permissions: tuple[str, ...]


ROLES: tuple[Role, ...] = (
    Role(
        EDITOR,
        "Editor",
        (
            "wagtailadmin.access_admin",
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtailimages.choose_image",
            "wagtaildocs.add_document",
            "wagtaildocs.change_document",
            "wagtaildocs.choose_document",
        ),
    ),
    Role(SUPPLIER, "Supplier", ("catalogue.upload_catalogue",)),
    Role(BUYER, "Buyer", ("catalogue.view_entitled_items",)),
    Role(
        CATALOGUE_REVIEWER,
        "Catalogue reviewer",
        # access_admin: review is also reached from the Wagtail admin's menu (hub/accounts/wagtail_hooks.py).
        # test_punchout: the "Testa punchout" page (punchout/admin_views.py).
        # view_followup, import_purchases: the follow-up dashboards and the finance import, own organisation only.
        (
            "wagtailadmin.access_admin",
            "catalogue.review_catalogueversion",
            "catalogue.view_catalogueversion",
            "punchout.test_punchout",
            "followup.view_followup",
            "followup.import_purchases",
        ),
    ),
    Role(ADMINISTRATOR, "Administrator", ("*",)),
)

# Editors may edit and lock guidance pages below the root, but not publish: they submit to the
# moderation workflow (hub.guidance.seeding.ensure_workflow), which an Administratör approves.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")


def _permission(label: str) -> Permission | None:
    app_label, codename = label.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def sync_roles() -> list[str]:
    """Create the groups and give each exactly its permissions. Returns labels not found."""
    missing: list[str] = []
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        if role.permissions == ("*",):
            group.permissions.set(Permission.objects.all())
            continue
        permissions = []
        for label in role.permissions:
            permission = _permission(label)
            if permission is None:
                missing.append(label)
            else:
                permissions.append(permission)
        group.permissions.set(permissions)
    _grant_editor_page_permissions()
    return missing


def _grant_editor_page_permissions() -> None:
    root = Page.get_first_root_node()
    if root is None:
        return
    group = Group.objects.get(name=EDITOR)
    # Exactly these: a permission dropped from the list (publish_page) is taken back from old databases.
    GroupPagePermission.objects.filter(group=group, page=root).exclude(
        permission__codename__in=EDITOR_PAGE_PERMISSIONS
    ).delete()
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission = _permission(f"wagtailcore.{codename}")
        if permission is not None:
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def organisation_for(user):
    """The buyer organisation a signed-in user acts for, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "membership", None)
    return membership.organisation if membership else None


def supplier_for(user):
    """The supplier a signed-in supplier user acts for, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "membership", None)
    return membership.supplier if membership else None
