"""Image fetching from a local HTTP server in a thread (never the internet)."""

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image as PILImage

from catalogue.images import FetchSettings, ImageProblem, fetch_image_bytes, fetch_images
from catalogue.models import CatalogueVersion
from catalogue.review import submit_for_review
from catalogue.tests.review_fixtures import BASE_ITEMS, make_version

pytestmark = pytest.mark.django_db


def picture(fmt: str = "PNG", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


ROUTES: dict[str, tuple[int, dict, bytes]] = {
    "/ok.png": (200, {"Content-Type": "image/png"}, picture("PNG")),
    "/ok.jpg": (200, {"Content-Type": "image/jpeg"}, picture("JPEG")),
    "/broken.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\nthis is not really a png"),
    "/page.html": (200, {"Content-Type": "text/html"}, b"<html>no</html>"),
    "/liar.png": (200, {"Content-Type": "image/png"}, picture("JPEG")),
    "/big.png": (200, {"Content-Type": "image/png"}, picture("PNG", (1200, 1200))),
    "/moved": (302, {"Location": "/ok.jpg"}, b""),
    "/loop": (302, {"Location": "/loop"}, b""),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/slow.png":
            time.sleep(2)
        status, headers, body = ROUTES.get(self.path, (404, {"Content-Type": "text/plain"}, b"missing"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the timeout test hangs up on purpose


@pytest.fixture(scope="module")
def image_server():
    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def config() -> FetchSettings:
    return FetchSettings(timeout=1, max_bytes=20_000, max_pixels=1_000_000, allow_private=True)


@pytest.mark.parametrize("path", ["/ok.png", "/ok.jpg", "/moved"])
def test_good_images(image_server, config, path):
    data, content_type = fetch_image_bytes(image_server + path, config)
    assert content_type in {"image/png", "image/jpeg"}
    assert PILImage.open(io.BytesIO(data)).size == (40, 30)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/broken.png", "not a valid image"),
        ("/page.html", "Not an image (text/html)"),
        ("/liar.png", "The image is JPEG but the server says image/png"),
        ("/missing.png", "The server answered 404"),
        ("/loop", "Too many redirects"),
        ("/slow.png", "did not answer in time"),
    ],
)
def test_bad_images_give_bilingual_reasons(image_server, config, path, expected):
    with pytest.raises(ImageProblem) as problem:
        fetch_image_bytes(image_server + path, config)
    assert expected in str(problem.value)
    assert " / " in str(problem.value)


def test_size_and_pixel_limits(image_server, config):
    config.max_bytes = 100
    with pytest.raises(ImageProblem, match="larger than 100 bytes"):
        fetch_image_bytes(image_server + "/ok.png", config)
    config.max_bytes = 10_000_000
    config.max_pixels = 1000
    with pytest.raises(ImageProblem, match="too many pixels"):
        fetch_image_bytes(image_server + "/big.png", config)


def test_internal_addresses_and_other_schemes_are_refused(image_server, config):
    config.allow_private = False
    with pytest.raises(ImageProblem, match="internal network"):
        fetch_image_bytes(image_server + "/ok.png", config)
    with pytest.raises(ImageProblem, match="https://"):
        fetch_image_bytes("file:///etc/passwd", config)


def test_version_images_stored_with_thumbnails_and_problems_reported(image_server, config, review_catalogue):
    items = [dict(item) for item in BASE_ITEMS]
    items[0]["image_urls"] = [image_server + "/ok.png"]
    items[1]["image_urls"] = [image_server + "/broken.png", image_server + "/ok.jpg"]  # falls back to the 2nd
    items[2]["image_urls"] = [image_server + "/page.html"]
    items[3]["image_urls"] = [image_server + "/ok.png"]  # same picture: fetched once
    version = make_version(review_catalogue, items)
    report = fetch_images(version, config)
    assert report["urls"] == 4
    assert report["stored"] == 2
    assert report["items_with_image"] == 3
    assert {(p["seller_item_id"], p["url"].rsplit("/", 1)[1]) for p in report["problems"]} == {
        ("KP-200", "broken.png"),
        ("KP-300", "page.html"),
    }
    by_id = {item.seller_item_id: item for item in version.items.select_related("image")}
    assert by_id["KP-100"].image_id == by_id["KP-400"].image_id is not None
    assert by_id["KP-300"].image is None
    image = by_id["KP-100"].image
    assert (image.width, image.height) == (40, 30)
    rendition = image.get_rendition("fill-160x160")
    assert rendition.file.storage.exists(rendition.file.name)
    version.refresh_from_db()
    assert version.image_report["problem_count"] == 2


def test_same_bytes_in_a_later_version_reuse_the_stored_image(image_server, config, review_catalogue):
    from wagtail.images import get_image_model

    items = [dict(BASE_ITEMS[0], image_urls=[image_server + "/ok.png"])]
    fetch_images(make_version(review_catalogue, items), config)
    fetch_images(make_version(review_catalogue, items), config)
    assert get_image_model().objects.count() == 1


def test_broken_images_never_fail_the_version(
    image_server, settings, review_live_version, django_capture_on_commit_callbacks
):
    settings.CATALOGUE_FETCH_IMAGES = True
    settings.CATALOGUE_IMAGE_ALLOW_PRIVATE = True
    settings.CATALOGUE_IMAGE_TIMEOUT = 1
    items = [dict(item, image_urls=[image_server + "/broken.png"]) for item in BASE_ITEMS]
    version = make_version(review_live_version.catalogue, items)
    with django_capture_on_commit_callbacks(execute=True):
        version = submit_for_review(version)
    # Same items as live apart from the image URLs, within the thresholds: published despite broken images.
    assert version.status == CatalogueVersion.Status.PUBLISHED
    version.refresh_from_db()
    assert version.image_report["problem_count"] == len(BASE_ITEMS)
    assert version.image_report["urls"] == 1
