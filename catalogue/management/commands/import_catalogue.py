"""python manage.py import_catalogue PATH --agreement REF [--supplier-orgnr ORGNR] [--update] [--publish]

--update: an Excel or CSV file updates the live catalogue (new and changed rows; Ta bort in the Åtgärd
column removes) instead of replacing it. A version that removes many items waits for confirmation
(awaiting_confirm); --publish confirms it.

Exit 0 when the version is accepted, 1 when it is invalid. The report goes to the output; a
progress bar shows only on a terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalogue.intake import import_file
from catalogue.models import Agreement, CatalogueVersion
from catalogue.report import Report
from catalogue.review import approve, confirm_removals

Status = CatalogueVersion.Status


class Command(BaseCommand):
    help = "Importerar en katalogfil / Imports a catalogue file (Peppol BIS Catalogue 3, .xlsx, .csv)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--agreement", required=True, help="Avtalsnummer / agreement reference")
        parser.add_argument("--supplier-orgnr", help="Behövs när avtalet har flera leverantörer / needed if several")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Excel/CSV: uppdatera katalogen i stället för att ersätta den / update instead of replace",
        )
        parser.add_argument("--publish", action="store_true", help="Godkänn och publicera / approve and publish")
        parser.add_argument("--processes", type=int, default=None, help="Processer för Peppol-reglerna")

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: filen finns inte / the file does not exist")
        agreement = Agreement.objects.filter(reference=options["agreement"]).first()
        if agreement is None:
            raise CommandError(f"Ramavtalet {options['agreement']!r} finns inte / the agreement does not exist")
        suppliers = agreement.suppliers.all()
        if options["supplier_orgnr"]:
            digits = "".join(ch for ch in options["supplier_orgnr"] if ch.isdigit())
            suppliers = suppliers.filter(orgnr=digits)
        if suppliers.count() != 1:
            raise CommandError(
                "Ange --supplier-orgnr för en av avtalets leverantörer / "
                "Give --supplier-orgnr for one of the agreement's suppliers"
            )
        bar = None
        progress = None
        if sys.stderr.isatty():
            bar = tqdm(total=100, unit="%", desc=path.name)

            def progress(percent: int, stage: str) -> None:
                bar.set_postfix_str(stage)
                bar.update(percent - bar.n)

        try:
            version = import_file(
                path,
                agreement=agreement,
                supplier=suppliers.get(),
                background=False,
                progress=progress,
                processes=options["processes"],
                mode=CatalogueVersion.UploadMode.UPDATE if options["update"] else CatalogueVersion.UploadMode.REPLACE,
            )
        finally:
            if bar is not None:
                bar.close()
        report = Report.from_dict(version.report)
        if report.issues:
            self.stdout.write(report.render())
        if options["publish"] and version.status == Status.AWAITING_CONFIRM:
            version = confirm_removals(version)  # the operator asked to publish: that is the confirmation
        if options["publish"] and version.status in Status.DECIDABLE:
            version = self._publish(version)
        self.stdout.write(
            f"Version {version.number}: {version.get_status_display()} — {version.line_count} rader/lines, "
            f"{version.error_count} fel/errors, {version.warning_count} varningar/warnings"
        )
        if version.status == Status.INVALID:
            sys.exit(1)

    def _publish(self, version: CatalogueVersion) -> CatalogueVersion:
        return approve(version, user=None, comment="Publicerad med import_catalogue --publish")
