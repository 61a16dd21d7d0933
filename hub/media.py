"""Public media when no web server in front serves it (`make run`): product images only.

Django serves no media with DEBUG off, and must never serve the whole MEDIA_ROOT: only Wagtail's
images (`original_images/`, renditions in `images/`) of raster image types, with their type fixed
by the extension and `X-Content-Type-Options: nosniff`, so an uploaded HTML or SVG file can never
run as a page of the hub. In production the front web server serves the same two folders
(docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

PUBLIC_IMAGE_FOLDERS = ("original_images", "images")
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}


@require_safe
def public_image(request, path: str) -> FileResponse:
    parts = PurePosixPath(path).parts
    if len(parts) < 2 or parts[0] not in PUBLIC_IMAGE_FOLDERS or any(p in {"..", "."} for p in parts):
        raise Http404
    content_type = IMAGE_TYPES.get(PurePosixPath(path).suffix.lower())
    if content_type is None:
        raise Http404
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception:  # SuspiciousFileOperation: outside MEDIA_ROOT
        raise Http404 from None
    if not full_path.is_file():
        raise Http404
    response = FileResponse(full_path.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response
