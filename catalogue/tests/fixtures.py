"""Fixtures for the intake tests: an agreement, its catalogue, generated files and a live version."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from catalogue.generator import Party, generate_items, write_peppol, write_xlsx
from catalogue.models import Agreement, Catalogue, CatalogueItem, CatalogueVersion
from hub.organisations.models import Supplier
from hub.organisations.tests.fixtures import BUYER_ORGNR, SUPPLIER_ORGNR

INTAKE_AGREEMENT = "RAM-INTAKE-1"
RECEIVER = Party(BUYER_ORGNR, "Exempelkommun")


@pytest.fixture
def intake_supplier(db) -> Supplier:
    supplier, _ = Supplier.objects.get_or_create(orgnr=SUPPLIER_ORGNR, defaults={"name": "Kontorsleverantören AB"})
    return supplier


@pytest.fixture
def intake_agreement(intake_supplier) -> Agreement:
    today = datetime.date.today()
    agreement = Agreement.objects.create(
        reference=INTAKE_AGREEMENT,
        title="Kontorsmaterial och städ",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(today.year + 3, 12, 31),
        auto_approve_max_price_increase_percent=Decimal("100"),
        auto_approve_max_removals=100000,
    )
    agreement.suppliers.add(intake_supplier)
    return agreement


@pytest.fixture
def intake_catalogue(intake_agreement, intake_supplier) -> Catalogue:
    return Catalogue.objects.create(agreement=intake_agreement, supplier=intake_supplier)


@pytest.fixture
def peppol_file(tmp_path, intake_supplier):
    """Factory: a generated Peppol catalogue of n lines from the intake supplier."""

    def make(n: int = 5, seed: int = 1, name: str = "katalog.xml", **kwargs) -> Path:
        return write_peppol(
            tmp_path / name, generate_items(n, seed), intake_supplier, RECEIVER, INTAKE_AGREEMENT, **kwargs
        )

    return make


@pytest.fixture
def xlsx_file(tmp_path):
    def make(n: int = 5, seed: int = 1, name: str = "katalog.xlsx") -> Path:
        return write_xlsx(tmp_path / name, generate_items(n, seed))

    return make


@pytest.fixture
def live_version(intake_catalogue) -> CatalogueVersion:
    """A published version with three items, set up directly so the tests can see it stays untouched."""
    version = CatalogueVersion.objects.create(
        catalogue=intake_catalogue,
        number=1,
        format="peppol",
        status=CatalogueVersion.Status.PUBLISHED,
        line_count=3,
    )
    version.file.save("live.xml", ContentFile(b"<live/>"), save=True)
    for index, (item_id, name, price) in enumerate(
        [("KON-0000001", "Kopieringspapper A4", "49.00"), ("OLD-1", "Gem 28 mm", "12.00"), ("OLD-2", "Pärm", "30.00")],
        start=1,
    ):
        CatalogueItem.objects.create(
            version=version, line_number=index, seller_item_id=item_id, name=name, unit="EA", price=Decimal(price)
        )
    intake_catalogue.live_version = version
    intake_catalogue.save(update_fields=["live_version"])
    return version


def live_snapshot(catalogue: Catalogue) -> list[object]:
    catalogue.refresh_from_db()
    version = catalogue.live_version
    if version is None:
        raise AssertionError(f"catalogue {catalogue.pk} has no live version")
    return [version.pk, version.status, *version.items.order_by("pk").values_list("seller_item_id", "price")]


def issues(version: CatalogueVersion, code: str) -> list[dict]:
    """The report issues of one code, in report order."""
    return [issue for issue in version.report["issues"] if issue["code"] == code]
