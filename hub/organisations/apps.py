from django.apps import AppConfig, apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs) -> None:
    # post_migrate fires once per app; wait for the last, when every permission exists.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    # Not at the top: roles imports the auth models, which are not loaded yet when this module is.
    from hub.organisations.roles import sync_roles  # noqa: PLC0415 (models load after apps.py)

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
