"""Where each role lands after sign-in, and which areas a signed-in user may open.

Roles are groups (hub.organisations.roles); object-level limits stay in the views' querysets.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve, reverse

from hub.accounts.links import localized_reverse
from hub.organisations.roles import ADMINISTRATOR, EDITOR, supplier_for

REVIEW_PERMISSION = "catalogue.review_catalogueversion"
WAGTAIL_ADMIN_PERMISSION = "wagtailadmin.access_admin"


def landing_url(user) -> str:
    """Redaktör and Administratör: the admin; Katalogansvarig: review; Leverantör: the portal; else search."""
    if user.is_superuser or user.groups.filter(name__in=(ADMINISTRATOR, EDITOR)).exists():
        return reverse("wagtailadmin_home")
    if user.has_perm(REVIEW_PERMISSION):
        return reverse("catalogue:review-list")
    if supplier_for(user) is not None:
        return reverse("catalogue:portal")
    return localized_reverse("search:page")


def _login_pages() -> set[str]:
    return {
        reverse("wagtailadmin_login"),
        reverse("wagtailadmin_logout"),
        reverse("admin:login"),
        reverse("admin:logout"),
    }


def may_enter_staff_area(user, path: str) -> bool:
    """The Wagtail admin needs access_admin, Django's admin needs is_staff; other paths are not staff areas."""
    if path in _login_pages():
        return True
    if path.startswith(reverse("wagtailadmin_home")):
        return user.has_perm(WAGTAIL_ADMIN_PERMISSION)
    if path.startswith(reverse("admin:index")):
        return user.is_active and user.is_staff
    return True


def may_open(user, url: str) -> bool:
    """Whether a signed-in user may open the (already host-checked) address: used to honour `next`."""
    path = urlsplit(url).path
    if not may_enter_staff_area(user, path):
        return False
    try:
        match = resolve(path)
    except Resolver404:
        return True  # the page answers 404 itself
    if match.namespace == "catalogue":
        if (match.url_name or "").startswith("review"):
            return user.has_perm(REVIEW_PERMISSION)
        return supplier_for(user) is not None
    return True
