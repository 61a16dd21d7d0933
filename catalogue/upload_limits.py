"""Refuse an oversized upload by its Content-Length, before anything reads the body.

Django's CSRF check reads request.POST, which parses the whole multipart body (streamed to a
temporary file above FILE_UPLOAD_MAX_MEMORY_SIZE, but read all the same), so a 250 MB upload was
received in full before the portal said it was too large. This middleware sits before
CsrfViewMiddleware and answers 413 at once. The API (its own 413 in JSON) is left to itself; a body
without Content-Length (chunked) still meets the limit in catalogue.intake.pipeline.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

MULTIPART_SLACK = 64 * 1024  # room for the form's other fields and the multipart boundaries


class UploadSizeLimitMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in {"POST", "PUT"} and not request.path_info.startswith("/api/"):
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > settings.CATALOGUE_MAX_UPLOAD_BYTES + MULTIPART_SLACK:
                return self.too_large(request)
        return self.get_response(request)

    @staticmethod
    def too_large(request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        with translation.override(language):
            megabytes = settings.CATALOGUE_MAX_UPLOAD_BYTES // (1024 * 1024)
            title = _("Filen är för stor")
            text = _("Filen är större än %(limit)s MB och togs inte emot. Dela upp katalogen eller packa bilderna.") % {
                "limit": megabytes
            }
            back = _("Tillbaka")
        page = (
            f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p>"
            f'<p><a href="{escape(request.path)}">{escape(back)}</a></p></main></body></html>'
        )
        # The rest of the body is never read; the server closes the connection.
        return HttpResponse(page, status=413)
