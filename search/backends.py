"""Which modelsearch backends the hub uses, chosen from the environment.

The database backend (SQLite FTS5 or PostgreSQL) is always configured, so the hub
can keep answering from it when OpenSearch is unavailable.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DATABASE_BACKEND = "modelsearch.backends.database"
OPENSEARCH_BACKEND = "modelsearch.backends.opensearch2"


def search_backends_for(opensearch_url: str, index_prefix: str = "hub_") -> dict:
    backends: dict = {"database": {"BACKEND": DATABASE_BACKEND, "AUTO_UPDATE": True}}
    if not opensearch_url:
        backends["default"] = dict(backends["database"])
        return backends
    parts = urlsplit(opensearch_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"OPENSEARCH_URL must look like http://127.0.0.1:9200, not {opensearch_url!r}")
    from search.analysis import SWEDISH_INDEX_SETTINGS

    backends["default"] = {
        "BACKEND": OPENSEARCH_BACKEND,
        "URLS": [opensearch_url],
        "INDEX_PREFIX": index_prefix,
        "TIMEOUT": 5,
        "ATOMIC_REBUILD": True,
        "AUTO_UPDATE": True,
        "INDEX_SETTINGS": SWEDISH_INDEX_SETTINGS,
    }
    return backends
