from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Sök")

    def ready(self) -> None:
        # Models are loaded only now: these import them.
        from search import checks  # noqa: F401, PLC0415 (registers the system checks)
        from search.signal_handlers import register_signal_handlers  # noqa: PLC0415 (imports the models)

        register_signal_handlers()
