"""Uploaded catalogue files are private: never under the public media, downloadable only by their owner
and reviewers, as attachments no browser renders (issue 8, item 2)."""

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import CatalogueVersion
from catalogue.storage import private_catalogue_storage

pytestmark = pytest.mark.django_db

EVIL_HTML = b"<html><script>fetch('/admin/')</script>Artikelnummer;Pris</html>"
EVIL_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'


def upload(client, user, catalogue, name: str, content: bytes):
    client.force_login(user)
    client.post(reverse("catalogue:catalogue", args=[catalogue.pk]), {"file": SimpleUploadedFile(name, content)})
    return catalogue.versions.order_by("-number").first()


def files_containing(root: Path, content: bytes) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file() and p.read_bytes() == content]


@pytest.mark.parametrize(("name", "content"), [("evil.html", EVIL_HTML), ("evil.svg", EVIL_SVG)])
def test_an_uploaded_file_is_not_reachable_under_media(
    client, settings, tmp_path, supplier_user, intake_catalogue, name, content
):
    settings.ROOT_URLCONF = "catalogue.tests.media_urls"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CATALOGUE_FILES_ROOT = tmp_path / "private"
    version = upload(client, supplier_user, intake_catalogue, name, content)
    assert version is not None and version.original_filename == name
    # Stored privately under a random name with a harmless extension; nothing of it in the public media.
    assert files_containing(settings.MEDIA_ROOT, content) == []
    stored = Path(version.file.path)
    assert stored.read_bytes() == content
    assert stored.is_relative_to(Path(settings.CATALOGUE_FILES_ROOT).resolve())
    assert "evil" not in version.file.name and stored.suffix == ".bin"
    client.logout()
    for path in (f"/media/{version.file.name}", f"/media/catalogues/{version.uploaded_at:%Y/%m}/{name}"):
        response = client.get(path)
        assert response.status_code == 404, path
    with pytest.raises(ValueError):
        version.file.url  # noqa: B018 - a private file has no URL to leak into a page


def test_the_owner_downloads_the_file_as_an_attachment_no_browser_renders(client, supplier_user, intake_catalogue):
    version = upload(client, supplier_user, intake_catalogue, "evil.html", EVIL_HTML)
    response = client.get(reverse("catalogue:version-file", args=[version.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == EVIL_HTML
    assert response["Content-Disposition"].startswith("attachment;") and "evil.html" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = client.get(reverse("catalogue:version", args=[version.pk])).content.decode()
    assert reverse("catalogue:version-file", args=[version.pk]) in page


def test_a_csv_keeps_its_type_and_a_reviewer_may_download_it(client, supplier_user, reviewer_user, intake_catalogue):
    content = "Artikelnummer;Benämning;Enhet;Pris\nA-1;Penna;EA;10\n".encode()
    version = upload(client, supplier_user, intake_catalogue, "katalog.csv", content)
    client.force_login(reviewer_user)
    response = client.get(reverse("catalogue:review-file", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_nobody_else_can_download_it(client, supplier_user, other_supplier_user, buyer_user, intake_catalogue):
    version = upload(client, supplier_user, intake_catalogue, "katalog.xml", b"<Catalogue/>")
    for user in (other_supplier_user, buyer_user):
        client.force_login(user)
        assert client.get(reverse("catalogue:review-file", args=[version.pk])).status_code == 404
        assert client.get(reverse("catalogue:version-file", args=[version.pk])).status_code in {403, 404}
    client.force_login(other_supplier_user)
    assert client.get(reverse("catalogue:version-file", args=[version.pk])).status_code == 404
    client.logout()
    for name in ("catalogue:version-file", "catalogue:review-file"):
        response = client.get(reverse(name, args=[version.pk]))
        assert response.status_code == 302 and "logga-in" in response["Location"]


def test_the_data_migration_moves_public_files_into_private_storage(intake_catalogue):
    """Versions uploaded before the fix point at MEDIA_ROOT/catalogues/...; the migration moves them."""
    migration = import_module("catalogue.migrations.0004_private_catalogue_files")
    old_name = default_storage.save("catalogues/2026/12/RA-2026-002.xml", ContentFile(b"<Catalogue>priser</Catalogue>"))
    version = CatalogueVersion.objects.create(catalogue=intake_catalogue, number=1, format="peppol")
    CatalogueVersion.objects.filter(pk=version.pk).update(file=old_name)
    migration.move_to_private_storage(apps, None)
    version.refresh_from_db()
    assert not default_storage.exists(old_name)
    assert version.file.name != old_name and version.file.name.endswith(".xml")
    assert private_catalogue_storage.open(version.file.name).read() == b"<Catalogue>priser</Catalogue>"
    assert version.original_filename == "RA-2026-002.xml"
    assert str(settings.MEDIA_ROOT) not in version.file.path
