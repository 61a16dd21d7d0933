"""The supplier portal's picture page: upload item pictures (files or a ZIP) for one catalogue."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from catalogue.pictures.uploads import attach_uploaded_images, too_large_upload
from catalogue.views.portal import SupplierRequest, _own_catalogue, supplier_required

PER_PAGE = 100
MAX_FILES = 1_000


@supplier_required
def catalogue_images(request: SupplierRequest, catalogue_id: int) -> HttpResponse:
    catalogue = _own_catalogue(request, catalogue_id)
    can_upload = request.user.has_perm("catalogue.upload_catalogue")
    report = None
    error = ""
    status = 200
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied(_("Du får inte ladda upp bilder"))
        files = request.FILES.getlist("files")
        if not files:
            error = _("Välj minst en bildfil eller ZIP-fil")
        elif len(files) > MAX_FILES:
            error = _("Högst %(n)s filer åt gången; lägg fler i en ZIP-fil") % {"n": MAX_FILES}
        else:
            # A file over the limit is reported without being read into memory.
            limit = settings.CATALOGUE_MAX_UPLOAD_BYTES
            uploads = ((f.name or "", f.read() if (f.size or 0) <= limit else too_large_upload()) for f in files)
            report = attach_uploaded_images(catalogue, uploads, user=request.user)
        status = 400 if error else 200
    uploaded = catalogue.uploaded_images.select_related("image").order_by("seller_item_id")
    page = Paginator(uploaded, PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "catalogue/portal/images.html",
        {"catalogue": catalogue, "can_upload": can_upload, "report": report, "error": error, "page": page},
        status=status,
    )
