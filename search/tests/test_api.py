"""The search API's additions on django-ninja: items/<id> and agreements, and what each role may see there."""

import pytest

from hub.organisations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def entitled_client(client, test_catalogue, django_user_model):
    """Signed in for the organisation entitled to the restricted food agreement (RA-MAT-1)."""
    user = django_user_model.objects.create_user("kommun", password="x-test-1")
    Membership.objects.create(user=user, organisation=test_catalogue.entitled)
    client.force_login(user)
    return client


@pytest.fixture
def other_client(client, test_catalogue, django_user_model):
    user = django_user_model.objects.create_user("region", password="x-test-1")
    Membership.objects.create(user=user, organisation=test_catalogue.other)
    client.force_login(user)
    return client


def _references(client) -> set[str]:
    body = client.get("/api/v1/agreements").json()
    assert body["total"] == len(body["results"])
    return {agreement["reference"] for agreement in body["results"]}


def test_an_item_has_the_same_fields_alone_as_in_the_search_results(client, test_catalogue):
    hit = client.get("/api/v1/search", {"q": "kulspetspenna"}).json()["results"][0]
    response = client.get(f"/api/v1/items/{hit['id']}")
    assert response.status_code == 200
    assert response.json() == hit


def test_agreements_are_those_the_caller_may_see(client, test_catalogue):
    public = _references(client)
    assert "RA-KONTOR-1" in public
    assert "RA-MAT-1" not in public  # only for the entitled organisation
    assert "RA-GAMMAL-1" not in public  # expired
    kontor = next(a for a in client.get("/api/v1/agreements").json()["results"] if a["reference"] == "RA-KONTOR-1")
    assert kontor["suppliers"] == [
        {"id": test_catalogue.suppliers["kontor"].pk, "name": "Kontorsgrossisten AB", "orgnr": "5560160680"}
    ]
    assert "auto_approve_max_removals" not in kontor and "buyers" not in kontor


def test_an_entitled_organisation_sees_its_restricted_agreement_and_items(entitled_client, test_catalogue):
    assert "RA-MAT-1" in _references(entitled_client)
    food = test_catalogue.items["M-5001"]
    assert entitled_client.get(f"/api/v1/items/{food.pk}").status_code == 200


def test_others_get_a_404_for_a_restricted_item_as_for_a_missing_one(client, other_client, test_catalogue):
    food = test_catalogue.items["M-5001"]
    restricted = other_client.get(f"/api/v1/items/{food.pk}")
    missing = other_client.get("/api/v1/items/999999999")
    assert restricted.status_code == missing.status_code == 404
    assert restricted.json() == missing.json()
    assert restricted.json()["error"]["en"] == "The item does not exist"
    assert "RA-MAT-1" not in _references(other_client)
    client.logout()
    assert client.get(f"/api/v1/items/{food.pk}").status_code == 404


def test_an_expired_agreements_item_is_a_404(client, test_catalogue):
    expired = next(item for key, item in test_catalogue.items.items() if key.startswith("X-"))
    assert client.get(f"/api/v1/items/{expired.pk}").status_code == 404


def test_nothing_is_public_when_the_public_catalogue_is_off(client, test_catalogue, settings):
    settings.HUB_PUBLIC_CATALOGUE = False
    kontor = next(item for key, item in test_catalogue.items.items() if not key.startswith(("M-", "X-")))
    assert client.get("/api/v1/agreements").json() == {"total": 0, "results": []}
    assert client.get(f"/api/v1/items/{kontor.pk}").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/items/99999999999999999999", "/api/v1/items/abc", "/api/v1/nope"])
def test_a_bad_address_under_the_api_is_a_json_404(client, test_catalogue, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert " / " in response.json()["error"]["message"]
