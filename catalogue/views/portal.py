"""The supplier portal: a supplier's catalogues, uploads, versions, reports and T58 responses.

Every lookup is filtered by the signed-in user's supplier, so another supplier's catalogue
or version is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

import logging
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from catalogue.lifecycle import IllegalTransition, outcome_message, retry, withdraw
from catalogue.models import Catalogue, CatalogueVersion
from catalogue.responses import never_decided
from catalogue.views.common import IN_PROGRESS, catalogue_file_download, report_issues, status_hint, t58_download
from hub.organisations.roles import supplier_for

logger = logging.getLogger(__name__)
Status = CatalogueVersion.Status
ISSUES_PER_PAGE = 100


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Katalogfil"),
        help_text=gettext_lazy(
            "Peppol BIS Catalogue 3 (XML), BMEcat 2005 (XML), Excel (.xlsx), CSV med svenska kolumnrubriker "
            "eller cXML CIF 3.0 (.cif)"
        ),
    )


def supplier_required(view):
    """Signed in and acting for a supplier; the supplier is put on request.supplier."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs):
        supplier = supplier_for(request.user)
        if supplier is None:
            raise PermissionDenied(_("Sidan är för leverantörer"))
        request.supplier = supplier
        return view(request, *args, **kwargs)

    return wrapper


def _own_catalogue(request: HttpRequest, catalogue_id: int) -> Catalogue:
    return get_object_or_404(
        Catalogue.objects.select_related("agreement", "supplier"), pk=catalogue_id, supplier=request.supplier
    )


def _own_version(request: HttpRequest, version_id: int) -> CatalogueVersion:
    return get_object_or_404(
        CatalogueVersion.objects.select_related("catalogue__agreement", "catalogue__supplier", "superseded_by"),
        pk=version_id,
        catalogue__supplier=request.supplier,
    )


@require_GET
@supplier_required
def home(request: HttpRequest) -> HttpResponse:
    catalogues = (
        Catalogue.objects.filter(supplier=request.supplier)
        .select_related("agreement", "live_version")
        .order_by("agreement__reference")
    )
    return render(request, "catalogue/portal/home.html", {"supplier": request.supplier, "catalogues": catalogues})


@supplier_required
def catalogue_detail(request: HttpRequest, catalogue_id: int) -> HttpResponse:
    catalogue = _own_catalogue(request, catalogue_id)
    can_upload = request.user.has_perm("catalogue.upload_catalogue")
    form = UploadForm()
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied(_("Du får inte ladda upp kataloger"))
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            version = _import(request, catalogue, form.cleaned_data["file"])
            if version is not None:
                return redirect("catalogue:version", version_id=version.pk)
        status = 400
    else:
        status = 200
    versions = catalogue.versions.select_related("uploaded_by", "superseded_by").order_by("-number")
    return render(
        request,
        "catalogue/portal/catalogue.html",
        {
            "catalogue": catalogue,
            "versions": versions,
            "form": form,
            "can_upload": can_upload,
            "any_in_progress": any(v.status in IN_PROGRESS for v in versions),
        },
        status=status,
    )


def _import(request: HttpRequest, catalogue: Catalogue, upload) -> CatalogueVersion | None:
    try:
        from catalogue.importing import import_file
    except ImportError:
        messages.error(request, _("Uppladdning är inte tillgänglig just nu"))
        return None
    try:
        version = import_file(upload, catalogue=catalogue, user=request.user, filename=upload.name)
    except Exception:
        # Only storing the upload can raise here (processing failures end as a FAILED version): nothing was kept.
        logger.exception("Catalogue upload failed for catalogue %s", catalogue.pk)
        messages.error(
            request,
            _("Filen kunde inte tas emot, försök igen senare"),
        )
        return None
    level, text = outcome_message(version)
    messages.add_message(request, MESSAGE_LEVELS[level], text)
    return version


def _own_version_to_change(request: HttpRequest, version_id: int) -> CatalogueVersion:
    """The supplier's own version, for a user who may upload (withdraw and retry change it)."""
    version = _own_version(request, version_id)
    if not request.user.has_perm("catalogue.upload_catalogue"):
        raise PermissionDenied
    return version


MESSAGE_LEVELS = {"error": messages.ERROR, "info": messages.INFO, "success": messages.SUCCESS}


@require_POST
@supplier_required
def version_withdraw(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _own_version_to_change(request, version_id)
    try:
        withdraw(version, request.user)
    except IllegalTransition:
        messages.error(request, _("Versionen kan inte återkallas i sin nuvarande status."))
    else:
        messages.success(request, _("Versionen är återkallad och granskas inte."))
    return redirect("catalogue:version", version_id=version.pk)


@require_POST
@supplier_required
def version_retry(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _own_version_to_change(request, version_id)
    try:
        version = retry(version, request.user)
    except IllegalTransition:
        messages.error(request, _("Bara en version vars behandling misslyckades kan köras igen."))
    else:
        level, text = outcome_message(version)
        messages.add_message(request, MESSAGE_LEVELS[level], text)
    return redirect("catalogue:version", version_id=version.pk)


@require_GET
@supplier_required
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _own_version(request, version_id)
    can_upload = request.user.has_perm("catalogue.upload_catalogue")
    page = Paginator(report_issues(version), ISSUES_PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "catalogue/portal/version.html",
        {
            "version": version,
            "catalogue": version.catalogue,
            "issues": page,
            "hint": status_hint(version),
            "in_progress": version.status in IN_PROGRESS,
            "has_response": version.status in _decided() and not never_decided(version),
            "can_withdraw": version.status in Status.WITHDRAWABLE and can_upload,
            "can_retry": version.status == Status.FAILED and can_upload,
        },
    )


def _decided() -> set[str]:
    from catalogue.responses import ACCEPTED, REJECTED

    return ACCEPTED | REJECTED


@require_GET
@supplier_required
def version_progress(request: HttpRequest, version_id: int) -> JsonResponse:
    version = _own_version(request, version_id)
    return JsonResponse(
        {
            "status": version.status,
            "status_display": version.get_status_display(),
            "progress_percent": version.progress_percent,
            "errors": version.error_count,
            "warnings": version.warning_count,
        }
    )


@require_GET
@supplier_required
def version_response(request: HttpRequest, version_id: int) -> HttpResponse:
    return t58_download(_own_version(request, version_id))


@require_GET
@supplier_required
def version_file(request: HttpRequest, version_id: int) -> HttpResponse:
    return catalogue_file_download(_own_version(request, version_id))


@require_GET
@supplier_required
def xlsx_template(request: HttpRequest) -> HttpResponse:
    try:
        from catalogue.formats.spreadsheet import template_xlsx
    except ImportError:
        return HttpResponse(
            _("Mallen finns inte än"),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="katalogmall.xlsx"'
    return response
