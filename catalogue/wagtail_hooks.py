"""Agreements, catalogues, versions and API tokens in the Wagtail admin, for administrators.

Publication and review go through catalogue.review (the review screens), never through
an admin form: versions are read-only here, and a catalogue's live version cannot be set
by hand. API tokens are created with `manage.py create_supplier_token` (the clear text
is shown once); the admin can only rename or revoke them.
"""

from typing import ClassVar

from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from catalogue.models import Agreement, Catalogue, CatalogueVersion, SupplierApiToken


class WithoutActions(ModelPermissionPolicy):
    """Django's model permissions, minus the actions this admin must not offer."""

    denied: frozenset[str] = frozenset()

    def user_has_permission(self, user, action):
        return action not in self.denied and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()


class ReadOnlyPolicy(WithoutActions):
    denied = frozenset({"add", "change", "delete"})


class TokenPolicy(WithoutActions):
    denied = frozenset({"add"})


register_permission_policy(CatalogueVersion, ReadOnlyPolicy(CatalogueVersion))
register_permission_policy(SupplierApiToken, TokenPolicy(SupplierApiToken))


class AgreementViewSet(SnippetViewSet):
    model = Agreement
    icon = "doc-full"
    list_display: ClassVar[list[str]] = [
        "reference",
        "title",
        "valid_from",
        "valid_to",
        "open_to_all",
        "preferred_rank",
    ]
    list_filter: ClassVar[list[str]] = ["open_to_all"]
    search_fields: ClassVar[list[str]] = ["reference", "title"]


class CatalogueViewSet(SnippetViewSet):
    model = Catalogue
    icon = "list-ul"
    list_display: ClassVar[list[str]] = ["__str__", "supplier", "agreement", "live_version"]
    form_fields: ClassVar[list[str]] = ["supplier", "agreement"]  # the live version changes only through publication


class CatalogueVersionViewSet(SnippetViewSet):
    model = CatalogueVersion
    icon = "history"
    list_display: ClassVar[list[str]] = [
        "__str__",
        "status",
        "uploaded_at",
        "line_count",
        "error_count",
        "published_at",
    ]
    list_filter: ClassVar[list[str]] = ["status", "format"]
    inspect_view_enabled = True
    inspect_view_fields: ClassVar[list[str]] = [
        "catalogue",
        "number",
        "status",
        "original_filename",
        "format",
        "uploaded_by",
        "uploaded_at",
        "valid_from",
        "valid_to",
        "line_count",
        "error_count",
        "warning_count",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
        "publish_on",
        "published_at",
    ]


class SupplierApiTokenViewSet(SnippetViewSet):
    model = SupplierApiToken
    icon = "key"
    list_display: ClassVar[list[str]] = ["supplier", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    form_fields: ClassVar[list[str]] = ["name", "revoked_at"]


class CatalogueGroup(SnippetViewSetGroup):
    menu_label = _("Kataloger")
    menu_icon = "list-ul"
    menu_order = 310
    items = (AgreementViewSet, CatalogueViewSet, CatalogueVersionViewSet, SupplierApiTokenViewSet)


register_snippet(CatalogueGroup)
