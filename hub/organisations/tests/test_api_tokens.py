"""Organisation API tokens: stored as a hash, read only from the Authorization header, scoped to one organisation."""

import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from ninja import Router
from ninja.testing import TestClient

from catalogue.api import create_token
from hub.organisations.api_tokens import OrganisationToken, create_organisation_token, hash_token
from hub.organisations.models import OrganisationApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures_client() -> TestClient:
    """A router as the follow-up figures would use it: the answer names the token's organisation."""
    router = Router(auth=OrganisationToken())

    @router.get("/figures")
    def figures(request):
        return {"organisation": request.auth.organisation.orgnr}

    return TestClient(router)


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_the_token_is_stored_only_as_a_hash(buyer_organisation):
    stored, secret = create_organisation_token(buyer_organisation, "Ekonomi")
    assert stored.token_hash == hash_token(secret)
    fields = OrganisationApiToken._meta.concrete_fields  # noqa: SLF001 (Django's documented Model._meta API)
    assert secret not in {getattr(stored, f.attname) for f in fields}
    assert secret.startswith(stored.prefix) and secret.startswith("hubo_")


def test_a_token_sees_its_own_organisation(figures_client, buyer_organisation, other_buyer_organisation):
    _token, secret = create_organisation_token(buyer_organisation)
    _other, other_secret = create_organisation_token(other_buyer_organisation)
    assert figures_client.get("/figures", headers=bearer(secret)).json() == {"organisation": buyer_organisation.orgnr}
    assert figures_client.get("/figures", headers=bearer(other_secret)).json() == {
        "organisation": other_buyer_organisation.orgnr
    }
    assert OrganisationApiToken.objects.get(token_hash=hash_token(secret)).last_used_at is not None


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer hubo_wrong", "Basic dXNlcjpwYXNz", "Token x"])
def test_no_or_a_wrong_token_is_401(figures_client, buyer_organisation, header):
    create_organisation_token(buyer_organisation)
    headers = {"Authorization": header} if header else {}
    assert figures_client.get("/figures", headers=headers).status_code == 401


def test_a_token_in_the_url_or_revoked_or_a_suppliers_is_refused(figures_client, buyer_organisation, supplier):
    token, secret = create_organisation_token(buyer_organisation)
    assert figures_client.get(f"/figures?token={secret}").status_code == 401
    _supplier_token, supplier_secret = create_token(supplier)
    assert figures_client.get("/figures", headers=bearer(supplier_secret)).status_code == 401
    OrganisationApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert figures_client.get("/figures", headers=bearer(secret)).status_code == 401


def test_a_credential_is_never_logged(figures_client, buyer_organisation, settings, caplog):
    settings.DEBUG = True  # ninja's own HttpBearer logs a non-Bearer header in full under DEBUG
    caplog.set_level(logging.DEBUG)
    _token, secret = create_organisation_token(buyer_organisation)
    figures_client.get("/figures", headers={"Authorization": f"Basic {secret}"})
    figures_client.get("/figures", headers=bearer(secret))
    assert secret not in caplog.text


def test_the_command_prints_the_token_once_and_revokes_it(buyer_organisation):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_organisation_token", buyer_organisation.orgnr, "--name", "Ekonomi", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    token = OrganisationApiToken.objects.get(token_hash=hash_token(secret))
    assert token.organisation == buyer_organisation and secret not in err.getvalue()
    call_command("create_organisation_token", buyer_organisation.orgnr, "--revoke", token.prefix, stderr=err)
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(CommandError, match="Ingen giltig nyckel"):
        call_command("create_organisation_token", buyer_organisation.orgnr, "--revoke", token.prefix, stderr=err)


def test_the_command_refuses_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="Ingen beställarorganisation"):
        call_command("create_organisation_token", "5560160680")
