from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hub.guidance.seeding import GuidanceSeedError, seed_guidance


class Command(BaseCommand):
    help = "Skapar vägledningssidorna (sv + en), webbplatsen och granskningsflödet. Kan köras flera gånger."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--content-dir", type=Path, help="Mapp med e-handel.sv.md och e-handel.en.md")

    def handle(self, *args, content_dir: Path | None = None, **options) -> None:
        try:
            result = seed_guidance(content_dir)
        except GuidanceSeedError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Vägledning / guidance: {result['created']} nya sidor / new pages, "
            f"{result['existing']} fanns redan / already there; webbplats / site: {result['site']}; "
            f"arbetsflöde / workflow: {result['workflow']}"
        )
