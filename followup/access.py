"""Who sees which follow-up: Administratör every organisation, Katalogansvarig only their own, others nothing."""

from __future__ import annotations

from hub.organisations.models import BuyerOrganisation
from hub.organisations.roles import ADMINISTRATOR, organisation_for

VIEW_PERMISSION = "followup.view_followup"
IMPORT_PERMISSION = "followup.import_purchases"


class NotAllowed(Exception):
    """The user may not see follow-up, or not for the organisation asked for."""


def is_administrator(user) -> bool:
    return user.is_active and (user.is_superuser or user.groups.filter(name=ADMINISTRATOR).exists())


def organisations_for(user, permission: str = VIEW_PERMISSION):
    """The organisations the user may follow up (a queryset); NotAllowed when none."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(permission):
        raise NotAllowed
    if is_administrator(user):
        return BuyerOrganisation.objects.order_by("name")
    own = organisation_for(user)
    if own is None:
        raise NotAllowed
    return BuyerOrganisation.objects.filter(pk=own.pk)


def chosen_organisation(user, requested: str | None, permission: str = VIEW_PERMISSION) -> BuyerOrganisation | None:
    """The organisation to show: the requested one if allowed; for an administrator blank means all (None);
    for anyone else blank means their own. Asking for another organisation's figures is NotAllowed."""
    allowed = organisations_for(user, permission)
    if requested:
        try:
            return allowed.get(pk=int(requested))
        except (ValueError, BuyerOrganisation.DoesNotExist):
            raise NotAllowed from None
    if is_administrator(user):
        return None
    return allowed.get()
