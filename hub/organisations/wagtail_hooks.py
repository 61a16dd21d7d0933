"""Organisations, suppliers and memberships in the Wagtail admin (Administratör)."""

from typing import ClassVar

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from hub.organisations.models import BuyerOrganisation, Membership, Supplier


class BuyerOrganisationViewSet(SnippetViewSet):
    model = BuyerOrganisation
    icon = "group"
    list_display: ClassVar[list[str]] = ["name", "orgnr_display", "peppol_id", "public_catalogue"]
    search_fields: ClassVar[list[str]] = ["name", "orgnr"]


class SupplierViewSet(SnippetViewSet):
    model = Supplier
    icon = "site"
    list_display: ClassVar[list[str]] = ["name", "orgnr_display", "peppol_id"]
    search_fields: ClassVar[list[str]] = ["name", "orgnr"]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    list_display: ClassVar[list[str]] = ["user", "organisation", "supplier"]


class OrganisationsGroup(SnippetViewSetGroup):
    menu_label = _("Organisationer")
    menu_icon = "group"
    menu_order = 300
    items = (BuyerOrganisationViewSet, SupplierViewSet, MembershipViewSet)


register_snippet(OrganisationsGroup)
