"""Play a buyer system's ordering system against a running hub: `punchout_test --buyer-system NAME
--protocol cxml|oci|peppol --add KP-100:3 [--add …] [--hub-url URL] [--receiver-port PORT] [--out FILE]`
(punchout.harness does the work).

The shared secret is stored hashed, so it comes from --shared-secret or PUNCHOUT_TEST_SHARED_SECRET; it is
never printed. The exit code is non-zero on any failure.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from punchout import harness
from punchout.models import Protocol

ENVIRONMENT_VARIABLE = "PUNCHOUT_TEST_SHARED_SECRET"  # where the secret is read when --shared-secret is not given


class Command(BaseCommand):
    help = "Test a buyer system's punchout end to end against a running hub (plays the ordering system)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--buyer-system", required=True, help="The buyer system's registered name")
        parser.add_argument("--protocol", required=True, choices=Protocol.values)
        parser.add_argument(
            "--add", action="append", dest="items", required=True, metavar="SELLER_ITEM_ID:QTY", help="e.g. KP-100:3"
        )
        parser.add_argument("--hub-url", help="The hub to test (default HUB_BASE_URL)")
        parser.add_argument("--receiver-port", type=int, default=0, help="Port on 127.0.0.1 (default: a free one)")
        parser.add_argument("--out", type=Path, help="Write the returned basket to this file")
        parser.add_argument(
            "--shared-secret", help=f"The buyer system's shared secret (default: ${ENVIRONMENT_VARIABLE})"
        )
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES], default="sv")

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            self._run(options)

    def _run(self, options) -> None:
        try:
            wanted = [harness.parse_wanted(value) for value in options["items"]]
            system = harness.find_buyer_system(options["buyer_system"], options["protocol"])
        except harness.HarnessError as error:
            raise CommandError(str(error)) from None
        secret = options["shared_secret"] or os.environ.get(ENVIRONMENT_VARIABLE, "")
        if not secret:
            raise CommandError(
                _("Ange beställningssystemets delade hemlighet med --shared-secret eller %(variable)s.")
                % {"variable": ENVIRONMENT_VARIABLE}
            )
        hub_url = options["hub_url"] or settings.HUB_BASE_URL
        protocol = options["protocol"]
        self.stdout.write(
            _("Testar %(system)s mot %(hub)s (%(protocol)s)")
            % {"system": system.name, "hub": hub_url, "protocol": Protocol(protocol).label}
        )
        try:
            outcome = harness.run(
                protocol,
                system,
                secret,
                wanted,
                hub_url=hub_url,
                receiver_port=options["receiver_port"],
                progress=lambda text: self.stdout.write("  " + text),
            )
        except harness.HarnessError as error:
            if error.document is not None and options["out"]:
                self._write(options["out"], error.document)
            raise CommandError(_("Testet misslyckades: %(reason)s") % {"reason": error}) from None
        if options["out"]:
            self._write(options["out"], outcome.document)
        if protocol == Protocol.PEPPOL:
            for note in outcome.notes:
                self.stdout.write("  " + note)
            self.stdout.write("  " + _("%(count)s rader, antal och state stämmer.") % {"count": len(outcome.lines)})
        elif protocol == Protocol.OCI:
            self.stdout.write(
                "  "
                + _("%(count)s rader; fälten följer OCI (längder, tal, ~OkCode, ~TARGET, ~CALLER) och antalen stämmer.")
                % {"count": len(outcome.lines)}
            )
        else:
            if outcome.dtd_checked:
                self.stdout.write("  " + _("Giltig enligt cXML-DTD:n %(path)s.") % {"path": settings.HUB_CXML_DTD})
            else:
                self.stdout.write("  " + _("DTD-valideringen hoppades över: HUB_CXML_DTD saknas."))
            self.stdout.write(
                "  " + _("%(count)s rader, antal och BuyerCookie stämmer.") % {"count": len(outcome.lines)}
            )
        self.stdout.write(self.style.SUCCESS(_("Punchout-testet lyckades.")))

    def _write(self, path: Path, document: bytes) -> None:
        try:
            path.write_bytes(document)
        except OSError as error:
            raise CommandError(
                _("Kunde inte skriva %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
        self.stdout.write("  " + _("Varukorgen skrevs till %(path)s.") % {"path": path})
