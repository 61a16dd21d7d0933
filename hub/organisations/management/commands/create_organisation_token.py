"""Create an API token for a buyer organisation's staff and print it once (only its hash is stored); or revoke one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hub.organisations.api_tokens import create_organisation_token, show_new_token, token_owner
from hub.organisations.models import BuyerOrganisation


class Command(BaseCommand):
    help = (
        "Skapar en API-nyckel för en beställarorganisations personal (uppföljning) / "
        "Creates an API token for a buyer organisation's staff (follow-up)"
    )

    def add_arguments(self, parser):
        parser.add_argument("orgnr", help="Organisationens organisationsnummer / the organisation number")
        parser.add_argument("--name", default="", help="Vad nyckeln används till / what the token is for")
        parser.add_argument(
            "--revoke", metavar="PREFIX", help="Återkalla nyckeln som börjar så / revoke the token starting so"
        )

    def handle(self, *args, **options):
        organisation = token_owner(
            BuyerOrganisation,
            options["orgnr"],
            f"Ingen beställarorganisation har organisationsnummer {options['orgnr']} / "
            "No buyer organisation has that organisation number",
        )
        if options["revoke"]:
            revoked = organisation.api_tokens.filter(prefix=options["revoke"], revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            if not revoked:
                raise CommandError("Ingen giltig nyckel börjar så / No valid token starts so")
            self.stderr.write(f"Återkallad / revoked: {options['revoke']}…")
            return
        token, secret = create_organisation_token(organisation, options["name"])
        show_new_token(self, organisation.name, token.prefix, secret)
