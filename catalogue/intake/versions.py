"""An upload stored as its catalogue's next version."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max

from catalogue.models import Agreement, Catalogue, CatalogueVersion
from hub.organisations.models import Supplier

Status = CatalogueVersion.Status
UploadMode = CatalogueVersion.UploadMode


def catalogue_for(agreement: Agreement, supplier: Supplier) -> Catalogue:
    catalogue, _created = Catalogue.objects.get_or_create(agreement=agreement, supplier=supplier)
    return catalogue


def create_version(
    catalogue: Catalogue,
    source: Path | File,
    *,
    filename: str = "",
    user=None,
    keep_file: bool = True,
    mode: str = UploadMode.REPLACE,
) -> CatalogueVersion:
    """Store the upload as the catalogue's next version. Racing uploads each get their own number."""
    for attempt in range(10):
        try:
            with transaction.atomic():
                # Locks the catalogue row on PostgreSQL; the unique constraint catches the rest (SQLite).
                Catalogue.objects.select_for_update().filter(pk=catalogue.pk).first()
                number = (catalogue.versions.aggregate(top=Max("number"))["top"] or 0) + 1
                version = CatalogueVersion.objects.create(
                    catalogue=catalogue,
                    number=number,
                    original_filename=filename[:255],
                    uploaded_by=user,
                    format="",
                    status=Status.RECEIVED,
                    upload_mode=UploadMode(mode),
                )
            break
        except IntegrityError:
            if attempt == 9:
                raise
            time.sleep(0.05 * (attempt + 1))
    if keep_file:
        if isinstance(source, str | Path):
            with open(source, "rb") as handle:
                version.file.save(Path(filename or source).name, File(handle), save=True)
        else:
            version.file.save(Path(filename or source.name or "katalog").name, source, save=True)
    return version
