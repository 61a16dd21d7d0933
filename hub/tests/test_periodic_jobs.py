"""run_periodic_jobs: the clock `make run` starts beside the web server."""

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalogue.models import CatalogueVersion
from catalogue.review import approve, submit_for_review
from catalogue.tests.review_fixtures import make_version

pytestmark = pytest.mark.django_db
Status = CatalogueVersion.Status


def test_one_round_activates_a_catalogue_version_whose_day_has_come(
    review_live_version, review_changed_items, reviewer_user
):
    today = timezone.localdate()
    start = today + datetime.timedelta(days=1)
    version = submit_for_review(make_version(review_live_version.catalogue, review_changed_items, valid_from=start))
    version = approve(version, reviewer_user, "")
    assert version.status == Status.SCHEDULED

    call_command("run_periodic_jobs", "--once")
    version.refresh_from_db()
    assert version.status == Status.SCHEDULED, "activated before its day"

    with mock.patch("django.utils.timezone.localdate", return_value=start):
        call_command("run_periodic_jobs", "--once")
    version.refresh_from_db()
    review_live_version.refresh_from_db()
    assert version.status == Status.PUBLISHED
    assert review_live_version.status == Status.SUPERSEDED


def test_a_failing_job_does_not_stop_the_other(review_live_version, review_changed_items, reviewer_user):
    start = timezone.localdate()
    version = submit_for_review(
        make_version(review_live_version.catalogue, review_changed_items, valid_from=start + datetime.timedelta(days=1))
    )
    version = approve(version, reviewer_user, "")
    broken = mock.patch(
        "hub.management.commands.run_periodic_jobs.call_command", side_effect=RuntimeError("publish_scheduled broke")
    )
    with broken, mock.patch("django.utils.timezone.localdate", return_value=start + datetime.timedelta(days=1)):
        call_command("run_periodic_jobs", "--once")
    version.refresh_from_db()
    assert version.status == Status.PUBLISHED


def test_one_round_fails_an_import_that_stalled(review_catalogue):
    version = make_version(review_catalogue, [], status=Status.RECEIVED)
    CatalogueVersion.objects.filter(pk=version.pk).update(last_activity_at=timezone.now() - datetime.timedelta(hours=3))
    call_command("run_periodic_jobs", "--once")
    version.refresh_from_db()
    assert version.status == Status.FAILED
