"""Tasks are queued after the transaction that made their work commits, never inside it."""

import pytest
from django_tasks_db.models import DBTaskResult

from catalogue.intake import import_file
from catalogue.models import CatalogueVersion
from catalogue.publish import publish_version
from catalogue.tests.review_fixtures import make_version

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def task_paths() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def test_publication_queues_no_task_inside_its_transaction(
    settings, review_live_version, review_changed_items, django_capture_on_commit_callbacks
):
    """Saving the version queued Wagtail's reference-index task inside the publish transaction."""
    settings.TASKS = DATABASE_TASKS
    new = make_version(review_live_version.catalogue, review_changed_items)
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish_version(new)
        assert task_paths() == [], "a task row was written before the publication committed"
    for callback in callbacks:
        callback()
    assert task_paths() == ["search.tasks.unindex_versions"]


def test_background_import_is_queued_after_commit(
    settings, intake_catalogue, peppol_file, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = import_file(peppol_file(), catalogue=intake_catalogue, background=True)
        assert version.status == CatalogueVersion.Status.RECEIVED
        assert task_paths() == []
    for callback in callbacks:
        callback()
    assert task_paths() == ["catalogue.intake.process_catalogue_version"]
