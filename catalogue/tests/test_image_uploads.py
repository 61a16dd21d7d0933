"""Pictures a supplier uploads in the portal: matched by item ID or GTIN, kept for later versions."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from catalogue.models import CatalogueItem, UploadedImage
from catalogue.pictures import fetch as images
from catalogue.pictures.files import FetchSettings, image_problem_text
from catalogue.pictures.uploads import attach_uploaded_images
from catalogue.review import submit_for_review
from catalogue.tests.review_fixtures import BASE_ITEMS, make_version
from catalogue.tests.test_images import picture
from hub.organisations.tests.fixtures import make_user

pytestmark = pytest.mark.django_db
CONFIG = FetchSettings(timeout=1, max_bytes=200_000, max_pixels=1_000_000, allow_private=False)


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def item_image(version, seller_item_id):
    return CatalogueItem.objects.get(version=version, seller_item_id=seller_item_id).image


def test_files_match_by_item_id_and_gtin_and_show_on_the_live_items(review_live_version):
    CatalogueItem.objects.filter(version=review_live_version, seller_item_id="KP-300").update(gtin="07350053850019")
    report = attach_uploaded_images(
        review_live_version.catalogue,
        [("kp-100.png", picture("PNG")), ("7350053850019.jpg", picture("JPEG"))],
        config=CONFIG,
    )
    assert sorted(a["seller_item_id"] for a in report["attached"]) == ["KP-100", "KP-300"]
    assert report["problem_count"] == 0 and report["items_updated"] == 2
    assert item_image(review_live_version, "KP-100") is not None
    assert item_image(review_live_version, "KP-300") is not None
    assert item_image(review_live_version, "KP-200") is None
    assert item_image(review_live_version, "KP-100").renditions.exists()  # thumbnail made


def test_the_next_version_gets_the_uploaded_picture_without_a_new_upload(review_live_version):
    attach_uploaded_images(review_live_version.catalogue, [("KP-200.png", picture())], config=CONFIG)
    stored = UploadedImage.objects.get(catalogue=review_live_version.catalogue, seller_item_id="KP-200").image
    new_version = submit_for_review(make_version(review_live_version.catalogue, BASE_ITEMS))
    assert item_image(new_version, "KP-200") == stored
    assert item_image(new_version, "KP-100") is None


def test_a_zip_is_read_entry_by_entry_and_each_bad_file_is_named(review_live_version):
    archive = zipped(
        {
            "bilder/KP-100.png": picture(),
            "bilder/KP-400.gif": picture("GIF"),
            "bilder/okand-artikel.png": picture(),
            "bilder/KP-200.png": b"not a picture at all",
            "__MACOSX/bilder/._KP-100.png": b"resource fork",
        }
    )
    report = attach_uploaded_images(review_live_version.catalogue, [("bilder.zip", archive)], config=CONFIG)
    assert sorted(a["seller_item_id"] for a in report["attached"]) == ["KP-100", "KP-400"]
    problems = {p["file"]: p for p in report["problems"]}
    assert set(problems) == {"bilder.zip/bilder/okand-artikel.png", "bilder.zip/bilder/KP-200.png"}
    with translation.override("sv"):
        assert "artikelnummer" in image_problem_text(problems["bilder.zip/bilder/okand-artikel.png"])
    with translation.override("en"):
        assert "item ID" in image_problem_text(problems["bilder.zip/bilder/okand-artikel.png"])
        assert "JPEG, PNG, GIF or WebP" in image_problem_text(problems["bilder.zip/bilder/KP-200.png"])
    assert item_image(review_live_version, "KP-200") is None


def test_zip_entries_are_limited_by_their_real_size_not_the_declared_one(review_live_version):
    big = b"\0" * (CONFIG.max_bytes + 10)  # compresses to almost nothing: a small ZIP, a large entry
    report = attach_uploaded_images(
        review_live_version.catalogue, [("bomb.zip", zipped({"KP-100.png": big}))], config=CONFIG
    )
    assert report["attached"] == []
    assert report["problems"][0]["code"] == "TOO-BIG"
    with translation.override("en"):
        assert f"larger than {CONFIG.max_bytes} bytes" in image_problem_text(report["problems"][0])


def test_a_broken_zip_is_reported_not_raised(review_live_version):
    report = attach_uploaded_images(review_live_version.catalogue, [("x.zip", b"PK\x03\x04broken")], config=CONFIG)
    assert report["problem_count"] == 1 and "ZIP" in image_problem_text(report["problems"][0])


def test_an_uploaded_picture_wins_over_a_url_in_the_catalogue(review_live_version, monkeypatch):
    CatalogueItem.objects.filter(version=review_live_version).update(image_urls=["https://bilder.example/x.png"])
    attach_uploaded_images(review_live_version.catalogue, [("KP-100.png", picture())], config=CONFIG)
    fetched = []
    monkeypatch.setattr(
        images, "fetch_image_bytes", lambda url, config: fetched.append(url) or (picture(), "image/png")
    )
    report = images.fetch_images(review_live_version, CONFIG)
    assert len(fetched) == 1  # one URL, fetched once for the three items without an upload
    assert report["items_with_image"] == 3
    uploaded = UploadedImage.objects.get(seller_item_id="KP-100").image
    assert item_image(review_live_version, "KP-100") == uploaded


def test_portal_page_uploads_and_lists_pictures(client, supplier_user, review_live_version):
    client.force_login(supplier_user)
    url = reverse("catalogue:catalogue-images", args=[review_live_version.catalogue.pk])
    response = client.post(url, {"files": [SimpleUploadedFile("KP-100.png", picture(), "image/png")]})
    assert response.status_code == 200
    body = response.content.decode()
    assert "KP-100.png" in body and 'alt="Bild för KP-100"' in body
    assert item_image(review_live_version, "KP-100") is not None


def test_portal_upload_without_files_is_a_clear_400(client, supplier_user, review_live_version):
    client.force_login(supplier_user)
    url = reverse("catalogue:catalogue-images", args=[review_live_version.catalogue.pk])
    response = client.post(url, {})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Välj minst en bildfil eller ZIP-fil" in body and "Choose at least one picture" not in body


def test_another_supplier_cannot_see_or_upload(client, other_supplier_user, review_live_version):
    client.force_login(other_supplier_user)
    url = reverse("catalogue:catalogue-images", args=[review_live_version.catalogue.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"files": [SimpleUploadedFile("KP-100.png", picture(), "image/png")]}).status_code == 404
    assert not UploadedImage.objects.exists()


def test_a_buyer_cannot_open_the_picture_page(client, django_user_model, review_live_version):
    buyer = make_user(django_user_model, "bestallare-x", "Beställare")
    client.force_login(buyer)
    url = reverse("catalogue:catalogue-images", args=[review_live_version.catalogue.pk])
    assert client.get(url).status_code == 403


def test_portal_refuses_a_file_over_the_upload_limit_without_reading_it(
    client, supplier_user, review_live_version, settings
):
    settings.CATALOGUE_MAX_UPLOAD_BYTES = 1_000
    client.force_login(supplier_user)
    url = reverse("catalogue:catalogue-images", args=[review_live_version.catalogue.pk])
    big = SimpleUploadedFile("KP-100.png", picture(size=(200, 200)) + b"\0" * 2_000, "image/png")
    response = client.post(url, {"files": [big]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Filen är större än 1000 byte" in page and "larger than" not in page  # a Swedish page
    assert not UploadedImage.objects.exists()
