"""Background catalogue imports (django-tasks). Progress is on version.progress_percent."""

from __future__ import annotations

from django_tasks import task

from catalogue.models import CatalogueVersion


@task()
def process_catalogue_version(version_id: int) -> dict:
    from catalogue.importing import run_import

    version = CatalogueVersion.objects.select_related("catalogue__agreement", "catalogue__supplier").get(pk=version_id)
    if version.status != CatalogueVersion.Status.RECEIVED:
        # Already processed (a retried task): do nothing twice.
        return {"version": version.pk, "status": version.status}
    version = run_import(version)
    return {"version": version.pk, "status": version.status, "errors": version.error_count}
