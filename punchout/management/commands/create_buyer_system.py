"""Register an ordering system, or update it when NAME exists: `create_buyer_system NAME --organisation-orgnr …`.

The shared secret is stored hashed and never printed. Repeated options (--protocol, --return-url-prefix,
--frame-origin, --agreement) replace the stored list when given and keep it when left out.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalogue.models import Agreement
from hub.organisations.identifiers import normalise_orgnr
from hub.organisations.models import BuyerOrganisation
from punchout.credentials import set_shared_secret
from punchout.models import BuyerSystem, Protocol


class Command(BaseCommand):
    help = "Create or update a buyer system (ordering system) that may open punchout sessions."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("--organisation-orgnr", required=True, help="The buyer organisation, which must exist")
        parser.add_argument(
            "--protocol",
            action="append",
            choices=Protocol.values,
            dest="protocols",
            help="Repeatable; a new buyer system without it speaks peppol",
        )
        parser.add_argument("--from-domain", help="cXML From credential domain (default NetworkId)")
        parser.add_argument("--from-identity", help="cXML From credential identity")
        parser.add_argument("--sender-domain", help="cXML Sender domain, when a network sends for the system")
        parser.add_argument("--sender-identity", help="cXML Sender identity (blank: as From)")
        parser.add_argument("--shared-secret", help="Required for a new buyer system; stored hashed")
        parser.add_argument("--return-url-prefix", action="append", dest="return_url_prefixes")
        parser.add_argument(
            "--frame-origin", action="append", dest="frame_origins", help="e.g. https://proceedo.example.se"
        )
        parser.add_argument(
            "--agreement", action="append", dest="agreements", help="Agreement reference (default: all)"
        )
        parser.add_argument("--return-encoding", choices=BuyerSystem.ReturnEncoding.values)
        parser.add_argument("--oci-username", help="OCI: the USERNAME the ordering system logs in with")

    def handle(self, *args, **options) -> None:
        organisation = _organisation(options["organisation_orgnr"])
        system, created = _existing_or_new(options)
        system.organisation = organisation
        _apply_options(system, options)
        _check_each_protocol_has_its_credentials(system)
        agreements = _agreements(options["agreements"]) if options["agreements"] else None
        try:
            system.full_clean(exclude=["shared_secret_hash", "shared_secret_sealed"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        with transaction.atomic():
            system.save()
            if agreements is not None:
                system.agreements.set(agreements)
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} buyer system {system.name} for {organisation.name} ({', '.join(system.protocols)})")


def _organisation(orgnr: str) -> BuyerOrganisation:
    try:
        return BuyerOrganisation.objects.get(orgnr=normalise_orgnr(orgnr))
    except ValidationError as error:
        raise CommandError(f"--organisation-orgnr: {' '.join(error.messages)}") from None
    except BuyerOrganisation.DoesNotExist:
        raise CommandError(f"No buyer organisation has the organisation number {orgnr}") from None


def _existing_or_new(options: dict[str, Any]) -> tuple[BuyerSystem, bool]:
    """The system named NAME, or a new one (which needs a secret and a return URL; it speaks peppol by default)."""
    system = BuyerSystem.objects.filter(name=options["name"]).first()
    if system is not None:
        return system, False
    if not options["shared_secret"]:
        raise CommandError("A new buyer system needs --shared-secret")
    if not options["return_url_prefixes"]:
        raise CommandError("A new buyer system needs at least one --return-url-prefix")
    # Peppol Punch Out 3 is what Swedish ordering systems speak (docs/punchout.md).
    options["protocols"] = options["protocols"] or [Protocol.PEPPOL]
    return BuyerSystem(name=options["name"]), True


# Single-valued options and the fields they set (stripped); an option left out keeps the stored value.
FIELD_OPTIONS = (
    ("from_domain", "cxml_from_domain"),
    ("from_identity", "cxml_from_identity"),
    ("sender_domain", "cxml_sender_domain"),
    ("sender_identity", "cxml_sender_identity"),
    ("return_encoding", "cxml_return_encoding"),
    ("oci_username", "oci_username"),
)


def _apply_options(system: BuyerSystem, options: dict[str, Any]) -> None:
    """The options given replace what is stored; repeated ones replace the whole list."""
    if options["protocols"]:
        system.protocols = sorted(set(options["protocols"]))
    for option, field in FIELD_OPTIONS:
        if options[option] is not None:
            setattr(system, field, options[option].strip())
    if options["return_url_prefixes"]:
        system.return_url_prefixes = list(dict.fromkeys(options["return_url_prefixes"]))
    if options["frame_origins"]:
        system.frame_origins = [origin.rstrip("/") for origin in dict.fromkeys(options["frame_origins"])]
    if options["shared_secret"]:
        set_shared_secret(system, options["shared_secret"])


def _check_each_protocol_has_its_credentials(system: BuyerSystem) -> None:
    if Protocol.PEPPOL in system.protocols and not system.shared_secret_sealed:
        raise CommandError("Peppol needs --shared-secret again (registered before Peppol, only its hash is kept)")
    if Protocol.CXML in system.protocols and not system.cxml_from_identity:
        raise CommandError("cXML needs --from-identity (the From credential the ordering system sends)")
    if Protocol.OCI in system.protocols and not system.oci_username:
        raise CommandError("OCI needs --oci-username (the USERNAME the ordering system logs in with)")


def _agreements(references: list[str]) -> list[Agreement]:
    agreements = list(Agreement.objects.filter(reference__in=references))
    missing = set(references) - {agreement.reference for agreement in agreements}
    if missing:
        raise CommandError(f"Unknown agreement: {', '.join(sorted(missing))}")
    return agreements
