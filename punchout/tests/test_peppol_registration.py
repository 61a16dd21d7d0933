"""Registering a buyer system for Peppol Punch Out 3: the default protocol, and the sealed secret it needs."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command

from punchout.credentials import open_sealed_secret
from punchout.models import BuyerSystem

pytestmark = pytest.mark.django_db
SECRET = "kommandots-hemlighet"  # a test value


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_buyer_system", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_a_new_buyer_system_speaks_peppol_by_default_and_keeps_its_secret_sealed(buyer_organisation):
    report = run(
        "Inköpssystem", "--organisation-orgnr", "212000-0142", "--shared-secret", SECRET,
        "--return-url-prefix", "https://inkop.example.se/punchout/",
    )  # fmt: skip

    system = BuyerSystem.objects.get()
    assert system.protocols == ["peppol"] and SECRET not in report
    assert check_password(SECRET, system.shared_secret_hash)
    assert SECRET not in system.shared_secret_sealed and open_sealed_secret(system.shared_secret_sealed) == SECRET


def test_a_system_registered_before_peppol_must_give_its_secret_again(buyer_system):
    BuyerSystem.objects.update(shared_secret_sealed="")

    with pytest.raises(CommandError, match="needs --shared-secret again"):
        run(buyer_system.name, "--organisation-orgnr", "2120000142", "--protocol", "cxml", "--protocol", "peppol")
    buyer_system.refresh_from_db()
    assert buyer_system.protocols == ["cxml"]

    run(
        buyer_system.name, "--organisation-orgnr", "2120000142", "--protocol", "cxml", "--protocol", "peppol",
        "--shared-secret", SECRET,
    )  # fmt: skip
    buyer_system.refresh_from_db()
    assert buyer_system.protocols == ["cxml", "peppol"]
    assert open_sealed_secret(buyer_system.shared_secret_sealed) == SECRET


def test_the_admin_form_asks_for_the_secret_again_to_add_peppol(client, administrator_user, buyer_system):
    client.force_login(administrator_user)
    edit_url = f"/admin/snippets/punchout/buyersystem/edit/{buyer_system.pk}/"
    form = {
        "name": buyer_system.name,
        "organisation": buyer_system.organisation_id,
        "active": "on",
        "protocols": ["cxml", "peppol"],
        "new_shared_secret": "",
        "cxml_from_domain": "NetworkId",
        "cxml_from_identity": "proceedo-exempelkommun",
        "cxml_return_encoding": "urlencoded",
        "return_url_prefixes": "https://proceedo.example.se/punchout/",
        "frame_origins": "",
    }

    refused = client.post(edit_url, form)
    assert (
        refused.status_code == 200 and "Peppol kräver att den delade hemligheten anges igen" in refused.content.decode()
    )
    buyer_system.refresh_from_db()
    assert buyer_system.protocols == ["cxml"]

    saved = client.post(edit_url, {**form, "new_shared_secret": "admin-hemlighet"})
    assert saved.status_code == 302
    buyer_system.refresh_from_db()
    assert buyer_system.protocols == ["cxml", "peppol"]
    assert open_sealed_secret(buyer_system.shared_secret_sealed) == "admin-hemlighet"
