"""manage.py punchout_test against a live hub: the whole cXML round trip, and its failures."""

from __future__ import annotations

import socket
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from catalogue import safe_xml
from punchout import harness
from punchout.tests.fixtures import SHARED_SECRET

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def harness_hub(live_server, settings, buyer_system):
    """The hub on a live server, and the buyer system allowing returns to a free local port."""
    settings.HUB_BASE_URL = live_server.url
    port = free_port()
    buyer_system.return_url_prefixes = [f"http://127.0.0.1:{port}/"]
    buyer_system.save()
    return buyer_system, port


def run(system, port, *items, **options) -> str:
    out = StringIO()
    arguments = ["--buyer-system", system.name, "--protocol", "cxml", "--receiver-port", str(port)]
    for item in items:
        arguments += ["--add", item]
    options.setdefault("shared_secret", SHARED_SECRET)
    call_command("punchout_test", *arguments, stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["urlencoded", "base64"])
def test_round_trip_writes_a_valid_basket_with_the_items(harness_hub, tmp_path, assert_valid_cxml, encoding):
    system, port = harness_hub
    system.cxml_return_encoding = encoding
    system.save()
    out_file = tmp_path / "korg.xml"

    report = run(system, port, "KP-100:2", "BOK-1:1.5", out=out_file)

    document = out_file.read_bytes()
    assert_valid_cxml(document)
    root = etree.fromstring(document, safe_xml.parser())
    lines = root.findall("Message/PunchOutOrderMessage/ItemIn")
    assert sorted((line.findtext("ItemID/SupplierPartID"), line.get("quantity")) for line in lines) == [
        ("BOK-1", "1.5"),
        ("KP-100", "2"),
    ]
    assert root.findtext("Message/PunchOutOrderMessage/BuyerCookie").startswith("punchout-test-")
    assert "Giltig enligt cXML-DTD" in report and "lyckades" in report
    assert SHARED_SECRET not in report


def test_the_secret_may_come_from_the_environment_and_english_is_spoken(harness_hub, monkeypatch, cxml_dtd):
    system, port = harness_hub
    monkeypatch.setenv("PUNCHOUT_TEST_SHARED_SECRET", SHARED_SECRET)
    report = run(system, port, "KP-200:3", shared_secret=None, language="en")
    assert "Valid against the cXML DTD" in report and "succeeded" in report


def test_says_when_dtd_validation_is_skipped(harness_hub, settings):
    system, port = harness_hub
    settings.HUB_CXML_DTD = None
    report = run(system, port, "KP-200:1")
    assert "DTD-valideringen hoppades över" in report


def test_an_item_outside_the_scope_fails_with_a_clear_message(harness_hub, tmp_path):
    system, port = harness_hub
    out_file = tmp_path / "korg.xml"
    with pytest.raises(CommandError) as failure:
        run(system, port, "KP-100:1", "HEM-1:1", out=out_file)
    assert "HEM-1" in str(failure.value) and "utanför urvalet" in str(failure.value)
    assert not out_file.exists()


def test_a_wrong_secret_reports_the_hubs_refusal_without_the_secret(harness_hub):
    system, port = harness_hub
    with pytest.raises(CommandError) as failure:
        run(system, port, "KP-100:1", shared_secret="fel-hemlighet-123")
    assert "401" in str(failure.value)
    assert "fel-hemlighet-123" not in str(failure.value)


def test_a_receiver_port_off_the_allow_list_is_named(harness_hub):
    system, port = harness_hub
    other_port = free_port()
    while other_port == port:
        other_port = free_port()
    with pytest.raises(CommandError) as failure:
        run(system, other_port, "KP-100:1")
    message = str(failure.value)
    assert f"http://127.0.0.1:{other_port}/" in message and "tillåtna returadresser" in message


def test_a_protocol_the_harness_does_not_play_is_refused(harness_hub, monkeypatch):
    system, _port = harness_hub
    monkeypatch.setattr(harness, "RUNNERS", {"cxml": harness.run_cxml})
    with pytest.raises(CommandError, match="stöds inte av testverktyget ännu; bara cxml"):
        call_command("punchout_test", "--buyer-system", system.name, "--protocol", "oci", "--add", "KP-100:1")


@pytest.mark.parametrize("value", ["KP-100", "KP-100:0", "KP-100:x", ":3"])
def test_bad_item_arguments_are_refused(harness_hub, value):
    system, port = harness_hub
    with pytest.raises(CommandError, match="ARTIKELNUMMER:ANTAL"):
        run(system, port, value)


def test_a_missing_secret_is_asked_for(harness_hub, monkeypatch):
    system, port = harness_hub
    monkeypatch.delenv("PUNCHOUT_TEST_SHARED_SECRET", raising=False)
    with pytest.raises(CommandError, match="PUNCHOUT_TEST_SHARED_SECRET"):
        run(system, port, "KP-100:1", shared_secret=None)


RETURNED = b"""<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="1@hub" timestamp="2026-12-02T09:31:12+01:00"><Message><PunchOutOrderMessage>
<BuyerCookie>punchout-test-abc</BuyerCookie>
<ItemIn quantity="2"><ItemID><SupplierPartID>KP-100</SupplierPartID></ItemID></ItemIn>
</PunchOutOrderMessage></Message></cXML>"""


def test_check_basket_names_a_changed_cookie_and_wrong_quantities_and_keeps_the_document(settings):
    settings.HUB_CXML_DTD = None
    wanted = [harness.WantedItem("KP-100", Decimal("3"))]
    with pytest.raises(harness.HarnessError) as failure:
        harness.check_basket(RETURNED, "punchout-test-other", wanted)
    message = str(failure.value)
    assert "BuyerCookie" in message and "KP-100:3" in message and "KP-100:2" in message
    assert failure.value.document == RETURNED


def test_check_basket_accepts_matching_lines_and_says_the_dtd_was_not_checked(settings):
    settings.HUB_CXML_DTD = None
    wanted = [harness.WantedItem("KP-100", Decimal("1")), harness.WantedItem("KP-100", Decimal("1"))]
    outcome = harness.check_basket(RETURNED, "punchout-test-abc", wanted)
    assert outcome.lines == [("KP-100", Decimal("2"))] and outcome.dtd_checked is False


def test_decode_returned_reads_both_encodings_and_refuses_others():
    assert harness.decode_returned({"cxml-base64": ["PGNYTUwvPg=="]}) == b"<cXML/>"
    assert harness.decode_returned({"cxml-urlencoded": ["<cXML/>"]}) == b"<cXML/>"
    with pytest.raises(harness.HarnessError, match="base64"):
        harness.decode_returned({"cxml-base64": ["inte base64!"]})
    with pytest.raises(harness.HarnessError, match="saknar"):
        harness.decode_returned({"annat": ["x"]})
