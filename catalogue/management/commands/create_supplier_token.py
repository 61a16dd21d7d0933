"""Create an upload API token for a supplier and print it once (only its hash is stored)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalogue.api import create_token
from hub.organisations.identifiers import normalise_orgnr
from hub.organisations.models import Supplier


class Command(BaseCommand):
    help = "Skapar en API-nyckel för en leverantör / Creates an upload API token for a supplier"

    def add_arguments(self, parser):
        parser.add_argument("orgnr", help="Leverantörens organisationsnummer / the supplier's organisation number")
        parser.add_argument("--name", default="", help="Vad nyckeln används till / what the token is for")

    def handle(self, *args, **options):
        try:
            orgnr = normalise_orgnr(options["orgnr"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        supplier = Supplier.objects.filter(orgnr=orgnr).first()
        if supplier is None:
            raise CommandError(
                f"Ingen leverantör har organisationsnummer {options['orgnr']} / "
                "No supplier has that organisation number"
            )
        token, secret = create_token(supplier, options["name"])
        self.stderr.write(
            f"API-nyckel för {supplier.name} ({token.prefix}…). Spara den nu, den visas bara en gång. / "
            "Save it now, it is shown only once."
        )
        # The token alone on stdout, so scripts can capture it.
        self.stdout.write(secret)
