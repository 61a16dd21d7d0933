"""The supplier portal: a supplier's catalogues, uploads, versions, reports and T58 responses.

Every lookup is filtered by the signed-in user's supplier, so another supplier's catalogue
or version is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

import logging
from functools import wraps
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from catalogue.catalogue_response import ACCEPTED, REJECTED, never_decided
from catalogue.export import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, export_csv, export_filename, export_xlsx, template_csv
from catalogue.formats.spreadsheet import template_xlsx
from catalogue.intake import import_file, retry
from catalogue.lifecycle import IllegalTransition, change_counts, outcome_message, withdraw
from catalogue.models import Catalogue, CatalogueVersion
from catalogue.review import ReviewError, confirm_removals, confirm_removals_over
from catalogue.views.common import (
    AWAITING_OUTCOME,
    IN_PROGRESS,
    catalogue_file_download,
    report_issues,
    status_hint,
    t58_download,
)
from hub.organisations.roles import supplier_for

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from hub.organisations.models import Supplier

logger = logging.getLogger(__name__)
Status = CatalogueVersion.Status
UploadMode = CatalogueVersion.UploadMode
ISSUES_PER_PAGE = 100
# What each upload mode does, said plainly beside its radio button.
MODE_HELP: dict[str, StrPromise] = {
    UploadMode.REPLACE: gettext_lazy(
        "Filen är hela katalogen: artiklar som inte finns i filen tas bort. Gäller alla format; en Peppol-fil "
        "följer sina egna åtgärdskoder (ActionCode)."
    ),
    UploadMode.UPDATE: gettext_lazy(
        "Bara Excel och CSV. Filen innehåller bara nya och ändrade rader; resten av katalogen ligger kvar. "
        "Skriv Ny, Ändra eller Ta bort i kolumnen Åtgärd."
    ),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Katalogfil"),
        help_text=gettext_lazy(
            "Peppol BIS Catalogue 3 (XML), BMEcat 2005 (XML), Excel (.xlsx), CSV med svenska kolumnrubriker "
            "eller cXML CIF 3.0 (.cif)"
        ),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Hur ska filen användas?"),
        choices=UploadMode.choices,
        initial=UploadMode.REPLACE,
        required=False,  # a form without the choice (an older page, a script) replaces, as before
        widget=forms.RadioSelect,
    )

    def clean_mode(self) -> str:
        return self.cleaned_data.get("mode") or UploadMode.REPLACE

    def mode_choices(self) -> list[dict]:
        """The radio buttons with their help texts, for the template's fieldset."""
        chosen = self["mode"].value() or UploadMode.REPLACE
        return [
            {"value": value, "label": label, "help": MODE_HELP[value], "checked": value == chosen}
            for value, label in UploadMode.choices
        ]


class SupplierRequest(HttpRequest):
    """A request through `supplier_required`: the signed-in user acts for `supplier`."""

    supplier: Supplier


def supplier_required(view):
    """Signed in and acting for a supplier; the supplier is put on request.supplier."""

    @wraps(view)
    @login_required
    def wrapper(request: SupplierRequest, *args, **kwargs):
        supplier = supplier_for(request.user)
        if supplier is None:
            raise PermissionDenied(_("Sidan är för leverantörer"))
        request.supplier = supplier
        return view(request, *args, **kwargs)

    return wrapper


def _own_catalogue(request: SupplierRequest, catalogue_id: int) -> Catalogue:
    return get_object_or_404(
        Catalogue.objects.select_related("agreement", "supplier"), pk=catalogue_id, supplier=request.supplier
    )


def _own_version(request: SupplierRequest, version_id: int) -> CatalogueVersion:
    return get_object_or_404(
        CatalogueVersion.objects.select_related("catalogue__agreement", "catalogue__supplier", "superseded_by"),
        pk=version_id,
        catalogue__supplier=request.supplier,
    )


@require_GET
@supplier_required
def home(request: SupplierRequest) -> HttpResponse:
    catalogues = (
        Catalogue.objects.filter(supplier=request.supplier)
        .select_related("agreement", "live_version")
        .order_by("agreement__reference")
    )
    return render(request, "catalogue/portal/home.html", {"supplier": request.supplier, "catalogues": catalogues})


@supplier_required
def catalogue_detail(request: SupplierRequest, catalogue_id: int) -> HttpResponse:
    catalogue = _own_catalogue(request, catalogue_id)
    can_upload = request.user.has_perm("catalogue.upload_catalogue")
    form = UploadForm()
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied(_("Du får inte ladda upp kataloger"))
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            version = _import(request, catalogue, form.cleaned_data["file"], form.cleaned_data["mode"])
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
            "confirm_removals_over": confirm_removals_over(),
            "can_upload": can_upload,
            "any_in_progress": any(v.status in IN_PROGRESS for v in versions),
        },
        status=status,
    )


def _import(request: HttpRequest, catalogue: Catalogue, upload, mode: str) -> CatalogueVersion | None:
    try:
        version = import_file(upload, catalogue=catalogue, user=request.user, filename=upload.name, mode=mode)
    except Exception:
        # Only storing the upload can raise here (processing failures end as a FAILED version): nothing was kept.
        logger.exception("Catalogue upload failed for catalogue %s", catalogue.pk)
        messages.error(
            request,
            _("Filen kunde inte tas emot, försök igen senare"),
        )
        return None
    _tell_outcome(request, version)
    return version


def _own_version_to_change(request: SupplierRequest, version_id: int) -> CatalogueVersion:
    """The supplier's own version, for a user who may upload (withdraw and retry change it)."""
    version = _own_version(request, version_id)
    if not request.user.has_perm("catalogue.upload_catalogue"):
        raise PermissionDenied
    return version


MESSAGE_LEVELS = {"error": messages.ERROR, "info": messages.INFO, "success": messages.SUCCESS}


def _tell_outcome(request: HttpRequest, version: CatalogueVersion) -> None:
    """The one message the version's stored state gives the supplier (catalogue.lifecycle.outcome_message)."""
    level, text = outcome_message(version)
    messages.add_message(request, MESSAGE_LEVELS[level], text)


@require_POST
@supplier_required
def version_withdraw(request: SupplierRequest, version_id: int) -> HttpResponse:
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
def version_confirm(request: SupplierRequest, version_id: int) -> HttpResponse:
    """The supplier has seen the counts of a version that removes many items and sends it on."""
    version = _own_version_to_change(request, version_id)
    if not request.POST.get("confirm_removals"):
        messages.error(request, _("Kryssa i rutan för att bekräfta borttagningarna."))
        return redirect("catalogue:version", version_id=version.pk)
    try:
        version = confirm_removals(version, request.user)
    except ReviewError:
        messages.error(request, _("Versionen väntar inte på någon bekräftelse."))
    else:
        _tell_outcome(request, version)
    return redirect("catalogue:version", version_id=version.pk)


@require_POST
@supplier_required
def version_retry(request: SupplierRequest, version_id: int) -> HttpResponse:
    version = _own_version_to_change(request, version_id)
    try:
        version = retry(version, request.user)
    except IllegalTransition:
        messages.error(request, _("Bara en version vars behandling misslyckades kan köras igen."))
    else:
        _tell_outcome(request, version)
    return redirect("catalogue:version", version_id=version.pk)


@require_GET
@supplier_required
def version_detail(request: SupplierRequest, version_id: int) -> HttpResponse:
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
            "awaiting_outcome": version.status in AWAITING_OUTCOME,
            "has_response": version.status in _decided() and not never_decided(version),
            "can_withdraw": version.status in Status.WITHDRAWABLE and can_upload,
            "can_confirm": version.status == Status.AWAITING_CONFIRM and can_upload,
            "change_counts": change_counts(version) if version.diff_summary else "",
            "can_retry": version.status == Status.FAILED and can_upload,
        },
    )


def _decided() -> frozenset[str]:
    return ACCEPTED | REJECTED


@require_GET
@supplier_required
def version_progress(request: SupplierRequest, version_id: int) -> JsonResponse:
    version = _own_version(request, version_id)
    return JsonResponse(
        {
            "status": version.status,
            "status_display": version.get_status_display(),
            "progress_percent": version.progress_percent,
            "errors": version.error_count,
            "warnings": version.warning_count,
            "awaiting_outcome": version.status in AWAITING_OUTCOME,
        }
    )


@require_GET
@supplier_required
def version_response(request: SupplierRequest, version_id: int) -> HttpResponse:
    return t58_download(_own_version(request, version_id))


@require_GET
@supplier_required
def version_file(request: SupplierRequest, version_id: int) -> FileResponse:
    return catalogue_file_download(_own_version(request, version_id))


@require_GET
@supplier_required
def xlsx_template(request: SupplierRequest) -> HttpResponse:
    response = HttpResponse(
        template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="katalogmall.xlsx"'
    return response


@require_GET
@supplier_required
def csv_template(request: SupplierRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="katalogmall.csv"'
    return response


@require_GET
@supplier_required
def catalogue_export(request: SupplierRequest, catalogue_id: int, fmt: str) -> HttpResponse:
    """The supplier's own live catalogue in the template's format, to edit and upload again."""
    catalogue = _own_catalogue(request, catalogue_id)
    version = catalogue.live_version
    if version is None:
        raise Http404(_("Katalogen har ingen publicerad version än."))
    if fmt == "csv":
        response = HttpResponse(export_csv(version), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(export_xlsx(version), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(version, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
