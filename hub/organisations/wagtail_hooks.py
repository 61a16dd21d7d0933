"""Organisations, suppliers and memberships in the Wagtail admin (Administratör)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from hub.organisations.models import BuyerOrganisation, Membership, Supplier


class BuyerOrganisationViewSet(SnippetViewSet):
    model = BuyerOrganisation
    icon = "group"
    list_display = ["name", "orgnr_display", "peppol_id", "public_catalogue"]
    search_fields = ["name", "orgnr"]


class SupplierViewSet(SnippetViewSet):
    model = Supplier
    icon = "site"
    list_display = ["name", "orgnr_display", "peppol_id"]
    search_fields = ["name", "orgnr"]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    list_display = ["user", "organisation", "supplier"]


class OrganisationsGroup(SnippetViewSetGroup):
    menu_label = _("Organisationer")
    menu_icon = "group"
    menu_order = 300
    items = (BuyerOrganisationViewSet, SupplierViewSet, MembershipViewSet)


register_snippet(OrganisationsGroup)
