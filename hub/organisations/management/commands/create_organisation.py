"""Register a buyer organisation from a script: create_organisation ORGNR --name NAME."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hub.organisations.identifiers import format_orgnr, normalise_orgnr
from hub.organisations.models import BuyerOrganisation


class Command(BaseCommand):
    help = "Registrera en beställarorganisation / Register a buyer organisation"

    def add_arguments(self, parser) -> None:
        parser.add_argument("orgnr", help="Organisationsnummer, t.ex. 212000-0142")
        parser.add_argument("--name", required=True, help="Organisationens namn / name")
        parser.add_argument(
            "--private-catalogue",
            action="store_true",
            help="Dölj avtalskatalogen för besökare som inte loggat in / hide the catalogue from anonymous visitors",
        )

    def handle(self, *args, orgnr: str, name: str, private_catalogue: bool, **options) -> None:
        try:
            orgnr = normalise_orgnr(orgnr)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        name = name.strip()
        if not name:
            raise CommandError("--name får inte vara tomt / --name must not be empty")
        organisation, created = BuyerOrganisation.objects.update_or_create(
            orgnr=orgnr, defaults={"name": name, "public_catalogue": not private_catalogue}
        )
        verb = "Skapade / Created" if created else "Uppdaterade / Updated"
        self.stdout.write(f"{verb}: {organisation.name} {format_orgnr(orgnr)} (Peppol {organisation.peppol_id})")
