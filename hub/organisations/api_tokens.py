"""API tokens: made once, stored only as a SHA-256 hash, read only from `Authorization: Bearer …`.

Suppliers' tokens (catalogue.api, the upload API) and buyer organisations' tokens (OrganisationToken: the
organisation's staff reading its follow-up figures) are made and checked the same way, here.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from hub.organisations.identifiers import normalise_orgnr
from hub.organisations.models import BuyerOrganisation, OrganisationApiToken, Supplier

TokenOwner = TypeVar("TokenOwner", Supplier, BuyerOrganisation)
ORGANISATION_TOKEN_PREFIX = "hubo_"  # noqa: S105 - a visible prefix, not a secret


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def visible_prefix(secret: str, prefix: str) -> str:
    """The start of a token, stored to recognise it in lists (never enough to use it)."""
    return secret[: len(prefix) + 6]


def bearer_secret(request: HttpRequest) -> str | None:
    """The secret of an `Authorization: Bearer …` header, or None. Never from the URL, never logged."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def create_organisation_token(organisation: BuyerOrganisation, name: str = "") -> tuple[OrganisationApiToken, str]:
    """Create a token; the clear text is returned once and never stored."""
    secret = new_secret(ORGANISATION_TOKEN_PREFIX)
    token = OrganisationApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=visible_prefix(secret, ORGANISATION_TOKEN_PREFIX),
        token_hash=hash_token(secret),
    )
    return token, secret


def token_owner(model: type[TokenOwner], orgnr: str, nobody: str) -> TokenOwner:
    """For the token commands: the supplier or organisation with this organisation number, or a CommandError
    (the number's own error, or `nobody`: whom no one has, in Swedish and English)."""
    try:
        normalised = normalise_orgnr(orgnr)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
    owner = model.objects.filter(orgnr=normalised).first()
    if owner is None:
        raise CommandError(nobody)
    return owner


def show_new_token(command: BaseCommand, owner_name: str, token_prefix: str, secret: str) -> None:
    """Print a new token the only time it is seen (create_supplier_token, create_organisation_token): who it is
    for on stderr, and the token alone on stdout, so scripts can capture it."""
    command.stderr.write(
        f"API-nyckel för {owner_name} ({token_prefix}…). Spara den nu, den visas bara en gång. / "
        "Save it now, it is shown only once."
    )
    command.stdout.write(secret)


class OrganisationToken(HttpBearer):
    """A buyer organisation's API token for a ninja Router (`Router(auth=OrganisationToken())`).

    request.auth is the OrganisationApiToken: scope every answer to `request.auth.organisation`. A missing,
    unknown or revoked token raises ninja's AuthenticationError (hub.api answers the bilingual 401). Parses
    the header itself: ninja's HttpBearer logs the whole header of a non-Bearer scheme under DEBUG.
    """

    def __call__(self, request: HttpRequest) -> OrganisationApiToken | None:
        secret = bearer_secret(request)
        return self.authenticate(request, secret) if secret else None

    def authenticate(self, request: HttpRequest, token: str) -> OrganisationApiToken | None:
        # Looked up by its SHA-256 hash: the database compares hashes, so timing tells nothing about the secret.
        found = (
            OrganisationApiToken.objects.select_related("organisation")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is not None:
            OrganisationApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found
