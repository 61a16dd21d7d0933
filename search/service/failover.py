"""Failover: answer from the database backend when the configured engine (OpenSearch) fails.

After a failure the engine is skipped for `retry_seconds` instead of being waited on by each request.
One `Failover` object per process (`FAILOVER`) remembers, per backend name, until when it is skipped
and why it last failed.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import connection
from modelsearch.backends import get_search_backend

from catalogue.models import CatalogueItem

logger = logging.getLogger("search.service")

# After OpenSearch fails, skip it for this many seconds instead of waiting on each request.
BACKEND_RETRY_SECONDS = 30


def backend_names() -> list[str]:
    """The configured backend first, then the database backend when it is another one."""
    names = ["default"]
    if "database" in settings.WAGTAILSEARCH_BACKENDS and settings.WAGTAILSEARCH_BACKENDS["default"].get(
        "BACKEND"
    ) != settings.WAGTAILSEARCH_BACKENDS["database"].get("BACKEND"):
        names.append("database")
    return names


def backend_label(name: str) -> str:
    path = settings.WAGTAILSEARCH_BACKENDS[name]["BACKEND"]
    if "opensearch" in path or "elasticsearch" in path:
        return path.rsplit(".", 1)[-1]
    return f"database ({connection.vendor})"


class Failover:
    """Runs a search on the configured backend, falling back to the database backend on failure."""

    def __init__(self, retry_seconds: float = BACKEND_RETRY_SECONDS):
        self.retry_seconds = retry_seconds
        self.down_until: dict[str, float] = {}
        # Why each backend last failed: "index" (its index is missing or wrong) or "down" (no answer).
        self.down_reason: dict[str, str] = {}

    def reset(self) -> None:
        """Forget every failure (tests; after repairing the engine by hand)."""
        self.down_until.clear()
        self.down_reason.clear()

    def run(self, run):
        """`run(backend)` on the first backend that answers: (value, backend name, whether it fell back)."""
        names = backend_names()
        last_error: Exception | None = None
        for i, name in enumerate(names):
            is_last = i == len(names) - 1
            if not is_last and self.down_until.get(name, 0) > time.monotonic():
                continue
            backend = None
            try:
                backend = get_search_backend(name)
                value = run(backend)
                return value, name, name != names[0]
            except Exception as exc:  # opensearch-py raises many connection and transport errors
                if is_last:
                    raise
                last_error = exc
                self.down_until[name] = time.monotonic() + self.retry_seconds
                # search.engines.opensearch3 tells a missing or wrong index (a silent zero otherwise)
                # from a cluster down.
                index_problem = backend is not None and hasattr(backend, "search_failed")
                index_problem = index_problem and backend.search_failed(CatalogueItem, exc)
                self.down_reason[name] = "index" if index_problem else "down"
                logger.warning(
                    "Search backend %r failed (%s: %s); answering from the database backend",
                    name,
                    type(exc).__name__,
                    exc,
                )
        raise RuntimeError("no search backend answered") from last_error

    def fallback_code(self) -> str:
        """Why the database answered instead of OpenSearch: a search.service.query.Notice code."""
        if self.down_reason.get(backend_names()[0]) == "index":
            return "fallback_index"
        return "fallback_down"


FAILOVER = Failover()
