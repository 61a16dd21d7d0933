"""Where uploaded catalogue files live: a private folder outside the public media, under random names.

A catalogue file holds an agreement's whole price list, and its content is whatever the supplier sent
(HTML and SVG included), so it is never served by the web server: the only way out is
catalogue.views.common.catalogue_file_download, for the owning supplier and reviewers, as an attachment.
The supplier's own file name is kept in CatalogueVersion.original_filename, never on disk.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.deconstruct import deconstructible

# The extensions a catalogue may have; anything else is stored as .bin (the format is read from the content).
SAFE_EXTENSIONS = {".xml", ".xlsx", ".csv", ".cif", ".txt"}
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
}


@deconstructible(path="catalogue.storage.PrivateCatalogueStorage")
class PrivateCatalogueStorage(FileSystemStorage):
    """FileSystemStorage under settings.CATALOGUE_FILES_ROOT (read on use, so tests can move it) with no URL."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self):
        return settings.CATALOGUE_FILES_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Catalogue files have no public URL; use the download view.")


private_catalogue_storage = PrivateCatalogueStorage()


def catalogue_files_storage() -> PrivateCatalogueStorage:
    return private_catalogue_storage


def safe_extension(filename: str) -> str:
    extension = os.path.splitext(filename or "")[1].lower()
    return extension if extension in SAFE_EXTENSIONS else ".bin"


def catalogue_file_path(instance, filename: str) -> str:
    """YYYY/MM/<random>.<safe extension>: nothing of the supplier's name reaches the disk."""
    now = timezone.now()
    return f"{now:%Y/%m}/{uuid.uuid4().hex}{safe_extension(filename)}"


def content_type_for(filename: str) -> str:
    return CONTENT_TYPES.get(safe_extension(filename), "application/octet-stream")
