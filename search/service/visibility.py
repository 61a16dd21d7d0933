"""Which catalogue versions and items a scope may see: a signed-in user's organisation, a fixed
organisation (the punchout shop), or an anonymous visitor (the public catalogue)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from catalogue.models import Agreement, CatalogueItem, CatalogueVersion
from hub.organisations.models import BuyerOrganisation
from hub.organisations.roles import organisation_for


def public_catalogue_open() -> bool:
    """Anonymous visitors see the open agreements while the hub setting is on and no organisation turned it off.

    The hub is run by (and for) its organisations: one that sets public_catalogue off keeps
    the catalogue behind a sign-in for everyone, since anonymous visitors cannot be told apart.
    """
    if not getattr(settings, "HUB_PUBLIC_CATALOGUE", True):
        return False
    return not BuyerOrganisation.objects.filter(public_catalogue=False).exists()


def visible_items(user) -> QuerySet[CatalogueItem]:
    """What the user may see today: the organisation's buyable items, or the public catalogue."""
    organisation = organisation_for(user) if user is not None else None
    if organisation is not None:
        return CatalogueItem.objects.buyable(organisation)
    if public_catalogue_open():
        return CatalogueItem.objects.buyable(None)
    return CatalogueItem.objects.none()


def visible_agreements(user) -> QuerySet[Agreement]:
    """The agreements valid today whose catalogues the user may see (the same rules as `visible_items`)."""
    organisation = organisation_for(user) if user is not None else None
    if organisation is None and not public_catalogue_open():
        return Agreement.objects.none()
    return Agreement.objects.valid_on(timezone.localdate()).entitled(organisation)


def visible_versions(user) -> list[int]:
    """The published versions on agreements the user may see today (the same rules as `visible_items`).

    Computed from versions and agreements, not from the items: a scan of every visible item costs
    hundreds of milliseconds at 500k items. Item-level validity is checked later on the matches.
    """
    agreements = visible_agreements(user)
    return list(
        CatalogueVersion.objects.filter(
            status=CatalogueVersion.Status.PUBLISHED, catalogue__agreement__in=agreements
        ).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class SearchScope:
    """A fixed scope instead of a user (the punchout shop): one organisation's entitled agreements today,
    narrowed to `agreement_ids` when given. The same rules as `visible_items` and `visible_versions`."""

    organisation: BuyerOrganisation
    agreement_ids: frozenset[int] | None = None

    def agreements(self) -> QuerySet[Agreement]:
        agreements = Agreement.objects.valid_on(timezone.localdate()).entitled(self.organisation)
        if self.agreement_ids is not None:
            agreements = agreements.filter(pk__in=self.agreement_ids)
        return agreements

    def items(self) -> QuerySet[CatalogueItem]:
        agreements = Agreement.objects.filter(pk__in=self.agreements().values("pk"))
        return CatalogueItem.objects.buyable(self.organisation).filter(version__catalogue__agreement__in=agreements)

    def versions(self) -> list[int]:
        return list(
            CatalogueVersion.objects.filter(
                status=CatalogueVersion.Status.PUBLISHED, catalogue__agreement__in=self.agreements()
            ).values_list("pk", flat=True)
        )
