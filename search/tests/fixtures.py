"""The fixed test catalogue, indexed in whichever search backends are configured."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from decimal import Decimal

import pytest
import requests
from django.conf import settings
from modelsearch.backends import get_search_backend

from catalogue.models import Agreement, Catalogue, CatalogueItem, CatalogueVersion, fill_search_text
from conftest import require_service
from hub.organisations.models import BuyerOrganisation, Supplier
from search import indexing, service
from search.tests.catalogue_data import CATALOGUES, parsed_items

ENTITLED_ORGNR = "2120000142"  # entitled to the restricted food agreement
OTHER_ORGNR = "2120001124"


@dataclass
class TestCatalogue:
    items: dict[str, CatalogueItem]  # by seller item id
    agreements: dict[str, Agreement]  # by catalogue key
    suppliers: dict[str, Supplier]
    entitled: BuyerOrganisation
    other: BuyerOrganisation


def _check_opensearch() -> None:
    url = os.environ.get("OPENSEARCH_URL", "").strip()
    if not url:
        return

    try:
        requests.get(url, timeout=3).raise_for_status()
    except Exception as exc:
        require_service("OpenSearch", f"OPENSEARCH_URL={url} does not answer ({type(exc).__name__})")


def reset_search_indexes() -> None:
    """Empty the OpenSearch test index (the database index lives in the test database)."""
    backend = get_search_backend("default")
    if hasattr(backend, "get_index_for_model"):
        index = backend.get_index_for_model(CatalogueItem)
        if hasattr(index, "is_alias") and index.is_alias():
            # After an atomic rebuild the name is an alias, which OpenSearch will not delete as an index.
            for aliased in index.aliased_indices():
                aliased.delete()
        index.reset()
        index.add_model(CatalogueItem)


def refresh_search_indexes() -> None:
    backend = get_search_backend("default")
    if hasattr(backend, "get_index_for_model"):
        backend.get_index_for_model(CatalogueItem).refresh()


def build_test_catalogue() -> TestCatalogue:
    today = datetime.date.today()
    entitled = BuyerOrganisation.objects.create(name="Exempelkommun", orgnr=ENTITLED_ORGNR)
    other = BuyerOrganisation.objects.create(name="Annan region", orgnr=OTHER_ORGNR)
    suppliers: dict[str, Supplier] = {}
    agreements: dict[str, Agreement] = {}
    versions: dict[str, CatalogueVersion] = {}
    for key, (sname, orgnr, ref, title, open_to_all, rank, valid) in CATALOGUES.items():
        supplier, _ = Supplier.objects.get_or_create(orgnr=orgnr, defaults={"name": sname})
        valid_to = datetime.date(today.year + 2, 12, 31) if valid else today - datetime.timedelta(days=1)
        agreement = Agreement.objects.create(
            reference=ref,
            title=title,
            valid_from=datetime.date(2020, 1, 1),
            valid_to=valid_to,
            open_to_all=open_to_all,
            preferred_rank=rank,
        )
        agreement.suppliers.add(supplier)
        if not open_to_all:
            agreement.buyers.add(entitled)
        catalogue = Catalogue.objects.create(supplier=supplier, agreement=agreement)
        version = CatalogueVersion.objects.create(
            catalogue=catalogue, number=1, format="csv", status=CatalogueVersion.Status.PUBLISHED
        )
        catalogue.live_version = version
        catalogue.save(update_fields=["live_version"])
        suppliers[key], agreements[key], versions[key] = supplier, agreement, version
    items = []
    for n, row in enumerate(parsed_items(), start=1):
        items.append(
            CatalogueItem(
                version=versions[row["catalogue"]],
                line_number=n,
                seller_item_id=row["seller_item_id"],
                name=row["name"],
                description=row["description"],
                unspsc=row["unspsc"],
                unit=row["unit"],
                price=Decimal(row["price"]),
                eco_labels=row["eco_labels"],
            )
        )
    # The importer's path: bulk_create sends no signals, so search_text is filled first.
    fill_search_text(items)
    CatalogueItem.objects.bulk_create(items)
    created = list(CatalogueItem.objects.all())
    reset_search_indexes()
    indexing.index_items(created)
    refresh_search_indexes()
    return TestCatalogue(
        items={i.seller_item_id: i for i in created},
        agreements=agreements,
        suppliers=suppliers,
        entitled=entitled,
        other=other,
    )


@pytest.fixture
def search_backend_name() -> str:
    return settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"].rsplit(".", 1)[-1]


@pytest.fixture
def test_catalogue(db, settings) -> TestCatalogue:
    """The fixed Swedish test catalogue (about 170 items), indexed in every configured backend."""
    _check_opensearch()  # the test settings give each run its own OpenSearch index prefix

    service.FAILOVER.down_until.clear()
    return build_test_catalogue()
