import json
from decimal import Decimal

import pytest

from catalogue.diff import added_items, baseline_version, diff_versions, removed_items
from catalogue.tests.review_fixtures import BASE_ITEMS, make_version, publish_directly

pytestmark = pytest.mark.django_db


def test_first_version_is_all_added(review_catalogue):
    version = make_version(review_catalogue, BASE_ITEMS)
    diff = diff_versions(version)
    assert diff.base_version_id is None
    assert diff.added == len(BASE_ITEMS)
    assert diff.removed == diff.changed == 0


def test_added_removed_changed_and_price_percent(review_live_version, review_changed_items):
    new = make_version(review_live_version.catalogue, review_changed_items)
    diff = diff_versions(new)
    assert diff.base_version_id == review_live_version.pk
    assert (diff.added, diff.removed, diff.changed, diff.unchanged) == (1, 1, 3, 0)
    assert list(added_items(new, review_live_version).values_list("seller_item_id", flat=True)) == ["KP-500"]
    assert list(removed_items(new, review_live_version).values_list("seller_item_id", flat=True)) == ["KP-400"]

    by_id = {change.seller_item_id: change for change in diff.changes}
    assert by_id["KP-100"].fields == ["price"]
    assert by_id["KP-100"].price_change_percent == Decimal("10.00")
    assert by_id["KP-100"].direction == "up"
    assert by_id["KP-200"].fields == ["name"]
    assert by_id["KP-200"].price_change_percent == Decimal("0")
    assert by_id["KP-300"].price_change_percent == Decimal("-25.00")
    assert by_id["KP-300"].direction == "down"
    assert (diff.price_increases, diff.price_decreases) == (1, 1)
    assert diff.max_increase_percent == Decimal("10.00")


def test_unchanged_items_are_not_reported(review_live_version):
    same = make_version(review_live_version.catalogue, BASE_ITEMS)
    diff = diff_versions(same)
    assert (diff.added, diff.removed, diff.changed, diff.unchanged) == (0, 0, 0, len(BASE_ITEMS))
    assert diff.max_increase_percent is None


def test_null_and_json_fields_count_as_changes(review_live_version):
    items = [dict(item) for item in BASE_ITEMS]
    items[0]["lead_time_days"] = 3  # was NULL
    items[1]["eco_labels"] = ["Svanen"]
    diff = diff_versions(make_version(review_live_version.catalogue, items))
    fields = {change.seller_item_id: change.fields for change in diff.changes}
    assert fields == {"KP-100": ["lead_time_days"], "KP-200": ["eco_labels"]}


def test_price_per_unit_uses_base_quantity(review_live_version):
    items = [dict(item) for item in BASE_ITEMS]
    # Same price for twice the quantity: the unit price halves.
    items[0]["base_quantity"] = Decimal("2")
    diff = diff_versions(make_version(review_live_version.catalogue, items))
    (change,) = diff.changes
    assert change.fields == ["base_quantity"]
    assert change.price_change_percent == Decimal("-50.00")


def test_drift_against_agreement_price(review_live_version):
    """Two 5 % steps: 5 % against the live version, 10.25 % against the agreement (first published) price."""
    review_catalogue = review_live_version.catalogue
    step1 = [dict(item) for item in BASE_ITEMS]
    step1[0]["price"] = "47.25"
    v2 = publish_directly(make_version(review_catalogue, step1))
    step2 = [dict(item) for item in step1]
    step2[0]["price"] = "49.6125"
    v3 = make_version(review_catalogue, step2)
    assert baseline_version(v3) == review_live_version
    diff = diff_versions(v3)
    assert diff.base_version_id == v2.pk
    (change,) = diff.changes
    assert change.price_change_percent == Decimal("5.00")
    assert change.agreement_change_percent == Decimal("10.25")
    assert diff.max_increase_vs_agreement_percent == Decimal("10.25")


def test_price_from_zero_and_currency_change_are_unbounded(review_live_version):
    review_catalogue = review_live_version.catalogue
    zero = [dict(item) for item in BASE_ITEMS]
    zero[0]["price"] = "0"
    publish_directly(make_version(review_catalogue, zero))
    items = [dict(item) for item in BASE_ITEMS]
    items[1]["currency"] = "EUR"
    diff = diff_versions(make_version(review_catalogue, items))
    assert diff.unbounded_increases == 2
    assert diff.max_increase_percent is None


def test_summary_is_json_safe(review_live_version, review_changed_items):
    summary = diff_versions(make_version(review_live_version.catalogue, review_changed_items)).summary()
    assert json.loads(json.dumps(summary))["max_increase_percent"] == "10.00"


def test_counts_only_mode_gives_the_same_summary(review_live_version, review_changed_items):
    new = make_version(review_live_version.catalogue, review_changed_items)
    full, counts = diff_versions(new), diff_versions(new, keep_changes=False)
    assert counts.changes == []
    assert counts.summary() == full.summary()
