"""Follow-up listens to punchout: every transferred basket's lines are kept (followup.spend.record_transfer)."""

from __future__ import annotations

import logging

from django.db.models.signals import pre_save

from followup.privacy import redact_search_log
from followup.spend import record_transfer
from punchout.models import PunchoutSession
from punchout.signals import basket_transferred
from search.models import SearchLog

logger = logging.getLogger(__name__)


def keep_transferred_lines(sender, session, lines, **kwargs) -> None:
    try:
        record_transfer(session, lines)
    except Exception:  # the shopper's basket still goes to the ordering system; the failure is logged
        logger.exception("Could not keep the transferred lines of punchout session %s", session.pk)


def connect() -> None:
    basket_transferred.connect(keep_transferred_lines, sender=PunchoutSession, dispatch_uid="followup-keep-lines")
    pre_save.connect(redact_search_log, sender=SearchLog, dispatch_uid="followup-redact-search-log")
