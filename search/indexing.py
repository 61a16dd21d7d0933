"""Keeping the search indexes in step with the catalogue.

- `index_version(version)`: add every item of a (newly published) version to every
  configured backend (OpenSearch and the database backend the hub falls back on).
- `unindex_version(version)`: remove a superseded version's items from every backend.
- Both also keep the autocomplete table (migration search/0003, one row per distinct name per
  version) in step: it is rebuilt per version from the items in the database.
- On OpenSearch the index is created, with the hub's analyzers, mapping and alias, before the first
  document is written (search.engines.opensearch3), also when the cluster was emptied meanwhile.
- A full rebuild without downtime: `python manage.py update_index` (modelsearch); with
  ATOMIC_REBUILD the OpenSearch index is built under a new name and the alias swapped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import router
from django.db.models import CharField
from django.db.models.functions import Cast
from modelsearch.backends import get_search_backend
from modelsearch.conf import get_app_config

from catalogue.models import CatalogueItem, CatalogueVersion, fill_search_text
from hub.db import in_pk_batches
from search import dbsearch

logger = logging.getLogger(__name__)
BATCH = 1000


def _backends():
    """Each distinct configured backend once (without OpenSearch, "default" and "database" are the same)."""
    seen = set()
    for name, config in settings.WAGTAILSEARCH_BACKENDS.items():
        key = (config.get("BACKEND"), tuple(config.get("URLS", ())), config.get("INDEX_PREFIX"))
        if key in seen:
            continue
        seen.add(key)
        yield name, get_search_backend(name)


def index_items(items: Iterable[CatalogueItem]) -> int:
    """Add or update items in every backend and the autocomplete table; returns how many were sent."""
    batch: list[CatalogueItem] = []
    sent = 0
    versions: set[int] = set()
    for item in items:
        batch.append(item)
        versions.add(item.version_id)
        if len(batch) >= BATCH:
            sent += _send(batch)
            batch = []
    if batch:
        sent += _send(batch)
    if sent:
        # Publication indexes a version before its status switch: make the items searchable now, not at
        # OpenSearch's next scheduled refresh, so the switch never shows a catalogue that finds nothing.
        for _name, backend in _backends():
            backend.get_index_for_model(CatalogueItem).refresh()
    dbsearch.refresh_autocomplete(sorted(versions))
    return sent


def _send(batch: list[CatalogueItem]) -> int:
    missing = [i for i in batch if not i.search_text or not i.narrowing_terms]
    if missing:
        # Items loaded with bulk_create before fill_search_text: fill and store now.
        fill_search_text(missing)
        CatalogueItem.objects.bulk_update(missing, ["search_text", "narrowing_terms"], batch_size=BATCH)
    for name, backend in _backends():
        backend.add_bulk(CatalogueItem, batch)
        logger.debug("indexed %s items in %s", len(batch), name)
    return len(batch)


def index_version(version: CatalogueVersion) -> int:
    """Index every item of `version` in every backend. Call after the version is published."""
    items = CatalogueItem.objects.filter(version=version).select_related("version__catalogue")
    return index_items(cast(Iterator[CatalogueItem], in_pk_batches(items, BATCH)))  # rows of `items`


def unindex_version(version: CatalogueVersion) -> int:
    """Remove every item of `version` from every backend in bulk: bulk requests on OpenSearch, one DELETE
    on the database index. Call after it is superseded or withdrawn. Returns how many items it had."""
    items = CatalogueItem.objects.filter(version=version)
    count = items.count()
    for _name, backend in _backends():
        index = backend.get_index_for_model(CatalogueItem)
        if hasattr(index, "delete_items"):  # the hub's OpenSearch index (search.engines.opensearch3)
            index.delete_items(CatalogueItem, items.values_list("pk", flat=True).iterator(chunk_size=BATCH))
        else:
            _delete_database_entries(items)
    dbsearch.drop_autocomplete([version.pk])
    return count


def _delete_database_entries(items) -> None:
    """The database backends' index rows for `items`, in one DELETE (SQLite's FTS rows follow by trigger)."""
    index_entry = get_app_config().get_model("IndexEntry")  # Wagtail's search app holds the table
    content_type = ContentType.objects.get_for_model(CatalogueItem)
    object_ids = items.annotate(object_key=Cast("pk", output_field=CharField())).values("object_key")
    index_entry.objects.filter(content_type=content_type, object_id__in=object_ids)._raw_delete(  # noqa: SLF001 (one DELETE, no rows loaded)
        using=router.db_for_write(index_entry)
    )
