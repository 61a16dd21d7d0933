"""Product pictures a supplier uploads in the portal: image files or a ZIP of them, named by item.

A file `K-1001.jpg` (or `7350053850019.png`) is the picture of the item whose seller item ID
(or GTIN) is `K-1001` (or that GTIN). The match is kept per catalogue (UploadedImage), so the
items of the next version get the same picture without a new upload, and an uploaded picture
wins over an image address in the catalogue file. Each file is checked like a fetched image
(Pillow's verify, size and pixel limits); a ZIP is read in memory, never unpacked to disk, with
limits on its entries and their real (not declared) sizes. A bad file is reported by name and
never stops the others.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage

from catalogue.models import Catalogue, CatalogueItem, CatalogueVersion, UploadedImage
from catalogue.pictures.files import (
    MAX_REPORTED,
    PILLOW_FORMATS,
    FetchSettings,
    ImageProblem,
    store_image,
    too_big,
    too_many_pixels,
    verify,
)

MAX_ZIP_ENTRIES = 5_000
# Versions whose items get a new picture at once: the live one and those on their way to it.
CURRENT_STATUSES = CatalogueItem.INDEXED_VERSION_STATUSES
BATCH = 500
# A file name with its bytes, or the problem that kept it from being read (e.g. too large).
Upload = tuple[str, bytes | ImageProblem]


def too_large_upload() -> ImageProblem:
    return ImageProblem("FILE-TOO-BIG", limit=settings.CATALOGUE_MAX_UPLOAD_BYTES)


def expand_uploads(uploads: Iterable[Upload], config: FetchSettings) -> Iterator[Upload]:
    """(file name, bytes or ImageProblem) for each picture; ZIP files give one pair per entry."""
    for name, data in uploads:
        if isinstance(data, ImageProblem):  # refused before it was read, e.g. too large
            yield name, data
            continue
        if not (name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04"):
            yield name, data if len(data) <= config.max_bytes else too_big(config.max_bytes)
            continue
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            yield name, ImageProblem("ZIP-UNREADABLE")
            continue
        with archive:
            entries = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and "__MACOSX/" not in info.filename
                and not PurePosixPath(info.filename).name.startswith(".")
            ]
            if len(entries) > MAX_ZIP_ENTRIES:
                yield (
                    name,
                    ImageProblem("ZIP-TOO-MANY-FILES", limit=MAX_ZIP_ENTRIES),
                )
                continue
            total = 0
            for info in entries:
                entry_name = f"{name}/{info.filename}"
                try:
                    with archive.open(info) as handle:
                        # Read one byte past the limit: the sizes in the ZIP's directory may lie.
                        content = handle.read(config.max_bytes + 1)
                except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
                    yield entry_name, ImageProblem("ZIP-ENTRY-DAMAGED")
                    continue
                if len(content) > config.max_bytes:
                    yield entry_name, too_big(config.max_bytes)
                    continue
                total += len(content)
                if total > settings.CATALOGUE_MAX_UPLOAD_BYTES:
                    yield (
                        name,
                        ImageProblem("ZIP-TOO-LARGE"),
                    )
                    break
                yield entry_name, content


def _content_type(data: bytes) -> str:
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            content_type = PILLOW_FORMATS.get(probe.format or "", "")
    except PILImage.DecompressionBombError:  # a small file that would unpack to billions of pixels
        raise too_many_pixels() from None
    except Exception:
        content_type = ""
    if not content_type:
        raise ImageProblem("NOT-A-PICTURE-TYPE")
    return content_type


def _current_versions(catalogue: Catalogue) -> list[int]:
    return list(catalogue.versions.filter(status__in=CURRENT_STATUSES).values_list("pk", flat=True))


def _item_keys(version_ids: list[int]) -> dict[str, str]:
    """Lookup key -> seller item ID, by item ID (case-insensitive) and by GTIN (leading zeros ignored)."""
    keys: dict[str, str] = {}
    rows = CatalogueItem.objects.filter(version_id__in=version_ids).values_list("seller_item_id", "gtin")
    for seller_item_id, gtin in rows.iterator(chunk_size=2_000):
        if gtin:
            keys.setdefault("gtin:" + gtin.lstrip("0"), seller_item_id)
        keys["id:" + seller_item_id.casefold()] = seller_item_id
    return keys


def _match(file_name: str, keys: dict[str, str]) -> str | None:
    stem = PurePosixPath(file_name.replace("\\", "/")).name.rsplit(".", 1)[0].strip()
    found = keys.get("id:" + stem.casefold())
    if found is None and stem.isdigit():
        found = keys.get("gtin:" + stem.lstrip("0"))
    return found


def attach_uploaded_images(
    catalogue: Catalogue, uploads: Iterable[Upload], user=None, config: FetchSettings | None = None
) -> dict:
    """Store each picture, remember it for its item ID, and show it on the current versions' items."""
    config = config or FetchSettings.from_settings()
    versions = _current_versions(catalogue)
    keys = _item_keys(versions)
    attached: list[dict] = []
    problems: list[dict] = []
    problem_count = 0
    for file_name, content in expand_uploads(uploads, config):
        seller_item_id = None
        try:
            if isinstance(content, ImageProblem):
                raise content
            seller_item_id = _match(file_name, keys)
            if seller_item_id is None:
                raise ImageProblem("NAME-NOT-AN-ITEM")
            content_type = _content_type(content)
            verify(content, content_type, config)
            image = store_image(content, content_type, seller_item_id)
        except ImageProblem as problem:
            problem_count += 1
            if len(problems) < MAX_REPORTED:
                problems.append({"file": file_name, "seller_item_id": seller_item_id or "", **problem.to_dict()})
            continue
        UploadedImage.objects.update_or_create(
            catalogue=catalogue,
            seller_item_id=seller_item_id,
            defaults={
                "image": image,
                "original_filename": file_name[:255],
                "uploaded_by": user,
                "uploaded_at": timezone.now(),
            },
        )
        attached.append({"file": file_name, "seller_item_id": seller_item_id})
    items_updated = sum(apply_uploaded_images(version) for version in CatalogueVersion.objects.filter(pk__in=versions))
    return {
        "attached": attached,
        "items_updated": items_updated,
        "problems": problems,
        "problem_count": problem_count,
    }


def uploaded_image_ids(catalogue_id: int) -> dict[str, int]:
    """Seller item ID -> uploaded Wagtail image id, for one catalogue."""
    return dict(UploadedImage.objects.filter(catalogue_id=catalogue_id).values_list("seller_item_id", "image_id"))


def apply_uploaded_images(version: CatalogueVersion) -> int:
    """Give the version's items their uploaded pictures; returns how many items changed."""
    uploaded = uploaded_image_ids(version.catalogue_id)
    if not uploaded:
        return 0
    changed: list[CatalogueItem] = []
    ids = list(uploaded)
    for start in range(0, len(ids), BATCH):
        items = CatalogueItem.objects.filter(version=version, seller_item_id__in=ids[start : start + BATCH]).only(
            "pk", "seller_item_id", "image"
        )
        for item in items:
            if item.image_id != uploaded[item.seller_item_id]:
                item.image_id = uploaded[item.seller_item_id]
                changed.append(item)
    with transaction.atomic():
        CatalogueItem.objects.bulk_update(changed, ["image"], batch_size=BATCH)
    return len(changed)
