from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Katalog")

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported while the app registry fills, before any model may load.
        from catalogue import checks  # noqa: F401, PLC0415 (registers the system checks)
        from catalogue.models import CatalogueVersion  # noqa: PLC0415 (app loading order)
        from catalogue.pictures.fetch import fetch_images_of_published_version  # noqa: PLC0415 (app loading order)
        from catalogue.review import refresh_waiting_after_publication  # noqa: PLC0415 (app loading order)
        from catalogue.signals import version_published  # noqa: PLC0415 (app loading order)

        version_published.connect(
            fetch_images_of_published_version, sender=CatalogueVersion, dispatch_uid="catalogue_fetch_images"
        )
        version_published.connect(
            refresh_waiting_after_publication, sender=CatalogueVersion, dispatch_uid="catalogue_refresh_waiting"
        )
