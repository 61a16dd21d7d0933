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
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from catalogue.diff import CatalogueDiff, diff_versions
from catalogue.error_codes import in_page_language
from catalogue.lifecycle import supersede_waiting
from catalogue.models import CatalogueVersion, IllegalTransition
from catalogue.publish import publish_version

logger = logging.getLogger(__name__)
Status = CatalogueVersion.Status
DECIDABLE = Status.DECIDABLE


class ReviewError(ValueError):
    """A review action that the version's state does not allow."""


# Why a version needs a person's decision: stored as {"code": ..., "params": {...}} in the version's
# diff_summary["review_reasons"] and worded when shown (review_reason_text), in the page's language.
REVIEW_REASONS = {
    "FIRST-VERSION": gettext_lazy("Katalogens första version fastställer avtalspriserna"),
    "REMOVALS": gettext_lazy("%(count)s artiklar tas bort (gräns %(limit)s)"),
    "PRICE-FROM-ZERO": gettext_lazy("%(count)s artiklar får pris från 0 kr eller ny valuta"),
    "PRICE-INCREASE": gettext_lazy("Prishöjning upp till %(percent)s %% (gräns %(limit)s %%)"),
    "ABOVE-AGREEMENT": gettext_lazy("Upp till %(percent)s %% över avtalspriset (gräns %(limit)s %%)"),
    "AUTO-PUBLISH-FAILED": gettext_lazy("Automatisk publicering misslyckades; en granskare beslutar"),
}
# A decision's comment when nobody wrote one: stored as review_comment_code, worded when shown.
REVIEW_COMMENTS = {
    "AUTO-APPROVED": gettext_lazy("Godkänd automatiskt inom avtalets gränser"),
}
AUTO_APPROVED = "AUTO-APPROVED"
# The comment auto-approval stored before it was a code (both languages in one text).
LEGACY_AUTO_APPROVED_COMMENT = (
    "Godkänd automatiskt inom avtalets gränser / Approved automatically within the agreement's thresholds"
)


def _reason(code: str, **params) -> dict:
    return {"code": code, "params": {key: str(value) for key, value in params.items()}}


def review_reasons(version: CatalogueVersion, diff: CatalogueDiff) -> list[dict]:
    """Why the version needs a person's decision (codes and parameters); empty when within the limits."""
    agreement = version.catalogue.agreement
    limit = agreement.auto_approve_max_price_increase_percent or Decimal("0")
    reasons: list[dict] = []
    if diff.base_version_id is None:
        reasons.append(_reason("FIRST-VERSION"))
    if diff.removed > agreement.auto_approve_max_removals:
        reasons.append(_reason("REMOVALS", count=diff.removed, limit=agreement.auto_approve_max_removals))
    if diff.unbounded_increases:
        reasons.append(_reason("PRICE-FROM-ZERO", count=diff.unbounded_increases))
    if diff.max_increase_percent is not None and diff.max_increase_percent > limit:
        reasons.append(_reason("PRICE-INCREASE", percent=diff.max_increase_percent, limit=limit))
    if diff.max_increase_vs_agreement_percent is not None and diff.max_increase_vs_agreement_percent > limit:
        reasons.append(_reason("ABOVE-AGREEMENT", percent=diff.max_increase_vs_agreement_percent, limit=limit))
    return reasons


def percent_text(value) -> str:
    """A stored percentage (e.g. "10.02") as numbers are shown (hub.formats): 10,02."""
    try:
        return formats.number_format(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def review_reason_text(reason) -> str:
    """A stored review reason in the active language (a code with parameters, or an old stored text)."""
    if isinstance(reason, dict):
        code = reason.get("code")
        wording = REVIEW_REASONS.get(code) if isinstance(code, str) else None
        if wording is not None:
            params = dict(reason.get("params") or {})
            for name in ("percent", "limit"):
                if name in params:
                    params[name] = percent_text(params[name])
            try:
                return str(wording) % params
            except (KeyError, TypeError, ValueError):
                pass
        return str(reason.get("code") or "")
    return in_page_language(str(reason))  # stored before reasons were codes


def review_comment_text(version: CatalogueVersion) -> str:
    """The decision's comment in the active language: the reviewer's own words, or the worded code."""
    code = getattr(version, "review_comment_code", "")
    if code in REVIEW_COMMENTS:
        return str(REVIEW_COMMENTS[code])
    if version.review_comment.strip() == LEGACY_AUTO_APPROVED_COMMENT:
        return str(REVIEW_COMMENTS[AUTO_APPROVED])
    return version.review_comment


def refresh_review_summary(version: CatalogueVersion) -> CatalogueVersion:
    """Diff a waiting version against the catalogue's live version as it is now, and store its reasons.

    Called at submission, and again for the version still waiting whenever another one goes live,
    so a reviewer never reads reasons worked out against a version that is no longer live.
    """
    diff = diff_versions(version, keep_changes=False)
    version.diff_summary = {**diff.summary(), "review_reasons": review_reasons(version, diff)}
    CatalogueVersion.objects.filter(pk=version.pk).update(diff_summary=version.diff_summary)
    return version


def refresh_waiting_after_publication(sender, version: CatalogueVersion, **kwargs) -> None:
    """On version_published: a version still waiting in that catalogue had its reasons worked out against
    the old live version. Refreshed after the commit, so the publication's transaction stays short."""
    catalogue_id = version.catalogue_id
    transaction.on_commit(lambda: _refresh_waiting(catalogue_id))


def _refresh_waiting(catalogue_id: int) -> None:
    for waiting in CatalogueVersion.objects.filter(catalogue_id=catalogue_id, status__in=Status.WAITING):
        try:
            refresh_review_summary(waiting)
        except Exception:
            logger.exception("could not refresh the review reasons of catalogue version %s", waiting.pk)


def submit_for_review(version: CatalogueVersion) -> CatalogueVersion:
    """Decide a VALIDATED version: publish (or schedule) it when within limits, else PENDING_REVIEW.

    An older version still waiting is superseded by this one (one waiting version per catalogue).
    When auto-approval's publication fails the version goes to a reviewer instead, with the reason,
    so an upload never ends between the two.
    """
    version.refresh_from_db()
    if version.status != Status.VALIDATED:
        raise ReviewError(_("Bara validerade versioner kan skickas till granskning"))
    newer = supersede_waiting(version)
    if newer is not None:
        return version
    refresh_review_summary(version)
    if needs_removal_confirmation(version):
        # The supplier sees "N nya, M ändrade, K borttagna" and confirms before anyone reviews it.
        return version.transition(Status.AWAITING_CONFIRM)
    if version.diff_summary["review_reasons"]:
        return version.transition(Status.PENDING_REVIEW)
    try:
        return approve(version, user=None, comment_code=AUTO_APPROVED)
    except Exception:
        logger.exception("auto-approval of catalogue version %s failed; it goes to a reviewer", version.pk)
        version.refresh_from_db()
        if version.status != Status.VALIDATED:
            raise
        reasons = [_reason("AUTO-PUBLISH-FAILED")]
        version.diff_summary = {**version.diff_summary, "review_reasons": reasons}
        return version.transition(Status.PENDING_REVIEW, diff_summary=version.diff_summary)


def confirm_removals_over() -> int:
    """How many removals a version may make before its supplier must confirm (CATALOGUE_CONFIRM_REMOVALS_OVER)."""
    return settings.CATALOGUE_CONFIRM_REMOVALS_OVER


def needs_removal_confirmation(version: CatalogueVersion) -> bool:
    """True while the version removes more items than the threshold and its supplier has not confirmed."""
    removed = (version.diff_summary or {}).get("removed", 0)
    return removed > confirm_removals_over() and version.removals_confirmed_at is None


def confirm_removals(version: CatalogueVersion, user=None) -> CatalogueVersion:
    """The supplier confirms a version that waits in AWAITING_CONFIRM: on to review or auto-approval.

    Raises ReviewError when the version does not wait for a confirmation (any more).
    """
    try:
        version.transition(
            Status.VALIDATED,
            removals_confirmed_at=timezone.now(),
            removals_confirmed_by=user if getattr(user, "is_authenticated", False) else None,
        )
    except IllegalTransition as error:
        raise ReviewError(_("Bara en version som väntar på din bekräftelse kan bekräftas")) from error
    submit_for_review(version)
    version.refresh_from_db()
    return version


def _decision(user, comment: str, comment_code: str = "") -> dict:
    return {
        "reviewed_by": user if getattr(user, "is_authenticated", False) else None,
        "reviewed_at": timezone.now(),
        "review_comment": comment.strip(),
        "review_comment_code": comment_code,
    }


def _check_decidable(version: CatalogueVersion, allowed: frozenset) -> CatalogueVersion:
    current = CatalogueVersion.objects.get(pk=version.pk)
    if current.status not in allowed:
        raise ReviewError(
            _("Versionen kan inte beslutas i status: %(status)s") % {"status": current.get_status_display()}
        )
    return current


def approve(version: CatalogueVersion, user=None, comment: str = "", comment_code: str = "") -> CatalogueVersion:
    """Approve: publish now, or schedule (status SCHEDULED) when the validity starts later.

    The decision (reviewer, time, comment) is written in the same transaction as the status it
    leads to, so a failed publication leaves the version decidable with nothing recorded.
    """
    current = _check_decidable(version, Status.DECIDABLE)
    live_id = current.catalogue.live_version_id
    if current.diff_summary.get("base_version_id", live_id) != live_id:
        # Another version went live since the reasons were worked out: the record says what was decided on.
        refresh_review_summary(current)
    decision = _decision(user, comment, comment_code)
    try:
        if current.valid_from and current.valid_from > timezone.localdate():
            current.transition(Status.SCHEDULED, publish_on=current.valid_from, **decision)
        else:
            publish_version(current, **decision)
    except IllegalTransition as error:
        raise ReviewError(str(error)) from error
    current.refresh_from_db()
    return current


def reject(version: CatalogueVersion, user, comment: str) -> CatalogueVersion:
    """Reject with a reason, which the supplier reads in the portal and in the T58 response."""
    comment = (comment or "").strip()
    if not comment:
        raise ReviewError(_("Skriv varför versionen avvisas"))
    current = _check_decidable(version, Status.DECIDABLE | {Status.SCHEDULED})
    try:
        current.transition(Status.REJECTED, publish_on=None, **_decision(user, comment))
    except IllegalTransition as error:
        raise ReviewError(str(error)) from error
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
            version.transition(Status.SUPERSEDED, superseded_by=live, publish_on=None)
            continue
        publish_version(version)
        published.append(version)
    return published


@task()
def activate_scheduled_catalogues_task(day: str | None = None) -> int:
    """Background form of activate_scheduled (enqueue daily); returns how many went live."""
    return len(activate_scheduled(datetime.date.fromisoformat(day) if day else None))
