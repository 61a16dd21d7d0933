"""Operating the search indexes: what a full rebuild sends, and a rebuild without downtime on OpenSearch."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from modelsearch.backends import get_search_backend
from modelsearch.backends.elasticsearchbase import ElasticsearchAtomicIndexRebuilder

from catalogue.models import CatalogueItem, CatalogueVersion
from search.service import SearchQuery, search

pytestmark = pytest.mark.django_db


def _supersede_one_catalogue(test_catalogue) -> set[int]:
    """Mark the version holding the first test item superseded; returns the ids of its items."""
    version = next(iter(test_catalogue.items.values())).version
    CatalogueVersion.objects.filter(pk=version.pk).update(status=CatalogueVersion.Status.SUPERSEDED)
    return set(CatalogueItem.objects.filter(version=version).values_list("pk", flat=True))


def test_full_rebuild_sends_live_items_not_history(test_catalogue):
    superseded = _supersede_one_catalogue(test_catalogue)
    indexed = set(CatalogueItem.get_indexed_objects().values_list("pk", flat=True))
    assert superseded and not superseded & indexed
    assert indexed == set(CatalogueItem.objects.exclude(pk__in=superseded).values_list("pk", flat=True))


def test_atomic_rebuild_keeps_answering_and_swaps_the_alias(test_catalogue, monkeypatch):
    backend = get_search_backend("default")
    if not hasattr(backend, "es"):
        pytest.skip("needs OpenSearch (set OPENSEARCH_URL): the database backend has no index aliases")
    alias = backend.get_index_for_model(CatalogueItem)
    before = [i.seller_item_id for i in search(SearchQuery(q="kulspetspenna", log=False)).items]
    assert before
    seen_mid_rebuild: list[tuple[bool, list[str]]] = []
    original_finish = ElasticsearchAtomicIndexRebuilder.finish

    def finish_after_checking(rebuilder):
        # The new index is full but not yet behind the alias: searches must still be answered.
        if rebuilder.alias.name == alias.name:  # update_index rebuilds Wagtail's own indexes too
            result = search(SearchQuery(q="kulspetspenna", log=False))
            seen_mid_rebuild.append((result.fallback, [i.seller_item_id for i in result.items]))
        original_finish(rebuilder)

    monkeypatch.setattr(ElasticsearchAtomicIndexRebuilder, "finish", finish_after_checking)
    for _round in range(2):  # the first rebuild turns a plain index into an alias; the second swaps it
        call_command("update_index", backend_name="default", verbosity=0)
        assert alias.is_alias()
        (current,) = alias.aliased_indices()
        assert current.name.startswith(alias.name + "_")
    assert seen_mid_rebuild == [(False, before), (False, before)]
    # The old indexes are gone: only the one behind the alias is left.
    assert set(backend.es.indices.get(index=f"{alias.name}_*")) == {current.name}
    after = [i.seller_item_id for i in search(SearchQuery(q="kulspetspenna", log=False)).items]
    assert after == before
