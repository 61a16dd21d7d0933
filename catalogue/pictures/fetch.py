"""Product images from the URLs in a catalogue, fetched in the background.

Each URL is fetched once per version (many items share a picture), with a timeout, a size
limit, a content-type check and Pillow's verify(); the image is stored as a Wagtail image
(reused when the same bytes were stored before) with a thumbnail rendition. A broken image
never fails the import: it is listed in version.image_report and the item shows no picture.

Fetch policy (the catalogue's author chooses the URLs, so each one is treated as hostile):
- parsed once, by urllib3, the code that sends the request; userinfo, backslashes, spaces and
  non-ASCII are refused, so no two parsers can disagree about the host;
- http(s) only; the host is resolved once and EVERY address must be globally routable unicast
  (ipaddress `is_global`, IPv4 inside IPv6 checked too), unless CATALOGUE_IMAGE_ALLOW_PRIVATE is on
  (the tests' local server); the connection goes to the checked address (the name is kept for the
  Host header, SNI and the certificate), so a second DNS answer (rebinding) is never used;
- redirects are followed at most MAX_REDIRECTS times, each hop checked like the first;
- one total deadline (CATALOGUE_IMAGE_TIMEOUT) per fetch, however slowly the server sends, and a
  size cap (CATALOGUE_IMAGE_MAX_BYTES);
- the supplier is told only NOT_FETCHED for anything on the way; the reason goes to the log;
- the fetch runs only once a version is published (catalogue.signals.version_published), never for an unreviewed one.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import certifi
import urllib3
import urllib3.connection
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from catalogue.models import CatalogueItem, CatalogueVersion
from catalogue.pictures.files import (
    ALLOWED_TYPES,
    MAX_REPORTED,
    NOT_FETCHED,
    FetchSettings,
    ImageProblem,
    store_image,
    too_big,
    verify,
)
from catalogue.pictures.uploads import apply_uploaded_images, uploaded_image_ids

if TYPE_CHECKING:
    from wagtail.images.models import AbstractImage

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 3
DEFAULT_PORTS = {"http": 80, "https": 443}
_ALLOWED_URL = re.compile(r"[!-~]+")  # printable ASCII, no spaces or control characters
_USERINFO = re.compile(r"//[^/?#]*@")


class _Refused(Exception):
    """Why a fetch failed, for the log only; the supplier is told NOT_FETCHED."""


@dataclass(frozen=True)
class Target:
    """A URL as urllib3 (the code that sends the request) reads it, with the address it was checked at."""

    scheme: str
    host: str  # as written (for the Host header, SNI and the certificate)
    port: int
    request_target: str  # path and query
    address: str  # the checked IP address the connection goes to

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


@dataclass(frozen=True)
class _CheckedUrl:
    scheme: str
    host: str
    port: int
    request_target: str


def _parse(url: str) -> _CheckedUrl:
    """The URL's parts as urllib3 reads them; anything two parsers could read differently is refused."""
    if not _ALLOWED_URL.fullmatch(url) or "\\" in url:
        raise _Refused("not printable ASCII, or a backslash")
    try:
        parts = parse_url(url)
    except LocationParseError:
        raise _Refused("unparsable") from None
    if parts.scheme is None or parts.scheme not in DEFAULT_PORTS:
        raise _Refused(f"scheme {parts.scheme!r}")
    if parts.auth is not None or "@" in (parts.netloc or ""):
        raise _Refused("userinfo")
    if not parts.host or "%" in parts.host:
        raise _Refused("no host, or an IPv6 zone")
    return _CheckedUrl(parts.scheme, parts.host, parts.port or DEFAULT_PORTS[parts.scheme], parts.request_uri)


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A globally routable unicast address; IPv4 carried inside IPv6 must be one as well."""
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return _is_public(address.ipv4_mapped)
        if address.sixtofour is not None:
            return _is_public(address.sixtofour)
        if address.teredo is not None:
            return False
        if address in _NAT64:
            return _is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return address.is_global and not address.is_multicast


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def resolve_target(url: str, allow_private: bool) -> Target:
    """Parse once, resolve once, check every address; the connection then goes to the address checked."""
    parts = _parse(url)
    host = parts.host.strip("[]")
    port = parts.port
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _Refused("the host does not resolve") from None
    addresses = []
    for info in infos:
        found = info[4][0]
        if not isinstance(found, str):  # not an IP socket address; nothing to connect to is checked
            raise _Refused(f"{host} resolves to a non-IP address")
        address = ipaddress.ip_address(found.split("%", 1)[0])
        if not allow_private and not _is_public(address):
            raise _Refused(f"{host} resolves to the non-public address {address}")
        addresses.append(str(address))
    if not addresses:
        raise _Refused("the host has no address")
    return Target(parts.scheme, host, port, parts.request_target, addresses[0])


class _Deadline:
    """A total time limit: when it passes, the socket is shut, which ends any read however slow."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.passed = False

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            self.passed = True
            raise _Refused("the total deadline passed")
        return left

    def watch(self, sock: socket.socket) -> threading.Timer:
        def cut() -> None:
            self.passed = True
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(self.remaining(), cut)
        timer.daemon = True
        timer.start()
        return timer


def _connection(target: Target, deadline: _Deadline):
    timeout = deadline.remaining()  # per socket operation; the watchdog in _Deadline bounds the total
    if target.scheme == "https":
        return urllib3.connection.HTTPSConnection(
            target.address,
            target.port,
            timeout=timeout,
            server_hostname=target.host,  # SNI and the certificate check use the name, not the address
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    return urllib3.connection.HTTPConnection(target.address, target.port, timeout=timeout)


def _get(target: Target, deadline: _Deadline, max_bytes: int) -> tuple[int, dict, str | None, bytes]:
    """(status, headers, redirect location, body) from one request to the checked address, within the deadline."""
    connection = _connection(target, deadline)
    timer = None
    try:
        connection.connect()
        # The response keeps reading from this socket after http.client drops its own reference.
        timer = deadline.watch(connection.sock)
        connection.request(
            "GET",
            target.request_target,
            headers={"Host": target.host_header, "User-Agent": "E-handelshubben", "Accept": "image/*"},
            preload_content=False,
        )
        response = connection.getresponse()
        status = response.status
        headers = {key.lower(): value for key, value in response.headers.items()}
        if status in {301, 302, 303, 307, 308}:
            return status, headers, headers.get("location"), b""
        if status != 200:
            raise _Refused(f"status {status}")
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in ALLOWED_TYPES:
            raise _Refused(f"content type {content_type!r}")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise too_big(max_bytes)
        body = bytearray()
        for chunk in response.stream(64 * 1024):
            body.extend(chunk)
            if len(body) > max_bytes:
                raise too_big(max_bytes)
        if deadline.passed:  # the watchdog shut the socket, which can look like a short, clean end
            raise _Refused("the total deadline passed")
        return status, headers, None, bytes(body)
    except (ImageProblem, _Refused):
        raise
    except Exception as error:  # urllib3, ssl and socket errors all mean "not fetched"
        if deadline.passed:
            raise _Refused("the total deadline passed") from None
        raise _Refused(f"{type(error).__name__}: {error}") from None
    finally:
        if timer is not None:
            timer.cancel()
        connection.close()


def fetch_image_bytes(url: str, config: FetchSettings) -> tuple[bytes, str]:
    """Download and check one image: (bytes, content type) or ImageProblem.

    Every hop of a redirect is parsed, resolved and checked again; the whole fetch has one deadline.
    """
    deadline = _Deadline(config.timeout)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            target = resolve_target(url, config.allow_private)
            _status, headers, location, body = _get(target, deadline, config.max_bytes)
            if location is None:
                break
            url = urljoin(url, location)
        else:
            raise _Refused("too many redirects")
    except _Refused as reason:
        logger.info("Image %s not fetched: %s", _USERINFO.sub("//***@", url), reason)  # no passwords in logs
        raise ImageProblem(NOT_FETCHED) from None
    content_type = headers["content-type"].split(";")[0].strip().lower()
    verify(body, content_type, config)
    return body, content_type


def fetch_images(version: CatalogueVersion, config: FetchSettings | None = None) -> dict:
    """Fetch every item's first usable image URL; store the report on the version and return it."""
    config = config or FetchSettings.from_settings()
    uploaded = uploaded_image_ids(version.catalogue_id)  # a supplier's uploaded picture wins over a URL
    by_url: dict[str, AbstractImage | ImageProblem] = {}
    problems: list[dict] = []
    problem_count = 0
    updated: list[CatalogueItem] = []
    items = (
        CatalogueItem.objects.filter(version=version)
        .exclude(image_urls=[])
        .only("pk", "seller_item_id", "name", "image_urls", "image")
        .order_by("line_number")
    )
    # Read first (not .iterator()): an open SQLite read cursor would keep the image writes below
    # uncommitted, holding the write lock against the web server for the whole fetch.
    for item in list(items):
        if item.seller_item_id in uploaded:
            continue
        urls = [url for url in (item.image_urls or []) if isinstance(url, str) and url.strip()]
        for url in urls:
            url = url.strip()
            if url not in by_url:
                try:
                    data, content_type = fetch_image_bytes(url, config)
                    by_url[url] = store_image(data, content_type, f"{item.seller_item_id} {item.name}")
                except ImageProblem as problem:
                    by_url[url] = problem
                except Exception:  # storage or rendition failure: report it, never fail the import
                    logger.exception("Storing image %s for version %s failed", url, version.pk)
                    by_url[url] = ImageProblem("NOT-STORED")
            result = by_url[url]
            if isinstance(result, ImageProblem):
                problem_count += 1
                if len(problems) < MAX_REPORTED:
                    problems.append({"seller_item_id": item.seller_item_id, "url": url, **result.to_dict()})
                continue
            if item.image_id != result.pk:
                item.image = result
                updated.append(item)
            break
    with transaction.atomic():
        CatalogueItem.objects.bulk_update(updated, ["image"], batch_size=500)
        report = {
            "checked_at": timezone.now().isoformat(),
            "urls": len(by_url),
            "stored": sum(1 for value in by_url.values() if not isinstance(value, ImageProblem)),
            "items_with_image": len(updated),
            "problem_count": problem_count,
            "problems": problems,
        }
        CatalogueVersion.objects.filter(pk=version.pk).update(image_report=report)
    version.image_report = report
    return report


@task()
def fetch_version_images(version_id: int) -> dict:
    """Background form of fetch_images (django-tasks)."""
    version = CatalogueVersion.objects.get(pk=version_id)
    report = fetch_images(version)
    return {key: report[key] for key in ("urls", "stored", "problem_count")}


def fetch_images_of_published_version(sender, version: CatalogueVersion, **kwargs) -> None:
    """On catalogue.signals.version_published: pictures are fetched only once a version is approved and
    live (never for an unreviewed upload), in the background after the commit; a broken one is reported,
    never blocks the version."""
    enqueue_image_fetch(version)


def enqueue_image_fetch(version: CatalogueVersion) -> bool:
    """Give the items their uploaded pictures now; queue the URL fetch after the current transaction."""
    apply_uploaded_images(version)
    if not settings.CATALOGUE_FETCH_IMAGES:
        return False
    if not CatalogueItem.objects.filter(version=version).exclude(image_urls=[]).exists():
        return False
    transaction.on_commit(lambda: fetch_version_images.enqueue(version.pk))
    return True
