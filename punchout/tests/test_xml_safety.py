"""Real cXML carries a DOCTYPE, so the hub reads one; but it never fetches it, and never expands an entity.

Proved against a local HTTP server that records every request: an external DTD, an external http entity
and a parameter entity pointing at it are never requested. A file entity is never read into the session,
billion laughs stays small and fast, and a 50 MB body is refused before it is read.
"""

from __future__ import annotations

import contextlib
import http.client
import time
from urllib.parse import urlsplit

import pytest
from lxml import etree

from catalogue import safe_xml
from punchout.models import PunchoutSession
from punchout.tests.fixtures import setup_request

pytestmark = pytest.mark.django_db
URL = "/punchout/cxml/"


def post(client, body: bytes):
    return client.generic("POST", URL, data=body, content_type="text/xml; charset=UTF-8")


def status_code(response) -> int:
    return int(etree.fromstring(response.content, safe_xml.parser()).find("Response/Status").get("code"))


def test_an_external_dtd_on_a_local_server_is_never_fetched(client, buyer_system, receiver):
    body = setup_request(doctype=f'<!DOCTYPE cXML SYSTEM "{receiver.url}cXML.dtd">')

    response = post(client, body)

    assert status_code(response) == 200  # a DOCTYPE alone is what real systems send
    assert receiver.paths == []


def test_a_reference_to_an_entity_only_the_external_dtd_could_declare_is_refused(client, buyer_system, receiver):
    body = setup_request(doctype=f'<!DOCTYPE cXML SYSTEM "{receiver.url}cXML.dtd">', buyer_cookie="&cookie;")

    response = post(client, body)

    assert status_code(response) == 400
    assert b"Entity declarations and references are not accepted" in response.content
    assert receiver.paths == []
    assert not PunchoutSession.objects.exists()


@pytest.mark.parametrize(
    "declaration",
    [
        pytest.param('<!ENTITY cookie SYSTEM "{url}kaka.txt">', id="http-entity"),
        pytest.param('<!ENTITY % remote SYSTEM "{url}remote.dtd"> %remote;', id="parameter-entity"),
        pytest.param('<!ENTITY cookie SYSTEM "file:///etc/passwd">', id="file-entity"),
        pytest.param('<!ENTITY cookie SYSTEM "file:///etc/hostname">', id="file-entity-hostname"),
    ],
)
def test_external_entities_are_refused_and_never_resolved(client, buyer_system, receiver, declaration):
    internal = declaration.format(url=receiver.url)
    doctype = f'<!DOCTYPE cXML SYSTEM "{receiver.url}cXML.dtd" [ {internal} ]>'
    body = setup_request(doctype=doctype, buyer_cookie="&cookie;" if "%" not in internal else "kaka")

    response = post(client, body)

    assert response.status_code == 400
    assert status_code(response) == 400
    assert b"root:" not in response.content
    assert receiver.paths == []
    assert not PunchoutSession.objects.exists()


def test_billion_laughs_stays_small_and_fast(client, buyer_system):
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    body = setup_request(doctype=f"<!DOCTYPE cXML [ {' '.join(entities)} ]>", buyer_cookie="&lol9;")
    assert len(body) < 5_000

    started = time.perf_counter()
    response = post(client, body)
    elapsed = time.perf_counter() - started

    assert status_code(response) == 400
    assert elapsed < 1.0
    assert len(response.content) < 2_000
    assert not PunchoutSession.objects.exists()


def test_the_safe_parser_leaves_entities_unexpanded():
    body = b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY y "yy">]><a>&x;&y;</a>'

    root = etree.fromstring(body, safe_xml.parser())

    assert "root" not in "".join(root.itertext()) and "yy" not in "".join(root.itertext())


def test_a_50_mb_request_is_refused_before_it_is_read(live_server, buyer_system, settings):
    """Over a real socket: the answer comes while the client has sent only the first megabyte."""
    parts = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    declared = 50 * 1024 * 1024
    connection.putrequest("POST", URL)
    connection.putheader("Content-Type", "text/xml")
    connection.putheader("Content-Length", str(declared))
    connection.endheaders()
    started = time.perf_counter()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the server may have closed already
        connection.send(b"<" * (1024 * 1024))
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()

    assert response.status == 413
    root = etree.fromstring(body, safe_xml.parser())
    assert root.find("Response/Status").get("code") == "413"
    assert elapsed < 5
    assert not PunchoutSession.objects.exists()


def test_a_body_just_over_the_limit_without_trusting_its_length_is_refused(client, buyer_system, settings):
    settings.PUNCHOUT_MAX_REQUEST_BYTES = 10_000
    body = setup_request(buyer_cookie="x" * 20_000)

    response = post(client, body)

    assert response.status_code == 413
    assert not PunchoutSession.objects.exists()
