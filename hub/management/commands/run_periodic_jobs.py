"""The hub's clock: publish scheduled guidance pages, activate scheduled catalogue versions, and fail
catalogue imports that stalled (a dead worker; catalogue.lifecycle.fail_stalled_imports), and delete
punchout sessions a day past their expiry (punchout.sessions.delete_expired).

Each round also marks failed the background tasks left RUNNING by a stopped worker, or running
longer than HUB_TASK_STUCK_AFTER_SECONDS (hub.tasks.recover_tasks).

Wagtail publishes a page with a go-live date only when `publish_scheduled` runs, and an approved
catalogue version whose validity starts later goes live only when `activate_scheduled_catalogues`
runs. This command runs both every --interval seconds in one process (`make run` starts it beside
the web server); in production run it under a supervisor, or run the two commands from cron.
"""

from __future__ import annotations

import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from catalogue.lifecycle import fail_stalled_imports
from catalogue.review import activate_scheduled
from hub.tasks import recover_tasks
from punchout.sessions import delete_expired

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Publicerar schemalagda sidor och katalogversioner med jämna mellanrum / "
        "Publishes scheduled pages and catalogue versions at an interval"
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="seconds between rounds (default 60)")
        parser.add_argument("--once", action="store_true", help="run one round and exit")

    def handle(self, *args, **options):
        interval = max(5, options["interval"])
        while True:
            self.run_round()
            if options["once"]:
                return
            time.sleep(interval)

    def run_round(self) -> None:
        # One failing job must not stop the clock: log it and try again next round.
        try:
            call_command("publish_scheduled", verbosity=0)
        except Exception:
            logger.exception("publish_scheduled failed")
        try:
            for version in activate_scheduled(None):
                self.stdout.write(f"{version.catalogue} v{version.number}: publicerad / published")
        except Exception:
            logger.exception("activate_scheduled failed")
        try:
            recover_tasks()
        except Exception:
            logger.exception("recovering interrupted tasks failed")
        try:
            for version in fail_stalled_imports():
                self.stdout.write(f"{version.catalogue} v{version.number}: behandlingen misslyckades / import failed")
        except Exception:
            logger.exception("fail_stalled_imports failed")
        try:
            delete_expired()
        except Exception:
            logger.exception("deleting expired punchout sessions failed")
