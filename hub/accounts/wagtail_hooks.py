"""The Katalogansvarig reaches the review screens from the Wagtail admin's menu too."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from hub.accounts.access import REVIEW_PERMISSION


class ReviewMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm(REVIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def review_menu_item() -> MenuItem:
    # Lazy: reversed per request, in the admin user's language (/sv/granskning/ or /en/granskning/).
    return ReviewMenuItem(_("Kataloggranskning"), reverse_lazy("catalogue:review-list"), icon_name="tasks", order=150)
