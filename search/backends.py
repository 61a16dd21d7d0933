"""Which modelsearch backends the hub uses, chosen from the environment.

The database backend (SQLite FTS5 or PostgreSQL) is always configured, so the hub
can keep answering from it when OpenSearch is unavailable.
"""

from __future__ import annotations

import copy
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DATABASE_BACKEND = "modelsearch.backends.database"
# modelsearch's opensearch3 backend (opensearch-py 3.x client; talks to OpenSearch 2.x servers too), with the
# hub's index lifecycle: the index is created with its analyzers, mapping and alias before any write.
OPENSEARCH_BACKEND = "search.engines.opensearch3"


def search_backends_for(opensearch_url: str, index_prefix: str = "hub_", shards: int = 1, replicas: int = 0) -> dict:
    # SEARCH_CONFIG is PostgreSQL's text-search configuration (SQLite FTS5 ignores it).
    backends: dict = {"database": {"BACKEND": DATABASE_BACKEND, "AUTO_UPDATE": True, "SEARCH_CONFIG": "swedish"}}
    if not opensearch_url:
        backends["default"] = dict(backends["database"])
        return backends
    parts = urlsplit(opensearch_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"OPENSEARCH_URL must look like http://127.0.0.1:9200, not {opensearch_url!r}")
    backends["default"] = {
        "BACKEND": OPENSEARCH_BACKEND,
        "URLS": [opensearch_url],
        "INDEX_PREFIX": index_prefix,
        "TIMEOUT": 5,
        "ATOMIC_REBUILD": True,
        "AUTO_UPDATE": True,
        "INDEX_SETTINGS": index_settings(shards, replicas),
    }
    return backends


def index_settings(shards: int, replicas: int) -> dict:
    """The hub's Swedish analysis settings, with the number of primary shards and replicas per index."""
    from search.analysis import SWEDISH_INDEX_SETTINGS  # noqa: PLC0415 (settings import this module: no app code at load)

    settings = copy.deepcopy(SWEDISH_INDEX_SETTINGS)
    settings["settings"]["index"] = {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        # The deepest page the service serves (MAX_PAGE x MAX_PAGE_SIZE); OpenSearch's default is 10,000.
        "max_result_window": 1_000_000,
    }
    return settings
