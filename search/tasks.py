"""Search's background work (django-tasks), started by its signal handlers."""

from __future__ import annotations

import logging

from django_tasks import task

from catalogue.models import CatalogueVersion
from search import indexing

logger = logging.getLogger(__name__)


@task()
def unindex_versions(version_ids: list[int]) -> int:
    """Remove superseded versions' items from the search indexes (after the switch has committed)."""
    removed = 0
    for version in CatalogueVersion.objects.filter(pk__in=version_ids):
        try:
            removed += indexing.unindex_version(version)
        except Exception:
            logger.exception("Removing catalogue version %s from the search index failed", version.pk)
    return removed
