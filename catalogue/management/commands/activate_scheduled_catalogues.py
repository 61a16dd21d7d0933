"""Publish approved catalogue versions whose validity starts today (run daily, e.g. from cron)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from catalogue.review import activate_scheduled


class Command(BaseCommand):
    help = "Publicerar godkända katalogversioner vars giltighet börjar / Publishes approved versions that start today"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD, default today (for tests and catching up)")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"Ogiltigt datum {options['date']!r}, skriv ÅÅÅÅ-MM-DD / Invalid date, use YYYY-MM-DD"
                ) from None
        published = activate_scheduled(day)
        for version in published:
            self.stdout.write(f"{version.catalogue} v{version.number}: publicerad / published")
        self.stdout.write(f"{len(published)} versioner publicerade / versions published")
