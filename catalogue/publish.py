"""Atomic publication: the old live version and the new one switch in one transaction.

Readers choose items by version status (CatalogueItem.objects.live(), and the search
service filters hits to the visible versions), so a query sees either the whole old
version or the whole new one. For the search indexes (search.indexing, when present):
the new version is indexed *before* the switch (its hits are filtered out until it is
published), and the superseded version is removed *after* the commit, in the background.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from catalogue.images import enqueue_image_fetch
from catalogue.models import Catalogue, CatalogueVersion

logger = logging.getLogger(__name__)

PUBLISHABLE = CatalogueVersion.Status.PUBLISHABLE
Status = CatalogueVersion.Status


class PublicationError(ValueError):
    """The version cannot be published in its current state."""


def _indexing():
    try:
        from search import indexing
    except ImportError:
        return None
    return indexing


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
    _index_new(fresh)
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
        # Pictures are fetched only once a version is approved and live (never for an unreviewed upload),
        # in the background after the commit; a broken one is reported, never blocks the version.
        enqueue_image_fetch(current)
        if previous:
            previous_ids = [old.pk for old in previous]
            transaction.on_commit(lambda: unindex_versions.enqueue(previous_ids))
    # Keep the caller's instance in step with the database.
    version.status, version.published_at, version.publish_on = current.status, current.published_at, None
    _refresh_waiting(current)


def _refresh_waiting(published: CatalogueVersion) -> None:
    """A version still waiting in this catalogue had its reasons worked out against the old live version."""
    from catalogue.review import refresh_review_summary  # review builds on publish, not the other way

    for waiting in CatalogueVersion.objects.filter(catalogue_id=published.catalogue_id, status__in=Status.WAITING):
        try:
            refresh_review_summary(waiting)
        except Exception:
            logger.exception("could not refresh the review reasons of catalogue version %s", waiting.pk)


def _index_new(version: CatalogueVersion) -> None:
    indexing = _indexing()
    if indexing is None or not hasattr(indexing, "index_version"):
        return  # Database-only search reads items by status; nothing to prepare.
    try:
        indexing.index_version(version)
    except Exception:
        # The database switch is the truth and the database backend still answers; log and go on.
        logger.exception("Search indexing failed before publishing catalogue version %s", version.pk)


@task()
def unindex_versions(version_ids: list[int]) -> int:
    """Remove superseded versions' items from the search indexes (after the switch has committed)."""
    indexing = _indexing()
    if indexing is None or not hasattr(indexing, "unindex_version"):
        return 0
    removed = 0
    for version in CatalogueVersion.objects.filter(pk__in=version_ids):
        try:
            removed += indexing.unindex_version(version)
        except Exception:
            logger.exception("Removing catalogue version %s from the search index failed", version.pk)
    return removed
