"""Buyer systems in the Wagtail admin (Administratör): the shared secret can be replaced, never read."""

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from punchout.forms import BuyerSystemForm
from punchout.models import BuyerSystem


class BuyerSystemViewSet(SnippetViewSet):
    model = BuyerSystem
    icon = "link-external"
    list_display = ["name", "organisation", "protocols", "active"]
    search_fields = ["name"]
    panels = [
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
    ]


BuyerSystem.base_form_class = BuyerSystemForm
register_snippet(BuyerSystemViewSet)
