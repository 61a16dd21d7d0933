from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PunchoutConfig(AppConfig):
    """Punchout sessions and baskets (cXML, OCI, Peppol BIS Punch Out 3).

    The protocols arrive with the punchout issue; the app exists now so the project
    layout and URL space are settled.
    """

    name = "punchout"
    verbose_name = _("Punchout")
