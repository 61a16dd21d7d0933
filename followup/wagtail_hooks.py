"""Follow-up sits in the Wagtail admin under /admin/uppfoljning/, in the menu for those who may see it."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from followup import urls
from followup.access import IMPORT_PERMISSION, VIEW_PERMISSION


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request) -> bool:
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_urls")
def followup_urls():
    return [path("uppfoljning/", include(urls, namespace="followup"))]


@hooks.register("register_admin_menu_item")
def dashboard_menu_item() -> MenuItem:
    return PermissionMenuItem(
        _("Uppföljning"), reverse_lazy("followup:dashboard"), icon_name="table", order=160, permission=VIEW_PERMISSION
    )


@hooks.register("register_admin_menu_item")
def purchases_menu_item() -> MenuItem:
    return PermissionMenuItem(
        _("Inköp från ekonomisystemet"),
        reverse_lazy("followup:purchases"),
        icon_name="upload",
        order=161,
        permission=IMPORT_PERMISSION,
    )
