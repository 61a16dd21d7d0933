import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import translation

from catalogue.models import CatalogueVersion
from catalogue.review import (
    ReviewError,
    activate_scheduled,
    approve,
    reject,
    review_comment_text,
    review_reason_text,
    submit_for_review,
)
from catalogue.tests.review_fixtures import BASE_ITEMS, make_version

pytestmark = pytest.mark.django_db
Status = CatalogueVersion.Status


def test_first_version_waits_for_review(review_catalogue):
    version = submit_for_review(make_version(review_catalogue, BASE_ITEMS))
    assert version.status == Status.PENDING_REVIEW
    # Stored as a code, worded in the page's language when shown.
    assert [reason["code"] for reason in version.diff_summary["review_reasons"]] == ["FIRST-VERSION"]
    (reason,) = version.diff_summary["review_reasons"]
    with translation.override("en"):
        assert review_reason_text(reason) == "The first version sets the agreement prices"
    with translation.override("sv"):
        assert review_reason_text(reason) == "Katalogens första version fastställer avtalspriserna"


def test_within_thresholds_is_published_automatically(review_live_version):
    review_agreement = review_live_version.catalogue.agreement
    review_agreement.auto_approve_max_price_increase_percent = Decimal("5")
    review_agreement.auto_approve_max_removals = 1
    review_agreement.save()
    items = [dict(item) for item in BASE_ITEMS[:-1]]  # one removal
    items[0]["price"] = "47.00"  # +4.44 %
    version = submit_for_review(make_version(review_live_version.catalogue, items))
    assert version.status == Status.PUBLISHED
    assert version.review_comment_code == "AUTO-APPROVED" and version.review_comment == ""
    with translation.override("sv"):
        assert "automatiskt" in review_comment_text(version)
    with translation.override("en"):
        assert "automatically" in review_comment_text(version)
    assert version.reviewed_by is None
    review_live_version.refresh_from_db()
    assert review_live_version.status == Status.SUPERSEDED


@pytest.mark.parametrize(
    ("max_percent", "max_removals", "expected"),
    [
        ("0", 0, Status.PENDING_REVIEW),  # +10 % and one removal
        ("10", 0, Status.PENDING_REVIEW),  # removal over the limit
        ("9.99", 1, Status.PENDING_REVIEW),  # price over the limit
        ("10", 1, Status.PUBLISHED),  # exactly at both limits
    ],
)
def test_thresholds(review_live_version, review_changed_items, max_percent, max_removals, expected):
    review_agreement = review_live_version.catalogue.agreement
    review_agreement.auto_approve_max_price_increase_percent = Decimal(max_percent)
    review_agreement.auto_approve_max_removals = max_removals
    review_agreement.save()
    version = submit_for_review(make_version(review_live_version.catalogue, review_changed_items))
    assert version.status == expected
    assert version.diff_summary["removed"] == 1


def test_only_validated_versions_can_be_submitted(review_catalogue):
    version = make_version(review_catalogue, BASE_ITEMS, status=Status.INVALID)
    with pytest.raises(ReviewError):
        submit_for_review(version)


def test_approve_publishes_and_records_reviewer(review_pending_version, reviewer_user, review_live_version):
    version = approve(review_pending_version, reviewer_user, "Prishöjningen är avtalad")
    assert version.status == Status.PUBLISHED
    assert version.reviewed_by == reviewer_user
    assert version.review_comment == "Prishöjningen är avtalad"
    version.catalogue.refresh_from_db()
    assert version.catalogue.live_version == version
    review_live_version.refresh_from_db()
    assert review_live_version.status == Status.SUPERSEDED


def test_reject_needs_comment_and_keeps_live_version(review_pending_version, reviewer_user, review_live_version):
    with pytest.raises(ReviewError):
        reject(review_pending_version, reviewer_user, "  ")
    version = reject(review_pending_version, reviewer_user, "Priset på KP-100 är inte avtalat")
    assert version.status == Status.REJECTED
    review_live_version.refresh_from_db()
    assert review_live_version.status == Status.PUBLISHED
    assert version.catalogue.live_version_id == review_live_version.pk
    with pytest.raises(ReviewError):
        approve(version, reviewer_user)


def test_future_validity_is_scheduled_then_activated_on_the_day(
    review_live_version, review_changed_items, reviewer_user
):
    start = datetime.date(2026, 12, 1)
    version = submit_for_review(make_version(review_live_version.catalogue, review_changed_items, valid_from=start))
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 11, 27)):
        version = approve(version, reviewer_user, "")
    assert version.status == Status.SCHEDULED
    assert version.publish_on == start

    assert activate_scheduled(datetime.date(2026, 11, 30)) == []
    version.refresh_from_db()
    assert version.status == Status.SCHEDULED

    assert [v.pk for v in activate_scheduled(start)] == [version.pk]
    version.refresh_from_db()
    review_live_version.refresh_from_db()
    assert version.status == Status.PUBLISHED
    assert review_live_version.status == Status.SUPERSEDED


def test_activate_command_with_fixed_date(review_live_version, review_changed_items, reviewer_user):
    version = make_version(review_live_version.catalogue, review_changed_items, valid_from=datetime.date(2099, 1, 1))
    version = approve(submit_for_review(version), reviewer_user)
    assert version.status == Status.SCHEDULED
    call_command("activate_scheduled_catalogues", "--date", "2099-01-01")
    version.refresh_from_db()
    assert version.status == Status.PUBLISHED


def test_scheduled_version_never_replaces_a_newer_live_one(review_live_version, review_changed_items, reviewer_user):
    review_catalogue = review_live_version.catalogue
    scheduled = approve(
        submit_for_review(make_version(review_catalogue, review_changed_items, valid_from=datetime.date(2099, 1, 1))),
        reviewer_user,
    )
    newer = submit_for_review(make_version(review_catalogue, BASE_ITEMS))  # no changes: published automatically
    assert newer.status == Status.PUBLISHED
    activate_scheduled(datetime.date(2099, 1, 1))
    scheduled.refresh_from_db()
    newer.refresh_from_db()
    assert scheduled.status == Status.SUPERSEDED
    assert newer.status == Status.PUBLISHED


def test_reasons_and_comments_stored_as_text_before_codes_show_in_the_page_language(review_catalogue):
    """Versions decided before reasons were codes keep their "svenska / English" texts; one half is shown."""
    legacy_reason = "Katalogens första version fastställer avtalspriserna / The first version sets the agreement prices"
    version = make_version(review_catalogue, BASE_ITEMS)
    version.review_comment = (
        "Godkänd automatiskt inom avtalets gränser / Approved automatically within the agreement's thresholds"
    )
    with translation.override("en"):
        assert review_reason_text(legacy_reason) == "The first version sets the agreement prices"
        assert review_comment_text(version) == "Approved automatically within the agreement's thresholds"
    with translation.override("sv"):
        assert review_reason_text(legacy_reason) == "Katalogens första version fastställer avtalspriserna"
        assert review_comment_text(version) == "Godkänd automatiskt inom avtalets gränser"
