"""Background catalogue imports (django-tasks). Progress is on version.progress_percent."""

from __future__ import annotations

from django_tasks import task

from catalogue.models import CatalogueVersion

Status = CatalogueVersion.Status


@task()
def process_catalogue_version(version_id: int) -> dict:
    from catalogue import lifecycle
    from catalogue.importing import run_import

    version = CatalogueVersion.objects.select_related("catalogue__agreement", "catalogue__supplier").get(pk=version_id)
    if version.status == Status.CHECKING:
        # A run of this task died during the official rules (a killed worker; the task was started
        # again): record that, then start over from the stored file, half-inserted items removed.
        lifecycle.mark_failed(version, "interrupted during the official rules")
        version = lifecycle.retry(version)
        return {"version": version.pk, "status": version.status, "restarted": True}
    if version.status != Status.RECEIVED:
        # Already processed (a retried task): do nothing twice.
        return {"version": version.pk, "status": version.status}
    # A RECEIVED version starts clean: process_version first removes items a killed run inserted.
    version = run_import(version)
    return {"version": version.pk, "status": version.status, "errors": version.error_count}
