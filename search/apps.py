from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Sök")

    def ready(self) -> None:
        from search import checks  # noqa: F401  (registers the system checks)
        from search.signal_handlers import register_signal_handlers

        register_signal_handlers()
