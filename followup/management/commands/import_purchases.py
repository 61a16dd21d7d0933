"""Import purchases from a finance system: `manage.py import_purchases PATH --organisation-orgnr ORGNR`.

A file with any error imports nothing; every error is printed with its row, in Swedish and in English.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr as se_orgnr

from followup.purchases import error_lines, import_purchases
from hub.organisations.models import BuyerOrganisation


class Command(BaseCommand):
    help = "Importera inköp från ekonomisystemet (CSV eller .xlsx) / Import purchases from the finance system"

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--organisation-orgnr", required=True, help="Organisationens organisationsnummer")

    def handle(self, *args, path: Path, organisation_orgnr: str, **options) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: filen finns inte / the file does not exist")
        try:
            orgnr = se_orgnr.validate(organisation_orgnr)
            organisation = BuyerOrganisation.objects.get(orgnr=orgnr)
        except (StdnumValidationError, BuyerOrganisation.DoesNotExist):
            raise CommandError(
                f"Organisationen {organisation_orgnr!r} finns inte / the organisation does not exist"
            ) from None
        result = import_purchases(path.read_bytes(), path.name, organisation)
        if not result.ok:
            for language in ("sv", "en"):
                with translation.override(language):
                    for line in error_lines(result.errors):
                        self.stderr.write(line)
            raise CommandError(
                f"{result.error_count} fel, inget importerades / {result.error_count} errors, nothing was imported"
            )
        self.stdout.write(
            f"{result.row_count} inköp importerade, {result.matched} matchade mot avtal / "
            f"{result.row_count} purchases imported, {result.matched} matched to an agreement"
        )
