from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs) -> None:
    from django.apps import apps

    # post_migrate fires once per app; wait for the last, when every permission exists.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    from django.contrib.auth.management import create_permissions

    from hub.organisations.roles import sync_roles

    # Permissions of the last apps may not exist yet: other post_migrate receivers run after this one.
    for app_config in with_models:
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    sync_roles()


class OrganisationsConfig(AppConfig):
    name = "hub.organisations"
    label = "organisations"
    verbose_name = _("Organisationer")

    def ready(self) -> None:
        # After every migrate, so permissions from all apps exist first.
        post_migrate.connect(_sync_roles, dispatch_uid="hub.organisations.sync_roles")
