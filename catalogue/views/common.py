"""Shared helpers for the portal and review views."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from catalogue.catalogue_response import ResponseNotReady, build_response, response_filename
from catalogue.models import CatalogueVersion
from catalogue.storage import content_type_for, safe_extension

IN_PROGRESS = CatalogueVersion.Status.IN_PROGRESS
# The version page keeps polling until the outcome is known: VALIDATED lasts only until the worker has
# decided it (auto-approval publishes it, or it goes to review), so the page must not stop there.
AWAITING_OUTCOME = IN_PROGRESS | {CatalogueVersion.Status.VALIDATED}


def t58_download(version: CatalogueVersion) -> HttpResponse:
    """The T58 document as a download, or a bilingual 409 when there is no decision yet."""
    try:
        document = build_response(version)
    except ResponseNotReady as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{response_filename(version)}"'
    return response


def catalogue_file_download(version: CatalogueVersion) -> FileResponse:
    """The uploaded catalogue file as an attachment that no browser renders (callers check who may see it)."""
    if not version.file:
        raise Http404
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    stored = version.file.name
    filename = version.original_filename or f"katalog-v{version.number}{safe_extension(stored)}"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type_for(stored))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def report_issues(version: CatalogueVersion) -> list[dict]:
    """The stored report's issues (catalogue.report.Report.to_dict format)."""
    issues = (version.report or {}).get("issues", [])
    return [issue for issue in issues if isinstance(issue, dict)]


def status_hint(version: CatalogueVersion) -> str:
    Status = CatalogueVersion.Status
    if (
        version.status == Status.SUPERSEDED
        and version.published_at is None
        and (newer := version.superseded_by) is not None
    ):
        return _("En nyare giltig fil kom medan den här väntade; version %(number)s granskas i stället") % {
            "number": newer.number
        }
    hints: dict[str, str] = {
        Status.RECEIVED: _("Filen kontrolleras"),
        Status.CHECKING: _("Filen är läst; de officiella Peppol-reglerna körs. Den kan granskas när de är klara."),
        Status.INVALID: _("Rätta felen i rapporten och ladda upp igen"),
        Status.VALIDATED: _("Giltig, skickas till granskning"),
        Status.AWAITING_CONFIRM: _("Filen tar bort många artiklar. Bekräfta ändringarna för att skicka den vidare."),
        Status.PENDING_REVIEW: _("Väntar på Katalogansvarig"),
        Status.SCHEDULED: _("Godkänd, publiceras på startdatumet"),
        Status.PUBLISHED: _("Publicerad och synlig för beställare"),
        Status.REJECTED: _("Avvisad, se kommentaren"),
        Status.SUPERSEDED: _("Ersatt av en nyare version"),
        Status.WITHDRAWN: _("Återkallad av leverantören innan den beslutades"),
        Status.FAILED: _("Behandlingen avbröts av ett fel hos hubben, inte i filen. Den kan köras igen med samma fil."),
    }
    return hints.get(version.status, "")
