"""manage.py punchout_test --protocol peppol against a live hub: start token, shop, transfer, receive on
127.0.0.1, fetch server to server, UBL 2.1 XSD and the official T77 rules, --out."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from catalogue import safe_xml
from punchout.protocols import peppol
from punchout.tests.fixtures import SHARED_SECRET
from punchout.tests.test_harness import free_port

pytestmark = pytest.mark.django_db(transaction=True)
NS = {"cac": peppol.NS_CAC, "cbc": peppol.NS_CBC}


@pytest.fixture
def peppol_hub(live_server, settings, peppol_system):
    settings.HUB_BASE_URL = live_server.url
    port = free_port()
    peppol_system.return_url_prefixes = [f"http://127.0.0.1:{port}/"]
    peppol_system.save()
    return peppol_system, port


def run(system, port, *items, **options) -> str:
    out = StringIO()
    arguments = ["--buyer-system", system.name, "--protocol", "peppol", "--receiver-port", str(port)]
    for item in items:
        arguments += ["--add", item]
    options.setdefault("shared_secret", SHARED_SECRET)
    call_command("punchout_test", *arguments, stdout=out, **options)
    return out.getvalue()


def test_round_trip_writes_a_valid_punch_out_3_basket(peppol_hub, tmp_path):
    system, port = peppol_hub
    out_file = tmp_path / "korg.xml"

    report = run(system, port, "KP-100:2", "BOK-1:1.5", out=out_file)

    document = out_file.read_bytes()
    check = peppol.check_document(document, "T77")
    assert check.ok, check.describe()
    root = etree.fromstring(document, safe_xml.parser())
    lines = sorted(
        (
            line.findtext("cac:Item/cac:SellersItemIdentification/cbc:ID", namespaces=NS),
            line.findtext("cac:RequiredItemLocationQuantity/cac:DeliveryUnit/cbc:BatchQuantity", namespaces=NS),
        )
        for line in root.findall("cac:CatalogueLine", NS)
    )
    assert lines == [("BOK-1", "1.5"), ("KP-100", "2")]
    assert root.findtext("cac:ReceiverParty/cac:Contact/cbc:ID", namespaces=NS) == "punchout_test"
    assert "T77" in report and "server till server" in report and "lyckades" in report
    assert SHARED_SECRET not in report


def test_english_report(peppol_hub):
    system, port = peppol_hub
    report = run(system, port, "KP-200:3", language="en")
    assert "official T77 rules" in report and "succeeded" in report


def test_a_wrong_secret_is_refused_by_the_hub_and_not_printed(peppol_hub, tmp_path):
    system, port = peppol_hub
    out_file = tmp_path / "korg.xml"
    with pytest.raises(CommandError) as failure:
        run(system, port, "KP-100:1", shared_secret="fel-hemlighet-123", out=out_file)
    assert "401" in str(failure.value) and "fel-hemlighet-123" not in str(failure.value)
    assert not out_file.exists()


def test_an_item_outside_the_scope_fails_with_a_clear_message(peppol_hub):
    system, port = peppol_hub
    with pytest.raises(CommandError) as failure:
        run(system, port, "KP-100:1", "HEM-1:1")
    assert "HEM-1" in str(failure.value) and "utanför urvalet" in str(failure.value)


def test_a_system_not_registered_for_peppol_is_named(peppol_hub):
    system, port = peppol_hub
    system.protocols = ["cxml"]
    system.save()
    with pytest.raises(CommandError, match="inte registrerat för Peppol BIS Punch Out 3"):
        run(system, port, "KP-100:1")
