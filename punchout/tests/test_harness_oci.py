"""manage.py punchout_test --protocol oci against a live hub: the catalogue call, shopping, the NEW_ITEM
fields received on 127.0.0.1 and checked against the OCI field list; and the checks' own failures."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from punchout import harness
from punchout.tests.fixtures import SHARED_SECRET
from punchout.tests.test_harness import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def oci_hub(live_server, settings, oci_buyer_system):
    settings.HUB_BASE_URL = live_server.url
    port = free_port()
    oci_buyer_system.return_url_prefixes = [f"http://127.0.0.1:{port}/"]
    oci_buyer_system.save()
    return oci_buyer_system, port


def run(system, port, *items, **options) -> str:
    out = StringIO()
    arguments = ["--buyer-system", system.name, "--protocol", "oci", "--receiver-port", str(port)]
    for item in items:
        arguments += ["--add", item]
    options.setdefault("shared_secret", SHARED_SECRET)
    call_command("punchout_test", *arguments, stdout=out, **options)
    return out.getvalue()


def test_round_trip_writes_the_received_fields(oci_hub, tmp_path, punchout_catalogue):
    system, port = oci_hub
    out_file = tmp_path / "korg.json"

    report = run(system, port, "KP-100:2", "BOK-1:1.5", out=out_file)

    received = json.loads(out_file.read_text(encoding="utf-8"))
    assert (received["~OkCode"], received["~TARGET"], received["~CALLER"]) == ("ADDI", "_top", "CTLG")
    lines = sorted(
        (received[f"NEW_ITEM-VENDORMAT[{n}]"], received[f"NEW_ITEM-QUANTITY[{n}]"], received[f"NEW_ITEM-PRICE[{n}]"])
        for n in (1, 2)
    )
    assert lines == [("BOK-1", "1.500", "300.00"), ("KP-100", "2.000", "1234.50")]
    assert "NEW_ITEM-VENDORMAT[3]" not in received
    assert "OCI" in report and "lyckades" in report
    assert SHARED_SECRET not in report


def test_english_report(oci_hub):
    system, port = oci_hub
    report = run(system, port, "KP-200:3", language="en")
    assert "succeeded" in report and "the fields follow OCI" in report


def test_a_wrong_secret_reports_the_refusal_page_without_the_secret(oci_hub):
    system, port = oci_hub
    with pytest.raises(CommandError) as failure:
        run(system, port, "KP-100:1", shared_secret="fel-hemlighet-123")
    message = str(failure.value)
    assert "401" in message and "Okänd användare eller fel lösenord." in message
    assert "fel-hemlighet-123" not in message


def test_an_item_outside_the_scope_fails(oci_hub):
    system, port = oci_hub
    with pytest.raises(CommandError, match=r"HEM-1.*utanför urvalet"):
        run(system, port, "HEM-1:1")


def test_a_system_not_registered_for_oci_is_named(oci_hub):
    system, port = oci_hub
    system.protocols = ["cxml"]
    system.save()
    with pytest.raises(CommandError, match=re.escape("inte registrerat för OCI 4.0/5.0")):
        run(system, port, "KP-100:1")


GOOD = {
    "~OkCode": "ADDI",
    "~TARGET": "_top",
    "~CALLER": "CTLG",
    "NEW_ITEM-DESCRIPTION[1]": "Kopieringspapper",
    "NEW_ITEM-QUANTITY[1]": "2.000",
    "NEW_ITEM-UNIT[1]": "PK",
    "NEW_ITEM-PRICE[1]": "1234.50",
    "NEW_ITEM-CURRENCY[1]": "SEK",
    "NEW_ITEM-VENDORMAT[1]": "KP-100",
}
WANTED = [harness.WantedItem("KP-100", harness.Decimal("2"))]


def test_check_oci_basket_accepts_a_good_form():
    outcome = harness.check_oci_basket(GOOD, "_top", WANTED)
    assert outcome.lines == [("KP-100", harness.Decimal("2.000"))]
    assert outcome.rows[0].unit_price == "1234.50"


@pytest.mark.parametrize(
    ("change", "target", "message"),
    [
        ({}, "_self", "ramen '_self'"),
        ({"~CALLER": None}, "_top", "~CALLER kom inte tillbaka oförändrat"),
        ({"NEW_ITEM-PRICE[1]": "1 234,50"}, "_top", "NEW_ITEM-PRICE[1] is not an unlocalised number"),
        ({"NEW_ITEM-DESCRIPTION[1]": "x" * 41}, "_top", "more than 40"),
        ({"NEW_ITEM-QUANTITY[1]": "3.000"}, "_top", "väntade KP-100:2, fick KP-100:3"),
    ],
)
def test_check_oci_basket_names_what_is_wrong_and_keeps_the_fields(change, target, message):
    form = {name: value for name, value in {**GOOD, **change}.items() if value is not None}
    with pytest.raises(harness.HarnessError) as failure:
        harness.check_oci_basket(form, target, WANTED)
    assert message in str(failure.value)
    assert json.loads(failure.value.document) == form
