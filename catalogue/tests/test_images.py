"""Image fetching from a local HTTP server in a thread (never the internet).

"Public" hosts are faked: socket.getaddrinfo is mocked to give a public address for names under
.example, and urllib3's create_connection routes that address to the local server, so a test can
see which address the fetch really connected to.
"""

import io
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import urllib3.util.connection
from django.utils import translation
from PIL import Image as PILImage
from wagtail.images import get_image_model

from catalogue.models import CatalogueVersion
from catalogue.pictures.fetch import fetch_image_bytes, fetch_images
from catalogue.pictures.files import NOT_FETCHED, FetchSettings, ImageProblem, store_image
from catalogue.review import approve, submit_for_review
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
SEEN: list[tuple[str, str]] = []  # (path, Host header) of every request the local server answered


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # http.server's name
        SEEN.append((self.path, self.headers.get("Host", "")))
        if self.path == "/slow.png":
            time.sleep(2)
        if self.path == "/trickle.png":
            # Headers at once, then a byte every 0.2 s: each read is quick, the whole takes 6 s.
            body = picture("PNG")[:30]
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
            return
        if self.path == "/to-internal":
            port = self.server.server_address[1]
            ROUTES["/to-internal"] = (302, {"Location": f"http://127.0.0.1:{port}/ok.png"}, b"")
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


PUBLIC = "93.184.216.34"


class Connections(list):
    """(address, port) of each connection tried; .answers sets a host's successive DNS answers."""

    answers: dict


@pytest.fixture
def fake_internet(image_server, monkeypatch):
    """Names under .example resolve to PUBLIC (or to what `answers` says); PUBLIC:80 is the local server.

    Returns the list of (address, port) the fetch connected to.
    """
    local_port = int(image_server.rsplit(":", 1)[1])
    real_getaddrinfo = socket.getaddrinfo
    real_connect = urllib3.util.connection.create_connection
    connected = Connections()
    answers: dict[str, list[list[str]]] = {}  # host -> successive DNS answers

    def getaddrinfo(host, port, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".example"):
            queue = answers.get(host) or [[PUBLIC]]
            addresses = queue.pop(0) if len(queue) > 1 else queue[0]
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 80))
                for a in addresses
            ]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        connected.append((address[0], address[1]))
        if address[0] == PUBLIC and address[1] == 80:
            return real_connect(("127.0.0.1", local_port), *args, **kwargs)
        if address[0] in {"127.0.0.1", "localhost"}:
            return real_connect(address, *args, **kwargs)
        raise ConnectionRefusedError("no internet in tests")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    connected.answers = answers
    SEEN.clear()
    return connected


@pytest.mark.parametrize("path", ["/ok.png", "/ok.jpg", "/moved"])
def test_good_images(image_server, config, path):
    data, content_type = fetch_image_bytes(image_server + path, config)
    assert content_type in {"image/png", "image/jpeg"}
    assert PILImage.open(io.BytesIO(data)).size == (40, 30)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/broken.png", "not a valid image"),
        ("/liar.png", "The image is JPEG but the server says image/png"),
    ],
)
def test_bad_images_give_reasons_in_the_page_language(image_server, config, path, expected):
    with pytest.raises(ImageProblem) as problem:
        fetch_image_bytes(image_server + path, config)
    with translation.override("en"):
        assert expected in str(problem.value)
    with translation.override("sv"):
        swedish = str(problem.value)
    assert expected not in swedish and "bild" in swedish.lower() and " / " not in swedish


@pytest.mark.parametrize("path", ["/page.html", "/missing.png", "/loop", "/slow.png"])
def test_what_the_server_answered_is_never_told_to_the_supplier(image_server, config, path):
    """Status codes, content types and timeouts would map the network behind a URL: one neutral message."""
    with pytest.raises(ImageProblem) as problem:
        fetch_image_bytes(image_server + path, config)
    assert problem.value.code == NOT_FETCHED and problem.value.params == {}


def test_size_and_pixel_limits(image_server, config):
    config.max_bytes = 100
    with translation.override("en"), pytest.raises(ImageProblem, match="larger than 100 bytes"):
        fetch_image_bytes(image_server + "/ok.png", config)
    config.max_bytes = 10_000_000
    config.max_pixels = 1000
    with translation.override("en"), pytest.raises(ImageProblem, match="too many pixels"):
        fetch_image_bytes(image_server + "/big.png", config)


def test_internal_addresses_and_other_schemes_are_refused(image_server, config):
    config.allow_private = False
    for url in (image_server + "/ok.png", "file:///etc/passwd", "ftp://images.example/ok.png", "gopher://x/"):
        with pytest.raises(ImageProblem, match="Bilden kunde inte hämtas"):
            fetch_image_bytes(url, config)


def test_a_public_name_is_fetched_from_the_checked_address_with_its_own_host_header(fake_internet, config):
    config.allow_private = False
    data, content_type = fetch_image_bytes("http://images.example/ok.png", config)
    assert content_type == "image/png" and data == ROUTES["/ok.png"][2]
    assert fake_internet == [(PUBLIC, 80)]
    assert SEEN == [("/ok.png", "images.example")]


@pytest.mark.parametrize(
    "template",
    [
        # The review's bypass: urlsplit reads the host after "@", urllib3 stops at the backslash.
        "http://127.0.0.1:{port}\\@93.184.216.34/../ok.png",
        "http://127.0.0.1:{port}\\@images.example/ok.png",
        "http://user:pw@images.example/ok.png",  # userinfo
        "http://images.example@127.0.0.1:{port}/ok.png",
        "http://bilder.exämple/ok.png",  # non-ASCII host
        "http://images.example /ok.png",
        "http://100.64.0.1/ok.png",  # carrier-grade NAT, neither private nor global
        "http://[::ffff:127.0.0.1]:{port}/ok.png",  # IPv4-mapped loopback
        "http://[2002:7f00:1::1]/ok.png",  # 6to4 of 127.0.0.1
        "http://[2001:0:7f00:1::1]/ok.png",  # Teredo
        "http://224.0.0.1/ok.png",  # multicast
        "http://0.0.0.0:{port}/ok.png",
        "http://2130706433:{port}/ok.png",  # 127.0.0.1 as one decimal number
    ],
)
def test_addresses_that_could_reach_the_hubs_own_network_are_refused_before_connecting(
    fake_internet, image_server, config, template
):
    config.allow_private = False
    port = image_server.rsplit(":", 1)[1]
    with pytest.raises(ImageProblem) as problem:
        fetch_image_bytes(template.format(port=port), config)
    assert problem.value.code == NOT_FETCHED and problem.value.params == {}
    assert fake_internet == []  # no connection was even tried
    assert SEEN == []


def test_a_name_resolving_to_loopback_is_refused(fake_internet, config):
    config.allow_private = False
    fake_internet.answers["intern.example"] = [["127.0.0.1"]]
    with pytest.raises(ImageProblem, match="Bilden kunde inte hämtas"):
        fetch_image_bytes("http://intern.example/ok.png", config)
    # One public address among private ones is not enough: every answer must be public.
    fake_internet.answers["mixed.example"] = [[PUBLIC, "10.0.0.5"]]
    with pytest.raises(ImageProblem, match="Bilden kunde inte hämtas"):
        fetch_image_bytes("http://mixed.example/ok.png", config)
    assert fake_internet == [] and SEEN == []


def test_dns_rebinding_cannot_move_the_fetch_to_an_internal_address(fake_internet, config):
    """The first DNS answer is public, every later one loopback: the fetch must use the address it checked."""
    config.allow_private = False
    fake_internet.answers["rebind.example"] = [["93.184.216.35"], ["127.0.0.1"]]
    with pytest.raises(ImageProblem, match="Bilden kunde inte hämtas"):
        fetch_image_bytes("http://rebind.example/ok.png", config)
    assert SEEN == []  # the local (internal) server was never asked
    assert [address for address, _port in fake_internet] == ["93.184.216.35"]


def test_a_redirect_to_an_internal_address_is_refused(fake_internet, config):
    config.allow_private = False
    with pytest.raises(ImageProblem, match="Bilden kunde inte hämtas"):
        fetch_image_bytes("http://images.example/to-internal", config)
    assert [path for path, _host in SEEN] == ["/to-internal"]  # the first hop only


def test_a_slow_trickle_is_cut_at_the_total_deadline(image_server, config):
    """Each byte comes well within a read timeout; the whole fetch must still end at config.timeout."""
    config.timeout = 1
    started = time.monotonic()
    with pytest.raises(ImageProblem, match="Bilden kunde inte hämtas"):
        fetch_image_bytes(image_server + "/trickle.png", config)
    assert time.monotonic() - started < 2.5  # the trickle alone takes 6 s


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


def test_pictures_are_fetched_only_after_a_reviewer_approves(
    image_server, settings, review_live_version, review_changed_items, django_capture_on_commit_callbacks, admin_user
):
    """The catalogue's author picks the URLs: nothing is fetched for a version nobody has approved yet."""
    settings.CATALOGUE_FETCH_IMAGES = True
    settings.CATALOGUE_IMAGE_ALLOW_PRIVATE = True
    SEEN.clear()
    items = [dict(item, image_urls=[image_server + "/ok.png"]) for item in review_changed_items]
    version = make_version(review_live_version.catalogue, items)
    with django_capture_on_commit_callbacks(execute=True):
        version = submit_for_review(version)
    assert version.status == CatalogueVersion.Status.PENDING_REVIEW
    assert SEEN == [] and version.image_report in ({}, None)
    with django_capture_on_commit_callbacks(execute=True):
        version = approve(version, admin_user)
    assert version.status == CatalogueVersion.Status.PUBLISHED
    version.refresh_from_db()
    assert [path for path, _host in SEEN] == ["/ok.png"]
    assert version.image_report["stored"] == 1


@pytest.mark.parametrize(("fmt", "stored_format"), [("PNG", "PNG"), ("GIF", "PNG"), ("JPEG", "JPEG"), ("WEBP", "PNG")])
def test_public_media_gets_only_pixels_re_encoded_by_pillow(fmt, stored_format):
    """A valid picture with HTML riding along (a polyglot) must not reach the public media as it came."""
    payload = b"<html><script>alert(document.cookie)</script></html>"
    data = picture(fmt) + payload
    image = store_image(
        data, {"PNG": "image/png", "GIF": "image/gif", "JPEG": "image/jpeg"}.get(fmt, "image/webp"), "x"
    )
    with image.file.open("rb") as handle:
        stored = handle.read()
    assert payload not in stored and stored != data
    assert PILImage.open(io.BytesIO(stored)).format == stored_format
    assert image.file.name.endswith(".png" if stored_format == "PNG" else ".jpg")
    assert (image.width, image.height) == (40, 30)


@pytest.fixture
def tls_image_server(monkeypatch):
    """An HTTPS server with a test certificate for images.example (trusted only by these tests), reached as
    PUBLIC:443 through the faked DNS and network. Returns the SNI names it was asked for."""
    tls = Path(__file__).parent / "tls"
    server = QuietServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls / "images.example.pem", tls / "images.example.key")
    names: list[str] = []
    context.sni_callback = lambda _socket, name, _context: names.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    real_getaddrinfo = socket.getaddrinfo
    real_connect = urllib3.util.connection.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".example"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        if address == (PUBLIC, 443):
            return real_connect(("127.0.0.1", server.server_address[1]), *args, **kwargs)
        raise ConnectionRefusedError("no internet in tests")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    monkeypatch.setattr("catalogue.pictures.fetch.certifi.where", lambda: str(tls / "images.example.pem"))
    SEEN.clear()
    yield names
    server.shutdown()
    server.server_close()


def test_https_goes_to_the_checked_address_with_the_name_for_sni_host_and_certificate(tls_image_server, config):
    config.allow_private = False
    data, content_type = fetch_image_bytes("https://images.example/ok.png", config)
    assert (data, content_type) == (ROUTES["/ok.png"][2], "image/png")
    assert tls_image_server == ["images.example"]  # SNI
    assert SEEN == [("/ok.png", "images.example")]  # Host header
    # The same server under another name: its certificate does not match, so nothing is fetched.
    with pytest.raises(ImageProblem, match="Bilden kunde inte hämtas"):
        fetch_image_bytes("https://other.example/ok.png", config)
    assert len(SEEN) == 1


def test_a_refused_url_with_a_password_is_logged_without_it(fake_internet, config, caplog):
    config.allow_private = False
    with caplog.at_level("INFO", logger="catalogue.pictures.fetch"), pytest.raises(ImageProblem):
        fetch_image_bytes("http://bob:hemligt@images.example/ok.png", config)
    assert "not fetched" in caplog.text and "hemligt" not in caplog.text
