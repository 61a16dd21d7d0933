"""Review of a validated catalogue version: auto-approval within the agreement's limits,
or a decision by a Katalogansvarig; approval publishes at once or on the validity start date.

Decisions:
- A catalogue's first version always goes to a reviewer: it sets the agreement prices
  (see catalogue.diff), so nobody has checked them yet.
- Price limits apply per unit (price / base quantity) both to the step from the live
  version and to the drift from the agreement price.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from catalogue.diff import CatalogueDiff, diff_versions
from catalogue.models import CatalogueVersion
from catalogue.publish import publish_version

Status = CatalogueVersion.Status
DECIDABLE = {Status.VALIDATED, Status.PENDING_REVIEW}


class ReviewError(ValueError):
    """A review action that the version's state does not allow."""


def review_reasons(version: CatalogueVersion, diff: CatalogueDiff) -> list[str]:
    """Why the version needs a person's decision; empty when it is within the agreement's limits."""
    agreement = version.catalogue.agreement
    limit = agreement.auto_approve_max_price_increase_percent or Decimal("0")
    reasons: list[str] = []
    if diff.base_version_id is None:
        reasons.append(
            _("Katalogens första version fastställer avtalspriserna / The first version sets the agreement prices")
        )
    if diff.removed > agreement.auto_approve_max_removals:
        reasons.append(
            _("%(count)s artiklar tas bort (gräns %(limit)s) / %(count)s items removed (limit %(limit)s)")
            % {"count": diff.removed, "limit": agreement.auto_approve_max_removals}
        )
    if diff.unbounded_increases:
        reasons.append(
            _(
                "%(count)s artiklar får pris från 0 kr eller ny valuta / "
                "%(count)s items get a price from zero or a new currency"
            )
            % {"count": diff.unbounded_increases}
        )
    if diff.max_increase_percent is not None and diff.max_increase_percent > limit:
        reasons.append(
            _(
                "Prishöjning upp till %(percent)s %% (gräns %(limit)s %%) / "
                "Price increase up to %(percent)s %% (limit %(limit)s %%)"
            )
            % {"percent": diff.max_increase_percent, "limit": limit}
        )
    if diff.max_increase_vs_agreement_percent is not None and diff.max_increase_vs_agreement_percent > limit:
        reasons.append(
            _(
                "Upp till %(percent)s %% över avtalspriset (gräns %(limit)s %%) / "
                "Up to %(percent)s %% above the agreement price (limit %(limit)s %%)"
            )
            % {"percent": diff.max_increase_vs_agreement_percent, "limit": limit}
        )
    return reasons


def submit_for_review(version: CatalogueVersion) -> CatalogueVersion:
    """Diff a VALIDATED version against the live one; publish it when within limits, else PENDING_REVIEW."""
    version.refresh_from_db()
    if version.status != Status.VALIDATED:
        raise ReviewError(
            _("Bara validerade versioner kan skickas till granskning / Only validated versions can be reviewed")
        )
    diff = diff_versions(version, keep_changes=False)
    reasons = review_reasons(version, diff)
    version.diff_summary = {**diff.summary(), "review_reasons": reasons}
    if reasons:
        version.status = Status.PENDING_REVIEW
        version.save(update_fields=["diff_summary", "status"])
        return version
    version.save(update_fields=["diff_summary"])
    return approve(
        version,
        user=None,
        comment=_(
            "Godkänd automatiskt inom avtalets gränser / Approved automatically within the agreement's thresholds"
        ),
    )


def approve(version: CatalogueVersion, user=None, comment: str = "") -> CatalogueVersion:
    """Approve: publish now, or schedule (status SCHEDULED) when the validity starts later."""
    today = timezone.localdate()
    with transaction.atomic():
        current = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
        if current.status not in DECIDABLE:
            raise ReviewError(
                _("Versionen kan inte beslutas i status: %(status)s / The version cannot be decided in this status")
                % {"status": current.get_status_display()}
            )
        current.reviewed_by = user if getattr(user, "is_authenticated", False) else None
        current.reviewed_at = timezone.now()
        current.review_comment = comment.strip()
        scheduled = bool(current.valid_from and current.valid_from > today)
        if scheduled:
            current.status = Status.SCHEDULED
            current.publish_on = current.valid_from
            current.save(update_fields=["reviewed_by", "reviewed_at", "review_comment", "status", "publish_on"])
        else:
            current.save(update_fields=["reviewed_by", "reviewed_at", "review_comment"])
    if not scheduled:
        # Outside the lock above: publication first indexes the new version for search, which can take a while.
        publish_version(current)
    current.refresh_from_db()
    return current


def reject(version: CatalogueVersion, user, comment: str) -> CatalogueVersion:
    """Reject with a reason, which the supplier reads in the portal and in the T58 response."""
    comment = (comment or "").strip()
    if not comment:
        raise ReviewError(_("Skriv varför versionen avvisas / Give a reason for the rejection"))
    with transaction.atomic():
        current = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
        if current.status not in DECIDABLE | {Status.SCHEDULED}:
            raise ReviewError(
                _("Versionen kan inte beslutas i status: %(status)s / The version cannot be decided in this status")
                % {"status": current.get_status_display()}
            )
        current.status = Status.REJECTED
        current.publish_on = None
        current.reviewed_by = user if getattr(user, "is_authenticated", False) else None
        current.reviewed_at = timezone.now()
        current.review_comment = comment
        current.save(update_fields=["status", "publish_on", "reviewed_by", "reviewed_at", "review_comment"])
    return current


def activate_scheduled(day: datetime.date | None = None) -> list[CatalogueVersion]:
    """Publish approved versions whose start date has come; returns those published."""
    day = day or timezone.localdate()
    published: list[CatalogueVersion] = []
    for version in CatalogueVersion.objects.filter(status=Status.SCHEDULED, publish_on__lte=day).order_by(
        "catalogue_id", "number"
    ):
        live = CatalogueVersion.objects.filter(catalogue_id=version.catalogue_id, status=Status.PUBLISHED).first()
        if live is not None and live.number > version.number:
            # A newer version went live meanwhile; never step back to an older one.
            version.status = Status.SUPERSEDED
            version.save(update_fields=["status"])
            continue
        publish_version(version)
        published.append(version)
    return published


@task()
def activate_scheduled_catalogues_task(day: str | None = None) -> int:
    """Background form of activate_scheduled (enqueue daily); returns how many went live."""
    return len(activate_scheduled(datetime.date.fromisoformat(day) if day else None))
