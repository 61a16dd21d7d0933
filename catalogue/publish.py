"""Atomic publication: the old live version and the new one switch in one transaction.

Readers choose items by version status (CatalogueItem.objects.live(), and the search
service filters hits to the visible versions), so a query sees either the whole old
version or the whole new one. What others do around it hangs on catalogue.signals: search
indexes the new version on `version_publishing`, *before* the switch (its hits are filtered
out until it is published), and removes the superseded version on `versions_superseded`,
*after* the commit, in the background; pictures are fetched on `version_published`.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Catalogue, CatalogueVersion
from catalogue.signals import version_published, version_publishing

logger = logging.getLogger(__name__)

PUBLISHABLE = CatalogueVersion.Status.PUBLISHABLE
Status = CatalogueVersion.Status


class PublicationError(ValueError):
    """The version cannot be published in its current state."""


def _check_publishable(version: CatalogueVersion) -> None:
    if version.status not in PUBLISHABLE:
        raise PublicationError(
            _("Version %(number)s kan inte publiceras i status %(status)s")
            % {"number": version.number, "status": version.get_status_display()}
        )


def publish_version(version: CatalogueVersion, **decision) -> None:
    """Make `version` the live version of its catalogue; the previous one becomes SUPERSEDED.

    `decision` (reviewed_by, reviewed_at, review_comment) is written with the status in the same
    transaction: a publication that fails records no decision.
    """
    fresh = CatalogueVersion.objects.get(pk=version.pk)
    if fresh.status == Status.PUBLISHED:
        return
    _check_publishable(fresh)
    version_publishing.send(sender=CatalogueVersion, version=fresh)
    with transaction.atomic():
        # Lock the catalogue row so two publications of one catalogue run one after the other.
        catalogue = Catalogue.objects.select_for_update().get(pk=version.catalogue_id)
        current = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
        if current.status == Status.PUBLISHED:
            return
        _check_publishable(current)
        previous = list(catalogue.versions.filter(status=Status.PUBLISHED).exclude(pk=current.pk))
        for old in previous:
            old.transition(Status.SUPERSEDED)
        current.transition(Status.PUBLISHED, published_at=timezone.now(), publish_on=None, **decision)
        catalogue.live_version = current
        catalogue.save(update_fields=["live_version"])
        version_published.send(sender=CatalogueVersion, version=current)
    # Keep the caller's instance in step with the database.
    version.status, version.published_at, version.publish_on = current.status, current.published_at, None
