"""System check (`manage.py check`, run by `make run` and at deploy): the live OpenSearch index can answer.

A missing index, or one OpenSearch built by itself from the first document (no Swedish analyzers), makes
the search fall back to the database; here the operator is told at start-up, in one line, what to run.
A missing index while nothing is published yet is how a fresh installation starts: no warning then.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _
from modelsearch.backends import get_search_backend

from catalogue.models import CatalogueItem
from search.engines.opensearch3 import REPAIR_COMMAND

# The check must not hold up start-up when the cluster is down.
CHECK_TIMEOUT_SECONDS = 2


@contextmanager
def _quiet_client():
    """opensearch-py logs every failed attempt with a traceback; the check's one line says it all."""
    client_logger = logging.getLogger("opensearch")
    level = client_logger.level
    client_logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        client_logger.setLevel(level)


def _anything_to_index(model) -> bool:
    """Whether the database holds items for the index; False when that cannot be told (no tables yet, no database)."""
    try:
        return model.get_indexed_objects().exists()
    except Exception:  # not migrated, unreachable, or database access not allowed here
        return False


@checks.register("search")
def check_opensearch_index(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    config = settings.WAGTAILSEARCH_BACKENDS.get("default", {})
    if "opensearch" not in config.get("BACKEND", "") and "elasticsearch" not in config.get("BACKEND", ""):
        return []  # no OPENSEARCH_URL: the database backend needs no index
    backend = get_search_backend("default")
    url = ", ".join(config.get("URLS", [])) or "OpenSearch"
    if not hasattr(backend, "index_problem"):
        return []  # another engine than the hub's own: it keeps its own index lifecycle
    index = backend.get_index_for_model(CatalogueItem).name
    try:
        with _quiet_client():
            problem = backend.index_problem(CatalogueItem, timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # connection refused, timeout, TLS: all mean "not answering"
        return [
            checks.Warning(
                _("OpenSearch på %(url)s svarar inte (%(error)s); sökningar besvaras från databasen")
                % {"url": url, "error": type(exc).__name__},
                hint="scripts/opensearch.sh start",
                obj=index,
                id="search.W001",
            )
        ]
    texts = {
        "missing": _("Sökindexet %(index)s saknas i OpenSearch på %(url)s; sökningar besvaras från databasen"),
        "analyzers": _("Sökindexet %(index)s i OpenSearch på %(url)s saknar hubbens svenska analysatorer; bygg om det"),
        "mapping": _("Sökindexet %(index)s i OpenSearch på %(url)s saknar hubbens fältmappning; bygg om det"),
    }
    if problem is None or (problem == "missing" and not _anything_to_index(CatalogueItem)):
        # Nothing published yet (a fresh installation, or before migrate): the hub creates the index at
        # its first publication, so there is nothing to repair.
        return []
    return [
        checks.Warning(texts[problem] % {"index": index, "url": url}, hint=REPAIR_COMMAND, obj=index, id="search.W002")
    ]
