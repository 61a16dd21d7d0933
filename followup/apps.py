from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """Follow-up and analysis: transferred basket lines, finance purchases, spend aggregates, dashboards."""

    name = "followup"
    verbose_name = _("Uppföljning")

    def ready(self) -> None:
        from followup.receivers import connect  # noqa: PLC0415 (imports models: only once the apps are loaded)

        connect()
