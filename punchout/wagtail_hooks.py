"""Buyer systems in the Wagtail admin (Administratör): the shared secret can be replaced, never read.
And the "Testa punchout" page (Katalogansvarig and Administratör, punchout.admin_views)."""

from typing import ClassVar

from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from punchout.admin_views import TEST_PERMISSION, PunchoutTestView
from punchout.forms import BuyerSystemForm
from punchout.models import BuyerSystem


class BuyerSystemViewSet(SnippetViewSet):
    model = BuyerSystem
    icon = "link-external"
    list_display: ClassVar[list[str]] = ["name", "organisation", "protocols", "active"]
    search_fields: ClassVar[list[str]] = ["name"]
    # The form replaces the shared secret (write-only) and checks the protocols' fields.
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("organisation"),
            FieldPanel("active"),
            FieldPanel("protocols"),
            FieldPanel("new_shared_secret"),
            FieldPanel("cxml_from_domain"),
            FieldPanel("cxml_from_identity"),
            FieldPanel("cxml_sender_domain"),
            FieldPanel("cxml_sender_identity"),
            FieldPanel("cxml_to_domain"),
            FieldPanel("cxml_return_encoding"),
            FieldPanel("oci_username"),
            FieldPanel("agreements"),
            FieldPanel("return_url_prefixes"),
            FieldPanel("frame_origins"),
        ],
        base_form_class=BuyerSystemForm,
    )


register_snippet(BuyerSystemViewSet)


class PunchoutTestMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm(TEST_PERMISSION)


@hooks.register("register_admin_urls")
def punchout_test_urls():
    return [path("testa-punchout/", PunchoutTestView.as_view(), name="punchout_test")]


@hooks.register("register_admin_menu_item")
def punchout_test_menu_item() -> MenuItem:
    return PunchoutTestMenuItem(
        _("Testa punchout"), reverse_lazy("punchout_test"), icon_name="link-external", order=160
    )
