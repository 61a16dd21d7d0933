import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import CatalogueItem, CatalogueVersion
from catalogue.publish import PublicationError, publish_version
from catalogue.tests.review_fixtures import BASE_ITEMS, make_version

pytestmark = pytest.mark.django_db
Status = CatalogueVersion.Status


def test_publish_switches_live_version_and_items(review_live_version, review_changed_items):
    review_catalogue = review_live_version.catalogue
    assert set(CatalogueItem.objects.live().values_list("seller_item_id", flat=True)) == {
        item["seller_item_id"] for item in BASE_ITEMS
    }
    new = make_version(review_catalogue, review_changed_items)
    publish_version(new)
    assert new.status == Status.PUBLISHED
    review_catalogue.refresh_from_db()
    review_live_version.refresh_from_db()
    assert review_catalogue.live_version == new
    assert review_live_version.status == Status.SUPERSEDED
    assert set(CatalogueItem.objects.live().values_list("seller_item_id", flat=True)) == {
        item["seller_item_id"] for item in review_changed_items
    }
    # Never hard-deleted: the old version's items are still there.
    assert review_live_version.items.count() == len(BASE_ITEMS)


def test_publication_is_one_transaction(review_live_version, review_changed_items):
    """If the final step fails, neither the status switch nor the live pointer is kept."""
    new = make_version(review_live_version.catalogue, review_changed_items)
    from catalogue.models import Catalogue

    original_save = Catalogue.save

    def failing_save(self, *args, **kwargs):
        raise RuntimeError("disk full")

    Catalogue.save = failing_save
    try:
        with pytest.raises(RuntimeError):
            publish_version(new)
    finally:
        Catalogue.save = original_save
    review_live_version.refresh_from_db()
    new.refresh_from_db()
    assert review_live_version.status == Status.PUBLISHED
    assert new.status == Status.VALIDATED
    assert set(CatalogueItem.objects.live().values_list("version_id", flat=True)) == {review_live_version.pk}


@pytest.mark.parametrize("status", [Status.INVALID, Status.REJECTED, Status.RECEIVED, Status.SUPERSEDED])
def test_only_publishable_states(review_catalogue, status):
    with pytest.raises(PublicationError):
        publish_version(make_version(review_catalogue, BASE_ITEMS, status=status))


def test_publishing_twice_is_harmless(review_live_version):
    with CaptureQueriesContext(connection):
        publish_version(review_live_version)
    review_live_version.refresh_from_db()
    assert review_live_version.status == Status.PUBLISHED


def test_search_index_is_updated_after_commit(
    review_live_version, review_changed_items, django_capture_on_commit_callbacks
):
    import sys
    import types

    calls = []
    fake = types.ModuleType("search.indexing")
    fake.index_version = lambda version: calls.append(("index", version.pk))
    fake.unindex_version = lambda version: calls.append(("unindex", version.pk))
    real = sys.modules.get("search.indexing")
    sys.modules["search.indexing"] = fake
    import search

    real_attr = getattr(search, "indexing", None)
    search.indexing = fake
    try:
        new = make_version(review_live_version.catalogue, review_changed_items)
        with django_capture_on_commit_callbacks(execute=True):
            publish_version(new)
            assert calls == []  # nothing before the commit
    finally:
        if real is not None:
            sys.modules["search.indexing"] = real
        else:
            del sys.modules["search.indexing"]
        if real_attr is not None:
            search.indexing = real_attr
        else:
            del search.indexing
    assert calls == [("index", new.pk), ("unindex", review_live_version.pk)]
