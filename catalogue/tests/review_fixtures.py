"""Agreements, catalogues and versions built through the ORM, for the review/publication tests.

Fixture names start with review_ so they never collide with the intake tests' fixtures.

Versions are made directly (no file parsing) so review, publication, T58, portal and API
tests do not depend on the intake code.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from catalogue.models import Agreement, Catalogue, CatalogueItem, CatalogueVersion
from catalogue.publish import publish_version
from catalogue.review import submit_for_review

TODAY = datetime.date(2026, 11, 27)

BASE_ITEMS = [
    {"seller_item_id": "KP-100", "name": "Kopieringspapper A4 80 g", "price": "45.00", "unit": "PK"},
    {"seller_item_id": "KP-200", "name": "Kulspetspenna blå", "price": "8.50", "unit": "EA"},
    {"seller_item_id": "KP-300", "name": "Gem 28 mm", "price": "12.00", "unit": "PK"},
    {"seller_item_id": "KP-400", "name": "Häftapparat", "price": "129.00", "unit": "EA"},
]


def make_agreement(reference: str = "RA-2026-001", supplier=None, **kwargs) -> Agreement:
    kwargs.setdefault("title", "Kontorsmaterial")
    kwargs.setdefault("valid_from", datetime.date(2026, 1, 1))
    kwargs.setdefault("valid_to", datetime.date(2028, 12, 31))
    agreement = Agreement.objects.create(reference=reference, **kwargs)
    if supplier is not None:
        agreement.suppliers.add(supplier)
    return agreement


def make_version(
    catalogue: Catalogue,
    items: list[dict],
    status: str = CatalogueVersion.Status.VALIDATED,
    **kwargs,
) -> CatalogueVersion:
    number = (catalogue.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = CatalogueVersion(catalogue=catalogue, number=number, format=CatalogueVersion.Format.PEPPOL, status=status)
    for key, value in kwargs.items():
        setattr(version, key, value)
    version.file.save(f"catalogue-v{number}.xml", ContentFile(b"<Catalogue/>"), save=False)
    version.line_count = len(items)
    version.save()
    CatalogueItem.objects.bulk_create(
        CatalogueItem(
            version=version,
            line_number=index,
            **{key: (Decimal(value) if key == "price" else value) for key, value in item.items()},
        )
        for index, item in enumerate(items, start=1)
    )
    return version


def publish_directly(version: CatalogueVersion) -> CatalogueVersion:
    """Make a version live without review (test set-up only)."""
    publish_version(version)
    version.refresh_from_db()
    return version


@pytest.fixture
def review_agreement(supplier) -> Agreement:
    return make_agreement(supplier=supplier)


@pytest.fixture
def review_catalogue(review_agreement, supplier) -> Catalogue:
    return Catalogue.objects.create(supplier=supplier, agreement=review_agreement)


@pytest.fixture
def review_other_catalogue(other_supplier) -> Catalogue:
    other_agreement = make_agreement("RA-2026-002", supplier=other_supplier, title="Städmaterial")
    return Catalogue.objects.create(supplier=other_supplier, agreement=other_agreement)


@pytest.fixture
def review_live_version(review_catalogue) -> CatalogueVersion:
    return publish_directly(make_version(review_catalogue, BASE_ITEMS))


@pytest.fixture
def review_changed_items() -> list[dict]:
    """BASE_ITEMS with: KP-100 +10 %, KP-200 renamed, KP-300 −25 %, KP-400 removed, KP-500 added."""
    return [
        {"seller_item_id": "KP-100", "name": "Kopieringspapper A4 80 g", "price": "49.50", "unit": "PK"},
        {"seller_item_id": "KP-200", "name": "Kulspetspenna svart", "price": "8.50", "unit": "EA"},
        {"seller_item_id": "KP-300", "name": "Gem 28 mm", "price": "9.00", "unit": "PK"},
        {"seller_item_id": "KP-500", "name": "Whiteboardpenna", "price": "19.00", "unit": "EA"},
    ]


@pytest.fixture
def review_pending_version(review_live_version, review_changed_items) -> CatalogueVersion:
    return submit_for_review(make_version(review_live_version.catalogue, review_changed_items))


@pytest.fixture
def hub_peppol_id(settings):
    """The hub's own Peppol identity, which signs T58 responses (settings.HUB_PEPPOL_ID)."""
    settings.HUB_PEPPOL_ID = "0007:2120000142"
    settings.HUB_ORGANISATION_NAME = "Exempelkommun"
    return settings.HUB_PEPPOL_ID
