"""Schemathesis against the hub's OpenAPI schema: generated calls to every operation, through the hub's WSGI
application (no network), on the seeded test catalogue with a real supplier token, and a year of purchases
of a buyer organisation with its organisation token for the follow-up calls. No call may answer 500, and every
answer must match the schema (status code, content type, headers and body).

Bounded for CI: a few examples per operation (SCHEMATHESIS_MAX_EXAMPLES, default 15). The schema is built
when the module loads (schemathesis' lazy pytest loader does not run under pytest 9); the test below checks
that it is the one /api/v1/openapi.json serves.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from ninja.responses import NinjaJSONEncoder

from catalogue.api import create_token
from catalogue.models import Catalogue, CatalogueVersion
from followup.purchases import import_purchases
from hub.api import api
from hub.organisations.api_tokens import create_organisation_token
from hub.wsgi import application
from search.tests.fixtures import build_test_catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"))
SCHEMA_PATH = "/api/v1/openapi.json"
# A catalogue of the seeded test catalogue (search.tests.catalogue_data): its agreement and first version.
SEEDED_AGREEMENT = "RA-KONTOR-1"
EXTENSIONS_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PATH_EXAMPLES = {"agreement_ref": SEEDED_AGREEMENT, "number": 1}
FOLLOWUP = "/api/v1/followup/"
# A period the schema allows but the API refuses: it ends before it starts, or is longer than five years (one
# query parameter cannot be checked against another in JSON Schema).
PERIOD_REFUSALS = {"period_reversed", "period_too_long"}


def served_schema() -> dict:
    # As JSON has it: ninja keeps status codes as ints.
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), cls=NinjaJSONEncoder))


def _with_seeded_examples(raw: dict) -> dict:
    """Path parameters get the seeded objects as examples, so some calls reach real versions, not only 404s."""
    for operation in (op for path in raw["paths"].values() for op in path.values()):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] in PATH_EXAMPLES:
                parameter["schema"]["examples"] = [PATH_EXAMPLES[parameter["name"]]]
    return raw


# Excel uploads are bytes like any file.
schemathesis.serializer.alias(EXTENSIONS_XLSX, "application/octet-stream")
schema = schemathesis.openapi.from_dict(_with_seeded_examples(served_schema()))
schema.app = application
schema.location = SCHEMA_PATH


@pytest.fixture
def seeded(settings):
    """The test catalogue, a token of the supplier of SEEDED_AGREEMENT, and a token of the entitled organisation
    with purchases on and off the agreement this month and last year."""
    settings.HUB_PEPPOL_ID = "0007:2120000142"
    catalogue_data = build_test_catalogue()
    catalogue = Catalogue.objects.select_related("supplier").get(agreement__reference=SEEDED_AGREEMENT)
    assert CatalogueVersion.objects.filter(catalogue=catalogue, number=PATH_EXAMPLES["number"]).exists()
    _token, secret = create_token(catalogue.supplier, "schemathesis")
    today = timezone.localdate()
    purchases = "\n".join(
        [
            "Orgnr;Belopp;Datum;Avtalsnummer",
            f"{catalogue.supplier.orgnr};1234.50;{today.isoformat()};{SEEDED_AGREEMENT}",
            f"{catalogue.supplier.orgnr};99.99;{today.replace(year=today.year - 1, day=1).isoformat()};",
            f"5560000001;-10.00;{today.isoformat()};",
        ]
    )
    assert import_purchases(purchases.encode(), "inkop.csv", catalogue_data.entitled).ok
    _token, organisation_secret = create_organisation_token(catalogue_data.entitled, "schemathesis")
    return {
        "secret": secret,
        "organisation_secret": organisation_secret,
        "catalogue": catalogue,
        "items": catalogue_data.items,
    }


def auth_for(path: str, seeded: dict) -> dict:
    """Follow-up calls take the organisation's token, the others the supplier's."""
    secret = seeded["organisation_secret"] if path.startswith(FOLLOWUP) else seeded["secret"]
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def wsgi_in_test_transaction():
    """The WSGI handler closes the connection at each request's end; inside the test's transaction that would
    lose the seeded data (Django's test client disconnects the same signals)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_is_served_at_api_v1_openapi_json(client):
    response = client.get(SCHEMA_PATH)
    assert response.status_code == 200
    assert response.json() == served_schema()
    assert set(response.json()["paths"]) >= {
        "/api/v1/search",
        "/api/v1/autocomplete",
        "/api/v1/items/{item_id}",
        "/api/v1/agreements",
        "/api/v1/catalogues/{agreement_ref}/versions",
        "/api/v1/catalogues/{agreement_ref}/versions/{number}",
        "/api/v1/followup/spend",
        "/api/v1/followup/compliance",
        "/api/v1/followup/unmet-demand",
    }


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,  # the same examples every run, nothing written to .hypothesis/
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_matches_its_schema_and_never_fails(case, seeded, wsgi_in_test_transaction):
    excluded = []
    if case.operation.path == "/api/v1/catalogues/{agreement_ref}/versions":
        # Any bytes fit the schema of a file, but few are a catalogue: an invalid one is a 422 with its report, by
        # design. Every other operation must accept what its schema allows.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    followup = case.operation.path.startswith(FOLLOWUP)
    if followup:
        # Checked below instead, allowing only the refusals of a period the schema cannot describe.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    response = case.call_and_validate(headers=auth_for(case.operation.path, seeded), excluded_checks=excluded)
    if followup and case.meta is not None and case.meta.generation.mode.is_positive:
        assert response.status_code == 200 or (
            response.status_code == 400 and response.json().get("code") in PERIOD_REFUSALS
        ), (case.query, response.status_code, response.text[:300])


def test_real_answers_of_every_kind_match_the_schema(seeded, wsgi_in_test_transaction):
    """The generated calls mostly meet 404s and refusals; these reach the seeded objects, each answer checked
    against the schema as above."""
    version = {"agreement_ref": SEEDED_AGREEMENT, "number": PATH_EXAMPLES["number"]}
    valid_csv = "Artikelnummer;Benämning;Enhet;Pris\nA-1;Penna;EA;10\n".encode()
    calls = [
        ("GET", "/api/v1/search", {"query": {"q": "papper"}}, 200),
        ("GET", "/api/v1/search", {"query": {"q": "papper", "page": "x", "supplier": "abc"}}, 200),
        ("GET", "/api/v1/autocomplete", {"query": {"q": "kul", "lang": "en"}}, 200),
        ("GET", "/api/v1/items/{item_id}", {"path_parameters": {"item_id": seeded["items"]["M-5001"].pk}}, 404),
        ("GET", "/api/v1/agreements", {}, 200),
        ("GET", "/api/v1/catalogues/{agreement_ref}/versions/{number}", {"path_parameters": version}, 200),
        ("POST", "/api/v1/catalogues/{agreement_ref}/versions/{number}/confirm", {"path_parameters": version}, 409),
        (
            "POST",
            "/api/v1/catalogues/{agreement_ref}/versions",
            {"path_parameters": {"agreement_ref": SEEDED_AGREEMENT}, "body": valid_csv, "media_type": "text/csv"},
            201,
        ),
    ]
    kontor_item = next(item for key, item in seeded["items"].items() if key.startswith("K-"))
    calls.append(("GET", "/api/v1/items/{item_id}", {"path_parameters": {"item_id": kontor_item.pk}}, 200))
    year = {"from": f"{timezone.localdate().year - 1}-01", "to": f"{timezone.localdate():%Y-%m}"}
    calls += [
        ("GET", "/api/v1/followup/spend", {"query": {**year, "by": by}}, 200)
        for by in ("agreement", "supplier", "category", "month")
    ]
    calls += [
        ("GET", "/api/v1/followup/compliance", {"query": year}, 200),
        ("GET", "/api/v1/followup/compliance", {"query": {"from": "2026-05", "to": "2026-01"}}, 400),
        ("GET", "/api/v1/followup/spend", {"query": {"from": "2026-13"}}, 422),
        ("GET", "/api/v1/followup/unmet-demand", {"query": {"kind": "low"}}, 200),
    ]
    for method, path, parts, status in calls:
        response = schema[path][method].Case(**parts).call_and_validate(headers=auth_for(path, seeded))
        assert response.status_code == status, (method, path, response.text[:300])
    unauthorised = schema["/api/v1/catalogues/{agreement_ref}/versions/{number}"]["GET"].Case(path_parameters=version)
    response = unauthorised.call_and_validate(headers={"Authorization": "Bearer hub_wrong"})
    assert response.status_code == 401
    supplier_token = schema["/api/v1/followup/spend"]["GET"].Case()
    assert supplier_token.call_and_validate(headers={"Authorization": f"Bearer {seeded['secret']}"}).status_code == 401
