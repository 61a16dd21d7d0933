"""Shared helpers for the portal and review views."""

from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from catalogue.models import CatalogueVersion
from catalogue.responses import ResponseNotReady, build_response, response_filename

IN_PROGRESS = {CatalogueVersion.Status.RECEIVED}


class PortalLoginView(LoginView):
    template_name = "catalogue/portal/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        if self.request.user.has_perm("catalogue.review_catalogueversion"):
            return reverse("catalogue:review-list")
        return reverse("catalogue:portal")


def t58_download(version: CatalogueVersion) -> HttpResponse:
    """The T58 document as a download, or a bilingual 409 when there is no decision yet."""
    try:
        document = build_response(version)
    except ResponseNotReady as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{response_filename(version)}"'
    return response


def report_issues(version: CatalogueVersion) -> list[dict]:
    """The stored report's issues (catalogue.validation.report.Report.to_dict format)."""
    issues = (version.report or {}).get("issues", [])
    return [issue for issue in issues if isinstance(issue, dict)]


def status_hint(version: CatalogueVersion) -> str:
    Status = CatalogueVersion.Status
    hints = {
        Status.RECEIVED: _("Filen kontrolleras / The file is being checked"),
        Status.INVALID: _("Rätta felen i rapporten och ladda upp igen / Fix the errors in the report and upload again"),
        Status.VALIDATED: _("Giltig, skickas till granskning / Valid, on its way to review"),
        Status.PENDING_REVIEW: _("Väntar på Katalogansvarig / Waiting for the catalogue reviewer"),
        Status.SCHEDULED: _("Godkänd, publiceras på startdatumet / Approved, published on the start date"),
        Status.PUBLISHED: _("Publicerad och synlig för beställare / Published and visible to buyers"),
        Status.REJECTED: _("Avvisad, se kommentaren / Rejected, see the comment"),
        Status.SUPERSEDED: _("Ersatt av en nyare version / Replaced by a newer version"),
    }
    return hints.get(version.status, "")
