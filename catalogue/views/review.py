"""Review screens for a Katalogansvarig: pending versions, the diff, approve or reject."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalogue.catalogue_response import never_decided
from catalogue.diff import added_items, diff_versions, removed_items
from catalogue.models import CatalogueVersion
from catalogue.review import ReviewError, approve, reject
from catalogue.views.common import catalogue_file_download, status_hint, t58_download

logger = logging.getLogger(__name__)
SHOWN = 200  # rows per change list; the counts are always complete
Status = CatalogueVersion.Status


def reviewer_required(view):
    view = permission_required("catalogue.review_catalogueversion", raise_exception=True)(view)
    return login_required(view)


@require_GET
@reviewer_required
def review_list(request: HttpRequest) -> HttpResponse:
    versions = CatalogueVersion.objects.select_related("catalogue__supplier", "catalogue__agreement")
    return render(
        request,
        "catalogue/review/list.html",
        {
            "pending": versions.filter(status=Status.PENDING_REVIEW).order_by("uploaded_at"),
            # A decision is its status and its fields together; a decidable status is never listed as decided.
            "decided": versions.filter(reviewed_at__isnull=False)
            .exclude(status__in=Status.DECIDABLE)
            .order_by("-reviewed_at")[:20],
            "failed": versions.filter(status=Status.FAILED).order_by("-uploaded_at")[:20],
            "set_aside": versions.select_related("superseded_by")
            .filter(
                Q(status=Status.WITHDRAWN)
                | Q(status=Status.SUPERSEDED, superseded_by__isnull=False, reviewed_at__isnull=True)
            )
            .order_by("-last_activity_at")[:20],
        },
    )


def _sort_key(change) -> tuple:
    # Largest increases first; unbounded ones (from 0 kr, new currency) before everything.
    if change.price_change_percent is None:
        return (0, Decimal("0"))
    return (1, -change.price_change_percent)


@reviewer_required
def review_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(
        CatalogueVersion.objects.select_related(
            "catalogue__supplier", "catalogue__agreement", "reviewed_by", "superseded_by"
        ),
        pk=version_id,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        comment = request.POST.get("comment", "")
        try:
            if action == "approve":
                version = approve(version, request.user, comment)
                if version.status == Status.SCHEDULED:
                    messages.success(
                        request,
                        _("Godkänd, publiceras %(day)s") % {"day": version.publish_on},
                    )
                else:
                    messages.success(request, _("Godkänd och publicerad"))
            elif action == "reject":
                version = reject(version, request.user, comment)
                messages.success(request, _("Avvisad"))
            else:
                messages.error(request, _("Okänt val"))
        except ReviewError as error:
            messages.error(request, str(error))
            return _render_detail(request, version, comment=comment, status=400)
        except Exception:
            # Nothing was recorded (approve writes the decision with the status): the reviewer can try again.
            logger.exception("deciding catalogue version %s failed", version.pk)
            messages.error(request, _("Beslutet kunde inte sparas och inget har ändrats. Försök igen om en stund."))
            version.refresh_from_db()
            return _render_detail(request, version, comment=comment, status=503)
        return redirect("catalogue:review-detail", version_id=version.pk)
    return _render_detail(request, version)


def _render_detail(request: HttpRequest, version: CatalogueVersion, comment: str = "", status: int = 200):
    context = {
        "version": version,
        "catalogue": version.catalogue,
        "hint": status_hint(version),
        "comment": comment,
        "decidable": version.status in Status.DECIDABLE,
        "has_response": version.status in Status.ANSWERED and not never_decided(version),
        "shown": SHOWN,
    }
    if version.status in Status.DECIDABLE:
        diff = diff_versions(version)
        base_id = diff.base_version_id
        old = CatalogueVersion.objects.filter(pk=base_id).first() if base_id is not None else None
        changes = sorted(diff.changes, key=_sort_key)
        context.update(
            diff=diff,
            base_version=old,
            changes=changes[:SHOWN],
            added=added_items(version, old).order_by("line_number")[:SHOWN],
            removed=removed_items(version, old).order_by("line_number")[:SHOWN],
            reasons=version.diff_summary.get("review_reasons", []),
        )
    return render(request, "catalogue/review/detail.html", context, status=status)


@require_GET
@reviewer_required
def review_response(request: HttpRequest, version_id: int) -> HttpResponse:
    return t58_download(get_object_or_404(CatalogueVersion, pk=version_id))


@require_GET
@login_required
def review_file(request: HttpRequest, version_id: int) -> FileResponse:
    """The uploaded file, for reviewers only; anyone else gets the same 404 as for a missing version."""
    if not request.user.has_perm("catalogue.review_catalogueversion"):
        raise Http404
    return catalogue_file_download(get_object_or_404(CatalogueVersion, pk=version_id))
