"""Seed everything `make run` shows: guidance pages, organisations, agreements, users, catalogues."""

from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hub import demo
from hub.guidance.seeding import seed_guidance


class Command(BaseCommand):
    help = "Lägg in vägledning och demodata (idempotent) / Seed guidance and demo data (idempotent)"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-catalogues", action="store_true", help="Skip the demo catalogues")
        parser.add_argument(
            "--force", action="store_true", help="Seed even under production settings (demo users with one password)"
        )

    def handle(self, *args, no_catalogues: bool = False, force: bool = False, **options) -> None:
        if getattr(settings, "HUB_PRODUCTION", False) and not force:
            # Demo users share one password and the demo agreements are fiction: never by accident.
            raise CommandError(
                "seed_hub lägger in demodata och vägrar köra med produktionsinställningar (använd --force) / "
                "seed_hub adds demo data and refuses to run with production settings (use --force)"
            )

        steps: list[tuple[str, Callable[[], object]]] = [
            ("Vägledningssidor / guidance pages", seed_guidance),
            ("Organisationer / organisations", demo.seed_organisations),
            ("Ramavtal / agreements", demo.seed_agreements),
            ("Användare / users", demo.seed_users),
        ]
        if not getattr(settings, "HUB_PRODUCTION", False):  # its secret is published: never in production
            steps.append(("Beställningssystem / buyer system", demo.seed_buyer_system))
        if not no_catalogues:
            steps.append(("Kataloger / catalogues", lambda: demo.seed_catalogues(stdout=self.stdout)))
        steps.append(("Ett års aktivitet / a year of activity", demo.seed_activity))
        for label, step in steps:
            self.stdout.write(f"{label}: {step()}")
        self.print_logins()

    def print_logins(self) -> None:
        password = demo.demo_password()
        base = settings.HUB_BASE_URL
        self.stdout.write(self.style.SUCCESS("\nE-handelshubben är redo / is ready"))
        self.stdout.write(f"  Webbplats / site:  {base}/sv/")
        self.stdout.write(f"  Admin:             {base}/admin/")
        self.stdout.write(f"  Lösenord / password (all demo users, kept in {demo.demo_password_file()}): {password}")
        for username, group, _membership in demo.DEMO_USERS:
            self.stdout.write(f"    {username:<16} {group or 'superuser'}")
        if not getattr(settings, "HUB_PRODUCTION", False):
            # --hub-url: run in another terminal, the command would test HUB_BASE_URL's default (port 8000).
            self.stdout.write(
                f"  Punchout: PUNCHOUT_TEST_SHARED_SECRET={demo.DEMO_PUNCHOUT_SECRET} python manage.py punchout_test "
                f'--hub-url {base} --buyer-system "{demo.DEMO_BUYER_SYSTEM}" --protocol peppol '
                f"--receiver-port {demo.DEMO_PUNCHOUT_PORT} --add ARTIKELNUMMER:1  (README.md)"
            )
