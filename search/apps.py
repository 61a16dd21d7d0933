from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Sök")

    def ready(self) -> None:
        from search import signals  # noqa: F401  (connects the pre_save handler)
