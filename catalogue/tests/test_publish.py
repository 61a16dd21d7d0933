import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import search.indexing
from catalogue.models import Catalogue, CatalogueItem, CatalogueVersion
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


def test_search_index_new_before_switch_old_after_commit(
    review_live_version, review_changed_items, django_capture_on_commit_callbacks, monkeypatch
):
    """The new version is indexed while still unpublished; the old one is removed only after the commit."""
    calls = []

    def index_version(version):
        status = CatalogueVersion.objects.get(pk=version.pk).status
        calls.append(("index", version.pk, status))
        return 0

    def unindex_version(version):
        calls.append(("unindex", version.pk, CatalogueVersion.objects.get(pk=version.pk).status))
        return 0

    monkeypatch.setattr(search.indexing, "index_version", index_version)
    monkeypatch.setattr(search.indexing, "unindex_version", unindex_version)
    new = make_version(review_live_version.catalogue, review_changed_items)
    with django_capture_on_commit_callbacks(execute=True):
        publish_version(new)
        assert calls == [("index", new.pk, Status.VALIDATED)]
    assert calls == [("index", new.pk, Status.VALIDATED), ("unindex", review_live_version.pk, Status.SUPERSEDED)]


def test_publication_goes_on_when_the_search_index_fails(review_live_version, review_changed_items, monkeypatch):
    def broken(version):
        raise ConnectionError("OpenSearch is down")

    monkeypatch.setattr(search.indexing, "index_version", broken)
    new = make_version(review_live_version.catalogue, review_changed_items)
    publish_version(new)
    new.refresh_from_db()
    assert new.status == Status.PUBLISHED
