"""Buyer systems: the create_buyer_system command (create, then update by NAME) and the Wagtail admin form."""

from __future__ import annotations

import io
import logging

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from punchout.models import BuyerSystem, check_origin
from punchout.tests.fixtures import setup_request

pytestmark = pytest.mark.django_db
SECRET = "kommandots-hemlighet"  # a test value


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_buyer_system", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_create_then_update_by_name(buyer_organisation, other_buyer_organisation, caplog):
    caplog.set_level(logging.DEBUG)
    created = run(
        "Proceedo", "--organisation-orgnr", "212000-0142", "--protocol", "cxml",
        "--from-domain", "NetworkId", "--from-identity", "proceedo-1",
        "--shared-secret", SECRET, "--return-url-prefix", "https://proceedo.example.se/punchout/",
        "--return-url-prefix", "http://127.0.0.1:8765/", "--frame-origin", "https://proceedo.example.se",
    )  # fmt: skip

    system = BuyerSystem.objects.get(name="Proceedo")
    assert "Created" in created and SECRET not in created and SECRET not in caplog.text
    assert system.organisation == buyer_organisation
    assert system.protocols == ["cxml"]
    assert system.cxml_sender == ("NetworkId", "proceedo-1")
    assert system.return_url_prefixes == ["https://proceedo.example.se/punchout/", "http://127.0.0.1:8765/"]
    assert check_password(SECRET, system.shared_secret_hash) and SECRET not in system.shared_secret_hash

    updated = run(
        "Proceedo", "--organisation-orgnr", "2120001124", "--protocol", "cxml", "--protocol", "oci",
        "--oci-username", "proceedo-oci", "--shared-secret", "ny-hemlighet", "--return-encoding", "base64",
    )  # fmt: skip

    system.refresh_from_db()
    assert "Updated" in updated and BuyerSystem.objects.count() == 1
    assert system.organisation == other_buyer_organisation
    assert system.protocols == ["cxml", "oci"]
    assert system.cxml_return_encoding == "base64"
    assert check_password("ny-hemlighet", system.shared_secret_hash)
    # Lists not given are kept.
    assert system.return_url_prefixes == ["https://proceedo.example.se/punchout/", "http://127.0.0.1:8765/"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation-orgnr", "5560160680"], "No buyer organisation"),
        (["--organisation-orgnr", "123"], "--organisation-orgnr"),
        (["--organisation-orgnr", "2120000142", "--protocol", "cxml", "--from-identity", "x"], "--shared-secret"),
        (
            ["--organisation-orgnr", "2120000142", "--protocol", "cxml", "--from-identity", "x",
             "--shared-secret", "s", "--return-url-prefix", "ftp://nope/"],
            "http(s)",
        ),
        (
            ["--organisation-orgnr", "2120000142", "--protocol", "cxml", "--shared-secret", "s",
             "--return-url-prefix", "https://a.example.se/"],
            "--from-identity",
        ),
        (
            ["--organisation-orgnr", "2120000142", "--protocol", "oci", "--shared-secret", "s",
             "--return-url-prefix", "https://a.example.se/"],
            "--oci-username",
        ),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_error(buyer_organisation, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("Proceedo", *args)
    assert not BuyerSystem.objects.exists()


def test_a_system_made_by_the_command_can_open_a_session(client, punchout_catalogue):
    run(
        "Proceedo", "--organisation-orgnr", "2120000142", "--protocol", "cxml", "--from-identity",
        "proceedo-exempelkommun", "--shared-secret", SECRET, "--return-url-prefix", "https://proceedo.example.se/punchout/",
    )  # fmt: skip

    response = client.generic("POST", "/punchout/cxml/", data=setup_request(secret=SECRET), content_type="text/xml")

    assert response.status_code == 200


def test_a_system_made_by_the_command_can_open_an_oci_session(client, punchout_catalogue):
    run(
        "Proceedo OCI", "--organisation-orgnr", "2120000142", "--protocol", "oci", "--oci-username", "proceedo",
        "--shared-secret", SECRET, "--return-url-prefix", "https://proceedo.example.se/punchout/",
    )  # fmt: skip

    call = {"USERNAME": "proceedo", "PASSWORD": SECRET, "HOOK_URL": "https://proceedo.example.se/punchout/retur"}
    response = client.post("/punchout/oci/", data=call)

    assert response.status_code == 303
    assert BuyerSystem.objects.get().oci_username == "proceedo"


def test_an_oci_user_name_belongs_to_one_buyer_system(punchout_catalogue):
    common = ["--organisation-orgnr", "2120000142", "--protocol", "oci", "--shared-secret", SECRET,
              "--return-url-prefix", "https://proceedo.example.se/punchout/"]  # fmt: skip
    run("Proceedo A", *common, "--oci-username", "proceedo")
    with pytest.raises(CommandError, match="redan det OCI-användarnamnet"):
        run("Proceedo B", *common, "--oci-username", "PROCEEDO")
    assert BuyerSystem.objects.count() == 1


def test_the_admin_form_keeps_the_secret_write_only(client, administrator_user, buyer_system):
    client.force_login(administrator_user)
    edit_url = f"/admin/snippets/punchout/buyersystem/edit/{buyer_system.pk}/"
    old_hash = buyer_system.shared_secret_hash

    page = client.get(edit_url)

    assert page.status_code == 200
    assert old_hash.encode() not in page.content
    assert b'name="new_shared_secret"' in page.content
    form = {
        "name": buyer_system.name,
        "organisation": buyer_system.organisation_id,
        "active": "on",
        "protocols": ["cxml"],
        "new_shared_secret": "",
        "cxml_from_domain": "NetworkId",
        "cxml_from_identity": "proceedo-exempelkommun",
        "cxml_sender_domain": "",
        "cxml_sender_identity": "",
        "cxml_to_domain": "",
        "cxml_return_encoding": "base64",
        "return_url_prefixes": "https://proceedo.example.se/punchout/\nhttp://127.0.0.1:8765/",
        "frame_origins": "https://proceedo.example.se",
    }
    saved = client.post(edit_url, form)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    buyer_system.refresh_from_db()
    assert buyer_system.shared_secret_hash == old_hash  # left empty: kept
    assert buyer_system.return_url_prefixes == ["https://proceedo.example.se/punchout/", "http://127.0.0.1:8765/"]
    assert buyer_system.cxml_return_encoding == "base64"

    client.post(edit_url, {**form, "new_shared_secret": "bytt-hemlighet"})
    buyer_system.refresh_from_db()
    assert check_password("bytt-hemlighet", buyer_system.shared_secret_hash)

    refused = client.post(edit_url, {**form, "return_url_prefixes": "javascript:alert(1)"})
    assert refused.status_code == 200
    buyer_system.refresh_from_db()
    assert "javascript:alert(1)" not in buyer_system.return_url_prefixes


def test_the_admin_adds_a_buyer_system_only_with_a_secret(client, administrator_user, buyer_organisation):
    client.force_login(administrator_user)
    add_url = "/admin/snippets/punchout/buyersystem/add/"
    form = {
        "name": "Unit4 Exempelkommun",
        "organisation": buyer_organisation.pk,
        "active": "on",
        "protocols": ["cxml"],
        "cxml_from_domain": "NetworkId",
        "cxml_from_identity": "unit4",
        "cxml_return_encoding": "urlencoded",
        "return_url_prefixes": "https://unit4.example.se/retur/",
        "frame_origins": "",
    }

    without = client.post(add_url, form)
    assert without.status_code == 200 and not BuyerSystem.objects.exists()

    with_secret = client.post(add_url, {**form, "new_shared_secret": "unit4-hemlighet"})
    assert with_secret.status_code == 302
    system = BuyerSystem.objects.get()
    assert check_password("unit4-hemlighet", system.shared_secret_hash)
    assert b"unit4-hemlighet" not in client.get(f"/admin/snippets/punchout/buyersystem/edit/{system.pk}/").content


def test_a_buyer_may_not_reach_the_buyer_systems(client, buyer_user, buyer_system):
    client.force_login(buyer_user)

    response = client.get(f"/admin/snippets/punchout/buyersystem/edit/{buyer_system.pk}/")

    assert response.status_code in (302, 403)


@pytest.mark.parametrize(
    "origin",
    ["https://a.example.se; script-src *", "https://a.example.se/path", "javascript:alert(1)", "https://user@a.se"],
)
def test_frame_origins_cannot_break_out_of_the_policy(origin):

    with pytest.raises(ValidationError):
        check_origin(origin)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://proceedo.example.se/punchout/retur?id=1", True),
        ("https://proceedo.example.se/punchout", False),
        ("https://proceedo.example.se.evil.com/punchout/", False),
        ("http://127.0.0.1:8765/hook", True),
        ("http://127.0.0.1:87650/hook", False),
        ("javascript:alert(1)//https://proceedo.example.se/punchout/", False),
        ("https://user:pw@proceedo.example.se/punchout/", False),
    ],
)
def test_return_urls_must_start_with_a_registered_prefix(url, allowed):
    system = BuyerSystem(return_url_prefixes=["https://proceedo.example.se/punchout/", "http://127.0.0.1:8765"])

    assert system.allows_return_url(url) is allowed


def test_the_setup_address_takes_a_post_without_the_slash(client, buyer_system):
    response = client.generic("POST", "/punchout/cxml", data=setup_request(), content_type="text/xml")

    assert response.status_code == 200


def test_the_admin_lists_buyer_systems_without_their_secrets(client, administrator_user, buyer_system):
    client.force_login(administrator_user)

    response = client.get("/admin/snippets/punchout/buyersystem/")

    assert response.status_code == 200
    assert buyer_system.name in response.content.decode()
    assert buyer_system.shared_secret_hash.encode() not in response.content
