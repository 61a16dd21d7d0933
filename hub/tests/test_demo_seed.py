"""Seeding the demo data twice creates nothing new and keeps the generated password."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from catalogue.generator import generate_items
from catalogue.models import Agreement
from hub import demo
from hub.organisations.models import BuyerOrganisation, Membership, Supplier
from hub.organisations.roles import organisation_for, supplier_for
from punchout.credentials import open_sealed_secret, shared_secret_matches
from punchout.models import BuyerSystem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def seed_all():
    demo.seed_organisations()
    demo.seed_agreements()
    demo.seed_users()
    demo.seed_buyer_system()


def counts():
    return (
        BuyerOrganisation.objects.count(),
        Supplier.objects.count(),
        Agreement.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
    )


def test_seeding_twice_creates_no_duplicates():
    seed_all()
    first = counts()
    assert first == (len(demo.BUYERS), len(demo.SUPPLIERS), len(demo.AGREEMENTS), len(demo.DEMO_USERS), 3)
    seed_all()
    assert counts() == first


def test_demo_password_is_generated_once_and_private(var_dir):
    first = demo.demo_password()
    assert len(first) >= 16
    assert demo.demo_password() == first
    assert (var_dir / "demo-password.txt").stat().st_mode & 0o077 == 0


def test_demo_users_log_in_and_act_for_their_side(client):
    seed_all()
    password = demo.demo_password()
    users = get_user_model().objects
    assert client.login(username="bestallare", password=password)
    assert organisation_for(users.get(username="bestallare")).orgnr == "2120000142"
    assert supplier_for(users.get(username="leverantor")).orgnr == "5566778899"
    assert users.get(username="admin").is_superuser
    assert not users.get(username="redaktor").is_superuser


def test_demo_agreements_cover_valid_restricted_and_expired():
    seed_all()
    valid_today = set(Agreement.objects.valid_on(datetime.date.today()).values_list("reference", flat=True))
    assert "RA-2023-009" not in valid_today
    assert {"RA-2026-001", "RA-2026-002", "RA-2026-003"} <= valid_today
    restricted = Agreement.objects.get(reference="RA-2026-002")
    assert not restricted.open_to_all
    assert list(restricted.buyers.values_list("orgnr", flat=True)) == ["2120000142"]


def test_the_demo_buyer_system_is_made_once_and_speaks_peppol_with_the_documented_secret():
    seed_all()
    seed_all()

    system = BuyerSystem.objects.get()
    assert system.name == demo.DEMO_BUYER_SYSTEM and system.organisation.orgnr == demo.BUYERS[0][0]
    assert system.speaks("peppol") and system.speaks("cxml") and system.speaks("oci")
    assert system.oci_username == demo.DEMO_OCI_USERNAME
    assert shared_secret_matches(demo.DEMO_PUNCHOUT_SECRET, system.shared_secret_hash)
    assert open_sealed_secret(system.shared_secret_sealed) == demo.DEMO_PUNCHOUT_SECRET
    assert system.allows_return_url(f"http://127.0.0.1:{demo.DEMO_PUNCHOUT_PORT}/punchout-test/retur")


def test_a_demo_buyer_system_seeded_before_oci_learns_it_on_the_next_seed():
    seed_all()
    BuyerSystem.objects.update(protocols=["cxml", "peppol"], oci_username="")

    seed_all()

    system = BuyerSystem.objects.get()
    assert system.protocols == ["cxml", "oci", "peppol"] and system.oci_username == demo.DEMO_OCI_USERNAME


def test_the_search_pages_example_queries_find_goods_on_a_demo_agreement_in_force():
    """Found on make run: "kontorsstol", an example the search page gives, found nothing (the only
    furniture agreement had expired). Every example names goods a demo catalogue in force sells."""
    names = set()
    for seed, agreement in enumerate(demo.AGREEMENTS, start=1):
        if agreement.catalogue_lines and agreement.starts_days_ago >= 0 and agreement.ends_in_days > 0:
            items = generate_items(agreement.catalogue_lines, seed, agreement.categories)
            names |= {item.name.casefold() for item in items}
    for example in ("kopieringspapper", "penna", "kontorsstol"):
        assert any(example in name for name in names), example
