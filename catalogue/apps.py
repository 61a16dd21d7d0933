from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Katalog")

    def ready(self) -> None:
        from catalogue import checks  # noqa: F401  (registers the system checks)
        from catalogue.models import CatalogueVersion
        from catalogue.pictures.fetch import fetch_images_of_published_version
        from catalogue.review import refresh_waiting_after_publication
        from catalogue.signals import version_published

        version_published.connect(
            fetch_images_of_published_version, sender=CatalogueVersion, dispatch_uid="catalogue_fetch_images"
        )
        version_published.connect(
            refresh_waiting_after_publication, sender=CatalogueVersion, dispatch_uid="catalogue_refresh_waiting"
        )
