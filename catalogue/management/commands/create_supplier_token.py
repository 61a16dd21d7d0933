"""Create an upload API token for a supplier and print it once (only its hash is stored)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from catalogue.api import create_token
from hub.organisations.api_tokens import show_new_token, token_owner
from hub.organisations.models import Supplier


class Command(BaseCommand):
    help = "Skapar en API-nyckel för en leverantör / Creates an upload API token for a supplier"

    def add_arguments(self, parser):
        parser.add_argument("orgnr", help="Leverantörens organisationsnummer / the supplier's organisation number")
        parser.add_argument("--name", default="", help="Vad nyckeln används till / what the token is for")

    def handle(self, *args, **options):
        supplier = token_owner(
            Supplier,
            options["orgnr"],
            f"Ingen leverantör har organisationsnummer {options['orgnr']} / No supplier has that organisation number",
        )
        token, secret = create_token(supplier, options["name"])
        show_new_token(self, supplier.name, token.prefix, secret)
