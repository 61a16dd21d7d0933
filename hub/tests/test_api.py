"""hub.api: the one NinjaAPI - its refusals keep the bilingual body, its answers stay where they are
(no /sv/ redirect), token calls need no CSRF token, and the URL names from before ninja still reverse."""

from __future__ import annotations

import datetime
import inspect
import json
import sys

import pytest
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse
from ninja import Schema
from ninja.errors import ValidationError

from catalogue.api import create_token
from catalogue.models import Agreement
from hub.api import ROUTERS, api

pytestmark = pytest.mark.django_db


def test_ninjas_own_refusals_keep_the_bilingual_error_body():
    request = RequestFactory().get("/api/v1/search")
    invalid = api.on_exception(request, ValidationError([{"loc": ("query", "x"), "msg": "bad", "type": "int"}]))
    assert invalid.status_code == 422
    body = json.loads(invalid.content)
    assert body["error"]["en"] == "Invalid parameters" and body["detail"][0]["loc"] == ["query", "x"]
    missing = json.loads(api.on_exception(request, Http404("x")).content)
    assert missing["error"]["message"] == "Finns inte / Not found"


def test_the_url_names_from_before_ninja_still_reverse():
    assert reverse("catalogue-api:upload", args=["RA-1"]) == "/api/v1/catalogues/RA-1/versions"
    assert reverse("catalogue-api:confirm", args=["RA-1", 2]) == "/api/v1/catalogues/RA-1/versions/2/confirm"
    assert reverse("search_api:autocomplete") == "/api/v1/autocomplete"
    assert reverse("api:openapi-json") == "/api/v1/openapi.json"
    assert reverse("api:openapi-view") == "/api/v1/docs"


def test_an_api_404_is_not_redirected_to_a_language(client, supplier):
    _token, secret = create_token(supplier)
    response = client.get("/api/v1/catalogues/NOPE/versions/1", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 404
    assert response.json()["error"]["en"] == "The version does not exist"
    assert client.get("/api/v1/no-such-call").status_code == 404


def test_a_token_call_needs_no_csrf_token(supplier):
    agreement = Agreement.objects.create(
        reference="RA-CSRF-1", title="Kontor", valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2099, 1, 1)
    )
    agreement.suppliers.add(supplier)
    _token, secret = create_token(supplier)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("catalogue-api:upload", args=[agreement.reference]),
        data=b"Artikelnummer;Ben\xc3\xa4mning\n",
        content_type="text/csv",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 422  # read and judged, not refused by CSRF (403)


def test_no_two_routers_define_a_schema_of_the_same_name():
    """ninja names the schema's components by class name: a second SearchOut silently replaces the first."""
    modules = {
        sys.modules[op.view_func.__module__]
        for _prefix, router, _namespace in ROUTERS
        for view in router.path_operations.values()
        for op in view.operations
    }
    defined = [
        (name, module.__name__)
        for module in modules
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__
    ]
    names = [name for name, _module in defined]
    assert len(modules) >= 3 and len(names) == len(set(names)), sorted(defined)
