"""python manage.py create_agreement REF --title T --supplier-orgnr N --supplier-name S --valid-from D --valid-to D"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalogue.models import Agreement
from hub.organisations.identifiers import normalise_orgnr
from hub.organisations.models import BuyerOrganisation, Supplier


def _date(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: {value!r} är inte ett datum (ÅÅÅÅ-MM-DD) / is not a date (YYYY-MM-DD)") from None


def _orgnr(value: str, option: str) -> str:
    try:
        return normalise_orgnr(value)
    except ValidationError:
        raise CommandError(
            f"{option}: {value!r} är inte ett giltigt svenskt organisationsnummer / "
            "is not a valid Swedish organisation number"
        ) from None


class Command(BaseCommand):
    help = "Skapar eller uppdaterar ett ramavtal / Creates or updates a framework agreement (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("reference")
        parser.add_argument("--title", required=True)
        parser.add_argument("--supplier-orgnr", required=True)
        parser.add_argument("--supplier-name", required=True)
        parser.add_argument("--valid-from", required=True)
        parser.add_argument("--valid-to", required=True)
        parser.add_argument(
            "--buyer-orgnr",
            action="append",
            default=[],
            help="Avropsberättigad organisation (upprepa); utan: öppet för alla / Entitled buyer (repeat); none: open",
        )

    def handle(self, *args, **options) -> None:
        valid_from = _date(options["valid_from"], "--valid-from")
        valid_to = _date(options["valid_to"], "--valid-to")
        if valid_to < valid_from:
            raise CommandError("--valid-to ligger före --valid-from / --valid-to is before --valid-from")
        supplier_orgnr = _orgnr(options["supplier_orgnr"], "--supplier-orgnr")
        buyer_orgnrs = [_orgnr(value, "--buyer-orgnr") for value in options["buyer_orgnr"]]
        buyers = []
        for orgnr in buyer_orgnrs:
            buyer = BuyerOrganisation.objects.filter(orgnr=orgnr).first()
            if buyer is None:
                raise CommandError(
                    f"--buyer-orgnr {orgnr}: organisationen finns inte i hubben / the organisation is not in the hub"
                )
            buyers.append(buyer)
        with transaction.atomic():
            supplier, supplier_created = Supplier.objects.get_or_create(
                orgnr=supplier_orgnr, defaults={"name": options["supplier_name"]}
            )
            agreement, created = Agreement.objects.update_or_create(
                reference=options["reference"],
                defaults={
                    "title": options["title"],
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "open_to_all": not buyers,
                },
            )
            agreement.suppliers.add(supplier)
            agreement.buyers.set(buyers)
        self.stdout.write(
            ("Skapade / Created" if created else "Uppdaterade / Updated")
            + f" {agreement.reference} ({valid_from}–{valid_to}), "
            + f"leverantör/supplier {supplier.name} {supplier.orgnr_display}"
            + (" (ny/new)" if supplier_created else "")
            + (f", {len(buyers)} avropsberättigade/entitled" if buyers else ", öppet för alla / open to all")
        )
