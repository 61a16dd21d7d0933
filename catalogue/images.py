"""Product images from the URLs in a catalogue, fetched in the background.

Each URL is fetched once per version (many items share a picture), with a timeout, a size
limit, a content-type check and Pillow's verify(); the image is stored as a Wagtail image
(reused when the same bytes were stored before) with a thumbnail rendition. A broken image
never fails the import: it is listed in version.image_report and the item shows no picture.

Addresses must be http(s). Hosts that resolve to private, loopback or link-local addresses
are refused (a catalogue must not make the hub probe its own network) unless
CATALOGUE_IMAGE_ALLOW_PRIVATE is on, which the tests use for their local server.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import logging
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from PIL import Image as PILImage

from catalogue.models import CatalogueItem, CatalogueVersion

logger = logging.getLogger(__name__)

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
PILLOW_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
THUMBNAIL_SPEC = "fill-160x160"
MAX_REDIRECTS = 3
MAX_REPORTED = 500
COLLECTION_NAME = "Katalogbilder"


class ImageProblem(Exception):
    """One image could not be used; the message is Swedish / English."""


@dataclass
class FetchSettings:
    timeout: float
    max_bytes: int
    max_pixels: int
    allow_private: bool

    @classmethod
    def from_settings(cls) -> FetchSettings:
        return cls(
            timeout=float(getattr(settings, "CATALOGUE_IMAGE_TIMEOUT", 10)),
            max_bytes=int(getattr(settings, "CATALOGUE_IMAGE_MAX_BYTES", 5 * 1024 * 1024)),
            max_pixels=int(getattr(settings, "CATALOGUE_IMAGE_MAX_PIXELS", 40_000_000)),
            allow_private=bool(getattr(settings, "CATALOGUE_IMAGE_ALLOW_PRIVATE", False)),
        )


def _check_address(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImageProblem("Adressen måste börja med https:// / The address must start with https://")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror:
        raise ImageProblem("Servern finns inte / The server does not exist") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            raise ImageProblem("Adressen pekar på ett internt nät / The address points to an internal network")


def fetch_image_bytes(url: str, config: FetchSettings) -> tuple[bytes, str]:
    """Download and check one image: (bytes, content type) or ImageProblem."""
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    for _ in range(MAX_REDIRECTS + 1):
        _check_address(url, config.allow_private)
        try:
            response = session.get(url, timeout=config.timeout, stream=True, allow_redirects=False)
        except requests.Timeout:
            raise ImageProblem("Servern svarade inte i tid / The server did not answer in time") from None
        except requests.RequestException:
            raise ImageProblem("Bilden kunde inte hämtas / The image could not be fetched") from None
        if response.is_redirect and response.headers.get("Location"):
            url = urljoin(url, response.headers["Location"])  # each hop is checked again above
            response.close()
            continue
        break
    else:
        raise ImageProblem("För många omdirigeringar / Too many redirects")
    with response:
        if response.status_code != 200:
            raise ImageProblem(f"Servern svarade {response.status_code} / The server answered {response.status_code}")
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in ALLOWED_TYPES:
            raise ImageProblem(
                f"Inte en bild ({content_type or 'okänd typ'}); tillåtet: JPEG, PNG, GIF, WebP / "
                f"Not an image ({content_type or 'unknown type'}); allowed: JPEG, PNG, GIF, WebP"
            )
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > config.max_bytes:
            raise _too_big(config.max_bytes)
        body = bytearray()
        try:
            for chunk in response.iter_content(64 * 1024):
                body.extend(chunk)
                if len(body) > config.max_bytes:
                    raise _too_big(config.max_bytes)
        except requests.RequestException:
            raise ImageProblem("Överföringen avbröts / The transfer was interrupted") from None
    data = bytes(body)
    _verify(data, content_type, config)
    return data, content_type


def _too_big(limit: int) -> ImageProblem:
    return ImageProblem(f"Bilden är större än {limit} byte / The image is larger than {limit} bytes")


def _verify(data: bytes, content_type: str, config: FetchSettings) -> None:
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            probe_format = probe.format
            width, height = probe.size
            probe.verify()
    except PILImage.DecompressionBombError:
        raise ImageProblem("Bilden är för stor i pixlar / The image has too many pixels") from None
    except Exception:
        # Pillow raises many types for broken files; all mean the same to the supplier.
        raise ImageProblem("Filen är ingen giltig bild / The file is not a valid image") from None
    if width * height > config.max_pixels:
        raise ImageProblem("Bilden är för stor i pixlar / The image has too many pixels")
    if PILLOW_FORMATS.get(probe_format) != content_type:
        raise ImageProblem(
            f"Bilden är {probe_format} men servern säger {content_type} / "
            f"The image is {probe_format} but the server says {content_type}"
        )


def _collection():
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


def store_image(data: bytes, content_type: str, title: str):
    """A Wagtail image for these bytes (reused when identical bytes are stored) with its thumbnail."""
    from wagtail.images import get_image_model

    Image = get_image_model()
    file_hash = hashlib.sha1(data).hexdigest()  # noqa: S324 - Wagtail's own file_hash is SHA-1
    image = Image.objects.filter(file_hash=file_hash).first()
    if image is None:
        image = Image(title=title[:255], collection=_collection())
        image.file = ImageFile(io.BytesIO(data), name=f"{file_hash[:16]}.{ALLOWED_TYPES[content_type]}")
        image._set_image_file_metadata()
        image.save()
    image.get_rendition(THUMBNAIL_SPEC)
    return image


def fetch_images(version: CatalogueVersion, config: FetchSettings | None = None) -> dict:
    """Fetch every item's first usable image URL; store the report on the version and return it."""
    from catalogue.image_uploads import uploaded_image_ids

    config = config or FetchSettings.from_settings()
    uploaded = uploaded_image_ids(version.catalogue_id)  # a supplier's uploaded picture wins over a URL
    by_url: dict[str, object] = {}  # url -> image or ImageProblem
    problems: list[dict] = []
    problem_count = 0
    updated: list[CatalogueItem] = []
    items = (
        CatalogueItem.objects.filter(version=version)
        .exclude(image_urls=[])
        .only("pk", "seller_item_id", "name", "image_urls", "image")
        .order_by("line_number")
    )
    for item in items.iterator(chunk_size=500):
        if item.seller_item_id in uploaded:
            continue
        urls = [url for url in (item.image_urls or []) if isinstance(url, str) and url.strip()]
        for url in urls:
            url = url.strip()
            if url not in by_url:
                try:
                    data, content_type = fetch_image_bytes(url, config)
                    by_url[url] = store_image(data, content_type, f"{item.seller_item_id} {item.name}")
                except ImageProblem as problem:
                    by_url[url] = problem
                except Exception:  # storage or rendition failure: report it, never fail the import
                    logger.exception("Storing image %s for version %s failed", url, version.pk)
                    by_url[url] = ImageProblem("Bilden kunde inte sparas / The image could not be stored")
            result = by_url[url]
            if isinstance(result, ImageProblem):
                problem_count += 1
                if len(problems) < MAX_REPORTED:
                    problems.append({"seller_item_id": item.seller_item_id, "url": url, "message": str(result)})
                continue
            if item.image_id != result.pk:
                item.image = result
                updated.append(item)
            break
    with transaction.atomic():
        CatalogueItem.objects.bulk_update(updated, ["image"], batch_size=500)
        report = {
            "checked_at": timezone.now().isoformat(),
            "urls": len(by_url),
            "stored": sum(1 for value in by_url.values() if not isinstance(value, ImageProblem)),
            "items_with_image": len(updated),
            "problem_count": problem_count,
            "problems": problems,
        }
        CatalogueVersion.objects.filter(pk=version.pk).update(image_report=report)
    version.image_report = report
    return report


@task()
def fetch_version_images(version_id: int) -> dict:
    """Background form of fetch_images (django-tasks)."""
    version = CatalogueVersion.objects.get(pk=version_id)
    report = fetch_images(version)
    return {key: report[key] for key in ("urls", "stored", "problem_count")}


def enqueue_image_fetch(version: CatalogueVersion) -> bool:
    """Give the items their uploaded pictures now; queue the URL fetch after the current transaction."""
    from catalogue.image_uploads import apply_uploaded_images

    apply_uploaded_images(version)
    if not getattr(settings, "CATALOGUE_FETCH_IMAGES", True):
        return False
    if not CatalogueItem.objects.filter(version=version).exclude(image_urls=[]).exists():
        return False
    transaction.on_commit(lambda: fetch_version_images.enqueue(version.pk))
    return True
