"""What happens to a catalogue version around its import and review, beside the state machine.

The allowed status changes are declared on CatalogueVersion.TRANSITIONS and made by
CatalogueVersion.transition(); this module holds the lifecycle steps built on it:

- supersede_waiting: at most one version of a catalogue waits for a decision;
- withdraw: the supplier takes a waiting version back;
- mark_failed: an import that raised, or whose worker died, says so (catalogue.intake.retry runs it again);
- fail_stalled_imports: the periodic job that finds imports nobody is working on any more;
- outcome_message: the one message an upload's stored state gives the supplier.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalogue.models import Catalogue, CatalogueVersion, IllegalTransition
from catalogue.report import SOURCE_FILE, Report

logger = logging.getLogger(__name__)
Status = CatalogueVersion.Status
WORK_DIR_PATTERN = re.compile(r"^catalogue-v(\d+)-")

__all__ = [
    "IllegalTransition",
    "change_counts",
    "fail_stalled_imports",
    "mark_failed",
    "outcome_message",
    "supersede_waiting",
    "withdraw",
    "work_root",
]


def stalled_after() -> datetime.timedelta:
    """How long an import may go without progress before it counts as dead (CATALOGUE_STALLED_IMPORT_MINUTES)."""
    return datetime.timedelta(minutes=settings.CATALOGUE_STALLED_IMPORT_MINUTES)


def supersede_waiting(version: CatalogueVersion) -> CatalogueVersion | None:
    """Keep one waiting version per catalogue, the newest. Call when `version` has just become decidable.

    Older waiting versions are superseded by `version`. When a newer version of the catalogue already
    waits or has been approved, `version` itself is superseded by it; that newer version is returned.
    """
    with transaction.atomic():
        # One catalogue's waiting versions are decided one at a time.
        Catalogue.objects.select_for_update().filter(pk=version.catalogue_id).first()
        siblings = CatalogueVersion.objects.filter(catalogue_id=version.catalogue_id).exclude(pk=version.pk)
        newer = (
            siblings.filter(number__gt=version.number, status__in=Status.WAITING | Status.ACCEPTED)
            .exclude(status=Status.SUPERSEDED)
            .order_by("-number")
            .first()
        )
        if newer is not None:
            version.transition(Status.SUPERSEDED, superseded_by=newer)
            return newer
        for older in siblings.filter(number__lt=version.number, status__in=Status.WAITING):
            older.transition(Status.SUPERSEDED, superseded_by=version)
            logger.info("catalogue version %s superseded by %s while waiting", older.pk, version.pk)
    return None


def withdraw(version: CatalogueVersion, user=None) -> CatalogueVersion:
    """The supplier takes back a version that waits for review; raises IllegalTransition otherwise."""
    if CatalogueVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first() not in (
        Status.WITHDRAWABLE
    ):
        raise IllegalTransition(_("Bara en version som väntar på granskning eller bekräftelse kan återkallas"))
    return version.transition(Status.WITHDRAWN, reviewed_by=None)


def mark_failed(version: CatalogueVersion, error: BaseException | str) -> CatalogueVersion:
    """The import stopped without a verdict (an exception, a dead worker): FAILED, with a report that says so."""
    report = Report()
    report.error("PROCESSING-FAILED", source=SOURCE_FILE)
    detail = error if isinstance(error, str) else type(error).__name__
    logger.warning("catalogue version %s failed: %s", version.pk, detail)
    try:
        return version.transition(
            Status.FAILED,
            report=report.to_dict(),
            error_count=report.error_count,
            warning_count=0,
        )
    except IllegalTransition:
        # Already decided or failed by someone else meanwhile: that state is the truth.
        version.refresh_from_db()
        return version


def work_root() -> Path:
    """This hub's folder for an import's temporary files (the official rules' chunks), in the system's temp folder.

    Named after the hub's var folder and database: version numbers repeat from hub to hub, so the clean-up
    of one (a test run, a second `make run` on the machine) must never see another one's running imports.
    """
    database = connection.settings_dict
    identity = f"{settings.VAR_DIR}|{database.get('NAME')}|{database.get('HOST')}|{database.get('PORT')}"
    root = Path(tempfile.gettempdir()) / f"hub-work-{hashlib.sha256(identity.encode()).hexdigest()[:16]}"
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def remove_work_dirs(version_id: int | None = None, keep: set[int] | frozenset[int] = frozenset()) -> int:
    """Delete this hub's temporary `catalogue-v<id>-*` folders: one version's, or every one not in `keep`."""
    removed = 0
    for path in work_root().glob("catalogue-v*-*"):
        match = WORK_DIR_PATTERN.match(path.name)
        if not match or not path.is_dir():
            continue
        owner = int(match.group(1))
        if (version_id is not None and owner != version_id) or owner in keep:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _task_states(task_ids: list[str]) -> dict[str, str]:
    """The django_tasks_db status of each import task, when that backend is in use."""
    if not task_ids:
        return {}
    try:
        from django_tasks_db.models import DBTaskResult  # noqa: PLC0415 (only when that optional backend is installed)
    except ImportError:  # another task backend: only the time without progress counts
        return {}
    return {str(pk): status for pk, status in DBTaskResult.objects.filter(pk__in=task_ids).values_list("pk", "status")}


def fail_stalled_imports(now: datetime.datetime | None = None) -> list[CatalogueVersion]:
    """Fail imports that nobody works on any more, and clean their temporary folders. Returns those failed.

    An import is dead when its task is FAILED, or when it is running (or has no task) and has made
    no progress for longer than stalled_after(). A task still waiting in the queue is not dead.
    """
    now = now or timezone.now()
    limit = now - stalled_after()
    in_progress = list(CatalogueVersion.objects.filter(status__in=Status.IN_PROGRESS))
    states = _task_states([v.import_task_id for v in in_progress if v.import_task_id])
    failed = []
    for version in in_progress:
        state = states.get(version.import_task_id)
        last = version.last_activity_at or version.uploaded_at
        if state == "FAILED":
            reason = "import task failed"
        elif state == "READY":
            continue  # queued behind other work: nobody has started it yet
        elif last < limit:
            reason = f"no progress since {last.isoformat()}"
        else:
            continue
        failed.append(mark_failed(version, reason))
    still_running = set(CatalogueVersion.objects.filter(status__in=Status.IN_PROGRESS).values_list("pk", flat=True))
    remove_work_dirs(keep=still_running)
    return [v for v in failed if v.status == Status.FAILED]


def change_counts(version: CatalogueVersion) -> str:
    """'N nya, M ändrade, K borttagna' against the live version (catalogue.diff, stored at submission)."""
    summary = version.diff_summary or {}
    added, changed, removed = (int(summary.get(key) or 0) for key in ("added", "changed", "removed"))
    return ", ".join(
        (
            ngettext("%(count)s ny", "%(count)s nya", added) % {"count": added},
            ngettext("%(count)s ändrad", "%(count)s ändrade", changed) % {"count": changed},
            ngettext("%(count)s borttagen", "%(count)s borttagna", removed) % {"count": removed},
        )
    )


def outcome_message(version: CatalogueVersion) -> tuple[str, str]:
    """(level, text): what the supplier is told about an upload, from its stored status. One per outcome."""
    status = version.status
    if status == Status.AWAITING_CONFIRM:
        return "info", _(
            "Filen är giltig: %(counts)s. Så många borttagna artiklar behöver din bekräftelse: "
            "kontrollera ändringarna och bekräfta på versionssidan innan filen skickas till granskning."
        ) % {"counts": change_counts(version)}
    if status == Status.INVALID:
        return "error", _("Filen har fel och har inte tagits emot. Rätta felen i rapporten och ladda upp igen.")
    if status == Status.FAILED:
        return "error", _("Filen togs emot men kunde inte behandlas. Försök igen med knappen på versionssidan.")
    if status in Status.IN_PROGRESS:
        return "info", _("Filen är mottagen och kontrolleras. Sidan visar hur långt kontrollen har kommit.")
    if status == Status.PENDING_REVIEW:
        return "success", _("Filen är giltig och väntar på granskning av Katalogansvarig.")
    if status == Status.PUBLISHED:
        return "success", _("Filen godkändes automatiskt och är publicerad.")
    if status == Status.SCHEDULED:
        return "success", _("Filen godkändes automatiskt och publiceras %(day)s.") % {
            "day": version.publish_on.isoformat() if version.publish_on else ""
        }
    if status == Status.SUPERSEDED:
        return "info", _("Filen är giltig men har redan ersatts av en nyare version.")
    return "success", _("Filen är giltig.")
