"""A picture file, fetched or uploaded: checked (type, size, pixels, Pillow's verify), re-encoded, stored.

Only images re-encoded by Pillow reach the public media, never the bytes a supplier sent (no SVG,
no HTML). Problems are stored as {"code", "params"} and worded when shown, in the page's language.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.images import ImageFile
from django.utils.translation import gettext_lazy
from PIL import Image as PILImage
from PIL import ImageOps
from wagtail.images import get_image_model
from wagtail.models import Collection

from catalogue.error_codes import in_page_language

if TYPE_CHECKING:
    from wagtail.images.models import AbstractImage

logger = logging.getLogger(__name__)

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
PILLOW_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
THUMBNAIL_SPEC = "fill-160x160"
MAX_REPORTED = 500
COLLECTION_NAME = "Katalogbilder"


# Why an image could not be used, by code; stored as {"code", "params"} in the image reports and worded
# when shown (image_problem_text), in the page's language. All are safe to show the supplier.
IMAGE_PROBLEMS = {
    "NOT-FETCHED": gettext_lazy("Bilden kunde inte hämtas"),
    "TOO-BIG": gettext_lazy("Bilden är större än %(limit)s byte"),
    "TOO-MANY-PIXELS": gettext_lazy("Bilden är för stor (för många pixlar)"),
    "NOT-AN-IMAGE": gettext_lazy("Filen är ingen giltig bild"),
    "TYPE-MISMATCH": gettext_lazy("Bilden är %(found)s men servern säger %(declared)s"),
    "NOT-STORED": gettext_lazy("Bilden kunde inte sparas"),
    "FILE-TOO-BIG": gettext_lazy("Filen är större än %(limit)s byte"),
    "ZIP-UNREADABLE": gettext_lazy("ZIP-filen går inte att läsa"),
    "ZIP-TOO-MANY-FILES": gettext_lazy("ZIP-filen har fler än %(limit)s filer"),
    "ZIP-ENTRY-DAMAGED": gettext_lazy("Filen i ZIP-filen är skadad"),
    "ZIP-TOO-LARGE": gettext_lazy("ZIP-filen är för stor uppackad; dela upp den"),
    "NAME-NOT-AN-ITEM": gettext_lazy(
        "Filnamnet är inget artikelnummer eller GTIN i katalogen; döp filen till t.ex. ARTIKELNUMMER.jpg"
    ),
    "NOT-A-PICTURE-TYPE": gettext_lazy("Filen är ingen bild i JPEG, PNG, GIF eller WebP"),
}


def image_problem_text(problem: dict) -> str:
    """A stored image problem in the active language; reports stored before codes keep their "sv / en" text."""
    code = problem.get("code")
    wording = IMAGE_PROBLEMS.get(code) if isinstance(code, str) else None
    if wording is not None:
        try:
            return str(wording) % (problem.get("params") or {})
        except (KeyError, TypeError, ValueError):
            pass
    return in_page_language(str(problem.get("message") or problem.get("code") or ""))


class ImageProblem(Exception):
    """One image could not be used: a code and its parameters, worded in the active language by str()."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = {key: value if isinstance(value, (int, str)) else str(value) for key, value in params.items()}

    def __str__(self) -> str:
        return image_problem_text(self.to_dict())

    def to_dict(self) -> dict:
        return {"code": self.code, "params": self.params}


# Whatever went wrong on the way (a refused address, no answer, a status code, a content type), the supplier
# reads only this: the fetch must not tell anyone what answers on the hub's side of the network.
NOT_FETCHED = "NOT-FETCHED"


@dataclass
class FetchSettings:
    timeout: float  # the TOTAL time one fetch may take, redirects and the whole body included
    max_bytes: int
    max_pixels: int
    allow_private: bool

    @classmethod
    def from_settings(cls) -> FetchSettings:
        return cls(
            timeout=float(settings.CATALOGUE_IMAGE_TIMEOUT),
            max_bytes=int(settings.CATALOGUE_IMAGE_MAX_BYTES),
            max_pixels=int(settings.CATALOGUE_IMAGE_MAX_PIXELS),
            allow_private=bool(settings.CATALOGUE_IMAGE_ALLOW_PRIVATE),
        )


def too_big(limit: int) -> ImageProblem:
    return ImageProblem("TOO-BIG", limit=limit)


def too_many_pixels() -> ImageProblem:
    return ImageProblem("TOO-MANY-PIXELS")


def verify(data: bytes, content_type: str, config: FetchSettings) -> None:
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            probe_format = probe.format
            width, height = probe.size
            probe.verify()
    except PILImage.DecompressionBombError:
        raise too_many_pixels() from None
    except Exception:
        # Pillow raises many types for broken files; all mean the same to the supplier.
        raise ImageProblem("NOT-AN-IMAGE") from None
    if width * height > config.max_pixels:
        raise too_many_pixels()
    if PILLOW_FORMATS.get(probe_format or "") != content_type:
        raise ImageProblem("TYPE-MISMATCH", found=probe_format, declared=content_type)


def _collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


def reencode(data: bytes) -> tuple[bytes, str]:
    """Pixels only, decoded and written again by Pillow: JPEG stays JPEG, everything else becomes PNG.

    Whatever else the file carried (metadata, trailing bytes, a second format hidden in it) is gone, so
    the public media holds nothing a browser could read as HTML or script. Call after _verify.
    """
    with PILImage.open(io.BytesIO(data)) as source:
        source.seek(0)  # the first frame of an animation
        picture = ImageOps.exif_transpose(source)  # keep the orientation the dropped EXIF gave
        out = io.BytesIO()
        if source.format == "JPEG":
            if picture.mode not in {"RGB", "L"}:
                picture = picture.convert("RGB")
            picture.save(out, "JPEG", quality=90, optimize=True)
            return out.getvalue(), "image/jpeg"
        if picture.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
            picture = picture.convert("RGBA")
        picture.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png"


def store_image(data: bytes, content_type: str, title: str) -> AbstractImage:
    """A Wagtail image of these pixels, re-encoded (reused when identical) with its thumbnail."""
    data, content_type = reencode(data)
    Image = get_image_model()
    file_hash = hashlib.sha1(data).hexdigest()  # noqa: S324 - Wagtail's own file_hash is SHA-1
    image = Image.objects.filter(file_hash=file_hash).first()
    if image is None:
        image = Image(title=title[:255], collection=_collection())
        image.file = ImageFile(io.BytesIO(data), name=f"{file_hash[:16]}.{ALLOWED_TYPES[content_type]}")
        # What Wagtail's upload form sets besides the file (its _set_image_file_metadata), known here already.
        image.file_size = len(data)
        image.file_hash = file_hash
        image.save()
    image.get_rendition(THUMBNAIL_SPEC)
    return image
