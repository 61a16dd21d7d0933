"""POST /punchout/cxml/: the PunchOutSetupRequest in, a PunchOutSetupResponse or a cXML Status out."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.utils import timezone
from lxml import etree

from catalogue import safe_xml
from punchout import credentials, sessions
from punchout.credentials import token_hash
from punchout.models import PunchoutSession
from punchout.protocols.cxml import parse_timestamp
from punchout.tests.fixtures import RETURN_URL, SHARED_SECRET, setup_request

pytestmark = pytest.mark.django_db
URL = "/punchout/cxml/"


def post(client, body: bytes, content_type: str = "text/xml; charset=UTF-8"):
    # generic(): the bytes go as they are (post() would re-encode them by the charset).
    return client.generic("POST", URL, data=body, content_type=content_type)


def status_of(response) -> tuple[int, str, str]:
    root = etree.fromstring(response.content, safe_xml.parser())
    status = root.find("Response/Status")
    return int(status.get("code")), status.get("text"), (status.text or "")


def start_url_of(response) -> str:
    root = etree.fromstring(response.content, safe_xml.parser())
    return root.findtext("Response/PunchOutSetupResponse/StartPage/URL")


def test_a_good_request_opens_a_session_with_a_single_use_start_page(client, buyer_system, assert_valid_cxml, settings):
    response = post(client, setup_request())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert status_of(response)[0] == 200
    assert_valid_cxml(response.content)
    start_url = start_url_of(response)
    assert start_url.startswith(settings.HUB_BASE_URL + "/punchout/start/")
    token = start_url.rstrip("/").rsplit("/", 1)[1]
    session = PunchoutSession.objects.get()
    # Only the hash of the token is stored, and the token is long and random.
    assert len(token) >= 40 and session.start_token_hash == token_hash(token)
    assert token not in str(PunchoutSession.objects.values().get())
    assert session.buyer_system == buyer_system
    assert session.organisation == buyer_system.organisation
    assert session.operation == "create"
    assert session.buyer_cookie == "cookie-550bce3e"
    assert session.return_url == RETURN_URL
    assert session.user_email == "anna.andersson@exempelkommun.se"
    assert session.state == PunchoutSession.State.NEW
    assert session.start_expires_at <= timezone.now() + datetime.timedelta(
        seconds=settings.PUNCHOUT_START_TOKEN_SECONDS
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(b"<cXML><Header>", 400, id="malformed-xml"),
        pytest.param(b"not xml at all", 400, id="not-xml"),
        pytest.param(setup_request(secret="fel-hemlighet"), 401, id="wrong-secret"),
        pytest.param(setup_request(sender="okand-avsandare"), 401, id="unknown-sender"),
        pytest.param(setup_request(from_identity="nagon-annan"), 401, id="wrong-from"),
        pytest.param(setup_request(to="en-annan-leverantor"), 403, id="wrong-to"),
        pytest.param(setup_request(return_url=None), 400, id="missing-browser-form-post"),
        pytest.param(setup_request(return_url="https://evil.example.com/punchout/"), 403, id="return-url-not-allowed"),
        pytest.param(setup_request(return_url="https://proceedo.example.se.evil.com/x"), 403, id="lookalike-host"),
        pytest.param(setup_request(operation="delete"), 406, id="unknown-operation"),
    ],
)
def test_bad_requests_get_the_right_status_and_open_nothing(
    client, buyer_system, assert_valid_cxml, body, code, caplog
):
    caplog.set_level(logging.DEBUG)

    response = post(client, body)

    assert response.status_code == code
    assert status_of(response)[0] == code
    assert_valid_cxml(response.content)
    assert not PunchoutSession.objects.exists()
    # Neither the secret that was sent nor the right one is echoed or logged.
    for secret in ("fel-hemlighet", SHARED_SECRET):
        assert secret.encode() not in response.content
        assert secret not in caplog.text


def test_another_request_type_is_not_acceptable(client, buyer_system):
    body = setup_request().replace(b"PunchOutSetupRequest", b"ProfileRequest")

    response = post(client, body)

    assert status_of(response)[0] == 406
    assert "ProfileRequest" in status_of(response)[2]


def test_a_system_not_registered_for_cxml_is_refused(client, buyer_system):
    buyer_system.protocols = ["oci"]
    buyer_system.save()

    assert status_of(post(client, setup_request()))[0] == 403


def test_an_inactive_system_is_an_unknown_sender(client, buyer_system):
    buyer_system.active = False
    buyer_system.save()

    assert status_of(post(client, setup_request()))[0] == 401


def test_iso_8859_1_by_declaration_and_by_http_charset(client, buyer_system):
    latin = setup_request(encoding="ISO-8859-1", buyer_cookie="kaka-åäö")
    assert "åäö".encode("latin-1") in latin
    assert status_of(post(client, latin))[0] == 200
    # No declaration at all: the HTTP header names the encoding.
    undeclared = latin.split(b"\n", 1)[1]
    response = post(client, undeclared, content_type="text/xml; charset=ISO-8859-1")
    assert status_of(response)[0] == 200
    assert sorted(PunchoutSession.objects.values_list("buyer_cookie", flat=True)) == ["kaka-åäö", "kaka-åäö"]


def test_without_a_doctype(client, buyer_system):
    response = post(client, setup_request(doctype=""))

    assert status_of(response)[0] == 200


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-12-02T09:15:00+01:00", "2026-12-02T08:15:00+00:00"),
        ("2026-12-02T08:15:00Z", "2026-12-02T08:15:00+00:00"),
        ("2026-12-02T08:15:00z", "2026-12-02T08:15:00+00:00"),
        ("2026-12-02T09:15:00.1234567+0100", "2026-12-02T08:15:00.123456+00:00"),
        ("20261202T081500Z", "2026-12-02T08:15:00+00:00"),
        ("2026-12-02 09:15:00+01:00", "2026-12-02T08:15:00+00:00"),
        ("2026-12-02T09:15:00,5+01:00", "2026-12-02T08:15:00.500000+00:00"),
        ("2026-12-02T09:15:00", "2026-12-02T08:15:00+00:00"),  # no zone: the hub's (Stockholm, UTC+1 in December)
    ],
)
def test_timestamps_in_any_iso_8601_form(written, expected):
    assert parse_timestamp(written).astimezone(datetime.UTC).isoformat() == expected


@pytest.mark.parametrize("written", ["2026-12-02T09:15:00+01:00", "20261202T081500Z", "2026-12-02T09:15:00.1234567Z"])
def test_a_request_with_any_timestamp_form_is_accepted(client, buyer_system, written):
    assert status_of(post(client, setup_request(timestamp=written)))[0] == 200


def test_get_is_not_allowed(client):
    response = client.get(URL)

    assert response.status_code == 405
    assert status_of(response)[0] == 405


def test_an_unexpected_failure_answers_500_without_details(client, buyer_system, monkeypatch):
    def broken(setup):
        raise RuntimeError("database on fire with secret " + SHARED_SECRET)

    monkeypatch.setattr(sessions, "open_cxml_session", broken)

    response = post(client, setup_request())

    assert response.status_code == 500
    assert status_of(response)[0] == 500
    assert b"fire" not in response.content and SHARED_SECRET.encode() not in response.content


def test_the_shared_secret_is_stored_as_a_password_hash(buyer_system):
    assert SHARED_SECRET not in buyer_system.shared_secret_hash
    identify_hasher(buyer_system.shared_secret_hash)  # a Django password hash, not clear text


def test_repeated_wrong_secrets_from_one_address_are_refused_before_any_hash_work(
    client, buyer_system, settings, monkeypatch, assert_valid_cxml
):
    """Each wrong secret costs a slow password-hash check; after the limit the address gets 429 without one."""
    settings.PUNCHOUT_SETUP_FAILURE_LIMIT = 3
    settings.PUNCHOUT_SETUP_COOLOFF_SECONDS = 600
    for _attempt in range(3):
        assert post(client, setup_request(secret="wrong-secret")).status_code == 401
    checks = []
    monkeypatch.setattr(credentials, "check_password", lambda *args: checks.append(args) or False)
    refused = post(client, setup_request())  # even the right secret waits for the cool-off
    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    assert_valid_cxml(refused.content)
    assert status_of(refused)[0] == 429
    assert checks == [] and not PunchoutSession.objects.exists()
    monkeypatch.undo()
    # Another address is not affected.
    other = client.generic("POST", URL, data=setup_request(), content_type="text/xml", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_refusals_other_than_a_wrong_secret_do_not_count(client, buyer_system, settings):
    settings.PUNCHOUT_SETUP_FAILURE_LIMIT = 2
    for _attempt in range(3):
        assert post(client, b"<cXML>not closed").status_code == 400
    assert post(client, setup_request()).status_code == 200
