"""Catalogue files leave the public media for private storage under random names (issue 8, item 2)."""

import logging

from django.core.files.storage import default_storage
from django.db import migrations, models

import catalogue.storage

logger = logging.getLogger(__name__)


def move_to_private_storage(apps, schema_editor):
    """Each version's file from MEDIA_ROOT to CATALOGUE_FILES_ROOT under a random name; the public copy goes."""
    CatalogueVersion = apps.get_model("catalogue", "CatalogueVersion")
    private = catalogue.storage.private_catalogue_storage
    for version in CatalogueVersion.objects.exclude(file="").only("pk", "file", "original_filename").iterator():
        old_name = version.file.name
        if private.exists(old_name) or not default_storage.exists(old_name):
            if not private.exists(old_name):
                logger.warning("Catalogue version %s: file %s is missing; left as it is", version.pk, old_name)
            continue
        with default_storage.open(old_name, "rb") as handle:
            new_name = private.save(catalogue.storage.catalogue_file_path(version, old_name), handle)
        CatalogueVersion.objects.filter(pk=version.pk).update(file=new_name)
        if not version.original_filename:
            CatalogueVersion.objects.filter(pk=version.pk).update(original_filename=old_name.rsplit("/", 1)[-1][:255])
        default_storage.delete(old_name)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_uploaded_images_and_cif_bmecat_formats"),
    ]

    operations = [
        migrations.AlterField(
            model_name="catalogueversion",
            name="file",
            field=models.FileField(
                max_length=200,
                storage=catalogue.storage.catalogue_files_storage,
                upload_to=catalogue.storage.catalogue_file_path,
                verbose_name="fil",
            ),
        ),
        # Not reversible as a move: the files stay private if the schema is rolled back.
        migrations.RunPython(move_to_private_storage, migrations.RunPython.noop),
    ]
