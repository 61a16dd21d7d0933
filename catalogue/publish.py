"""Atomic publication: the old live version and the new one switch in one transaction.

Readers filter on the version status (CatalogueItem.objects.live()), so a query sees
either the whole old version or the whole new one. The OpenSearch index (search.indexing,
when that module exists) is updated after the commit, new version first.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Catalogue, CatalogueVersion

logger = logging.getLogger(__name__)

PUBLISHABLE = {
    CatalogueVersion.Status.VALIDATED,
    CatalogueVersion.Status.PENDING_REVIEW,
    CatalogueVersion.Status.SCHEDULED,
}


class PublicationError(ValueError):
    """The version cannot be published in its current state."""


def publish_version(version: CatalogueVersion) -> None:
    """Make `version` the live version of its catalogue; the previous one becomes SUPERSEDED."""
    with transaction.atomic():
        # Lock the catalogue row so two publications of one catalogue run one after the other.
        catalogue = Catalogue.objects.select_for_update().get(pk=version.catalogue_id)
        current = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
        if current.status == CatalogueVersion.Status.PUBLISHED:
            return
        if current.status not in PUBLISHABLE:
            raise PublicationError(
                _("Version %(number)s kan inte publiceras i status %(status)s / Version %(number)s cannot be published")
                % {"number": current.number, "status": current.get_status_display()}
            )
        previous = list(
            catalogue.versions.filter(status=CatalogueVersion.Status.PUBLISHED)
            .exclude(pk=current.pk)
            .order_by("number")
        )
        catalogue.versions.filter(pk__in=[v.pk for v in previous]).update(status=CatalogueVersion.Status.SUPERSEDED)
        now = timezone.now()
        current.status = CatalogueVersion.Status.PUBLISHED
        current.published_at = now
        current.publish_on = None
        current.save(update_fields=["status", "published_at", "publish_on"])
        catalogue.live_version = current
        catalogue.save(update_fields=["live_version"])
        transaction.on_commit(lambda: _update_search_index(current, previous))
    # Keep the caller's instance in step with the database.
    version.status, version.published_at, version.publish_on = current.status, current.published_at, None


def _update_search_index(new: CatalogueVersion, previous: list[CatalogueVersion]) -> None:
    try:
        from search import indexing
    except ImportError:
        return  # Database search needs nothing: it filters on the version status.
    try:
        if hasattr(indexing, "index_version"):
            indexing.index_version(new)
        if hasattr(indexing, "unindex_version"):
            for old in previous:
                indexing.unindex_version(old)
    except Exception:
        # The database switch is the truth and is committed; the index can be rebuilt.
        logger.exception("Search index update failed after publishing catalogue version %s", new.pk)
