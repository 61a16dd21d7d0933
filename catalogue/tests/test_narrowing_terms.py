"""The items' narrowing terms carry their UNSPSC commodity ("u:<code>"), written on save and by migration 0009."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from catalogue.models import CatalogueItem
from search.service.filters import condition_q
from swedish_text.heads import commodity_condition

pytestmark = pytest.mark.django_db

migration = importlib.import_module("catalogue.migrations.0009_commodity_narrowing_terms")


def commodity_terms(item: CatalogueItem) -> list[str]:
    item.refresh_from_db()
    return [term for term in item.narrowing_terms.split() if term.startswith("u:")]


def test_a_saved_item_has_its_commodity_and_follows_a_change(live_version):
    item = live_version.items.get(seller_item_id="KON-0000001")
    item.unspsc = "14111507"
    item.save()
    assert commodity_terms(item) == ["u:14111507"]
    assert set(CatalogueItem.objects.filter(condition_q(commodity_condition(["14111507"])))) == {item}
    item.unspsc = "44121701"
    item.save()
    assert commodity_terms(item) == ["u:44121701"]
    assert not CatalogueItem.objects.filter(condition_q(commodity_condition(["14111507"]))).exists()


def test_the_migration_adds_each_items_commodity_once_and_skips_what_is_not_one_token(live_version):
    paper, clip, binder = live_version.items.order_by("line_number")
    for item, code in ((paper, "14111507"), (clip, "4412-170"), (binder, "")):
        CatalogueItem.objects.filter(pk=item.pk).update(unspsc=code, narrowing_terms="k:test h:test")
    for _ in range(2):  # run twice: a second run adds nothing
        with connection.cursor() as cursor:
            cursor.execute(migration.update_sql(connection.vendor))
    assert commodity_terms(paper) == ["u:14111507"]
    assert commodity_terms(clip) == [] and commodity_terms(binder) == []
    # The index follows the UPDATE (SQLite: the FTS5 table's trigger; PostgreSQL: the GIN index).
    found = CatalogueItem.objects.filter(condition_q(commodity_condition(["14111507", "4412-170"])))
    assert list(found) == [paper]
