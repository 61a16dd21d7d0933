"""Search listens to what happens to catalogue versions (catalogue.signals); catalogue never calls search."""

from __future__ import annotations

import logging

from catalogue.models import CatalogueVersion
from catalogue.signals import version_publishing, versions_superseded
from search import indexing, tasks

logger = logging.getLogger(__name__)


def index_before_publication(sender, version: CatalogueVersion, **kwargs) -> None:
    """The new version is indexed before the switch; its hits are filtered out until it is published."""
    try:
        indexing.index_version(version)
    except Exception:
        # The database switch is the truth and the database backend still answers; log and go on.
        logger.exception("Search indexing failed before publishing catalogue version %s", version.pk)


def unindex_superseded(sender, version_ids: list[int], **kwargs) -> None:
    tasks.unindex_versions.enqueue(version_ids)


def register_signal_handlers() -> None:
    version_publishing.connect(index_before_publication, sender=CatalogueVersion, dispatch_uid="search_index")
    versions_superseded.connect(unindex_superseded, sender=CatalogueVersion, dispatch_uid="search_unindex")
