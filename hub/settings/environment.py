"""Read the hub's configuration from environment variables, with one-line errors.

Every setting a person can get wrong is checked here, so a typo gives one clear
sentence naming the variable instead of a traceback from deep inside Django.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from search.backends import search_backends_for

SUPPORTED_DATABASE_ENGINES = {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}


# SQLite: wait up to 30 s for a lock, and take the write lock when a transaction begins. With
# SQLite's default (deferred) a transaction that reads first and then writes fails at once with
# "database is locked" when another writer got in between: two uploads at once lost one.
# WAL lets the web server read while the task worker writes (and the other way round); with the
# default rollback journal a long read blocked every commit of the other process. synchronous=NORMAL
# is the usual WAL companion: still crash-safe, at most the last commits are lost on power failure.
SQLITE_BUSY_TIMEOUT_SECONDS = 30
SQLITE_OPTIONS = {
    "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
}


def database_from_env(default_sqlite_path: Path) -> dict[str, Any]:
    """Return the DATABASES['default'] entry for DATABASE_URL (SQLite when unset)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj-database-url raises several types
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a valid database address ({exc}). Example: postgres://hub:secret@127.0.0.1:5432/hub"
        ) from None
    if config.get("ENGINE") not in SUPPORTED_DATABASE_ENGINES:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses an unsupported database ({urlsplit(url).scheme!r}); "
            "use sqlite:///path or postgres://user:password@host:port/name"
        )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    return config


def search_backends_from_env(index_prefix: str = "hub_") -> dict:
    """Return WAGTAILSEARCH_BACKENDS: the database backend, plus OpenSearch when OPENSEARCH_URL is set."""
    return search_backends_for(
        os.environ.get("OPENSEARCH_URL", "").strip(),
        index_prefix=index_prefix,
        # Primary shards and replicas of each index the hub creates: 1 and 0 on one node; on a cluster
        # e.g. 2 and 1 (scripts/opensearch-cluster.sh). Applies when an index is (re)built.
        shards=whole_number("OPENSEARCH_SHARDS", 1, minimum=1),
        replicas=whole_number("OPENSEARCH_REPLICAS", 0, minimum=0),
    )


def base_url_from_env(default: str) -> str:
    """Return HUB_BASE_URL without a trailing slash, checked to be an http(s) address."""
    value = os.environ.get("HUB_BASE_URL", default).strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(
            f"HUB_BASE_URL must be an http(s) address such as https://hub.example.se, not {value!r}"
        )
    if parts.username or parts.password:
        raise ImproperlyConfigured("HUB_BASE_URL must not contain a user name or password")
    return value


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def whole_number(name: str, default: int, minimum: int) -> int:
    """Return a whole number of at least `minimum` from the environment, or one line naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of at least {minimum} (e.g. {default}), not {value!r}"
        )
    return number


def positive_int(name: str, default: int) -> int:
    """Return a whole number of at least 1 from the environment, or one line naming the variable."""
    return whole_number(name, default, minimum=1)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def log_level(name: str = "LOG_LEVEL", default: str = "WARNING") -> str:
    """Return a logging level name; logging's own error for a typo is a traceback."""
    value = os.environ.get(name, "").strip().upper() or default
    if value not in LOG_LEVELS:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(LOG_LEVELS)}, not {value!r}")
    return value


def secret_key_from_file(path: Path) -> str:
    """A secret key generated once and kept in `path` (mode 600), for a hub run without SECRET_KEY set."""
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= 50:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    path.chmod(0o600)
    return key


def non_negative_int(name: str, default: int) -> int:
    """Return a whole number of at least 0 from the environment, or one line naming the variable."""
    return whole_number(name, default, minimum=0)


def origins_from_env(name: str = "CSRF_TRUSTED_ORIGINS", default: tuple[str, ...] = ()) -> list[str]:
    """Comma-separated origins such as https://hub.example.se (scheme and host, no path)."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    origins = []
    for origin in (part.strip().rstrip("/") for part in value.split(",")):
        if not origin:
            continue
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path or parts.username:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated origins such as https://hub.example.se, not {origin!r}"
            )
        origins.append(origin)
    return origins


def proxy_ssl_header_from_env(name: str = "HUB_PROXY_SSL_HEADER") -> tuple[str, str] | None:
    """The header a TLS-terminating proxy sets, as `X-Forwarded-Proto` (value https) or `Header: value`.

    Unset means no proxy is trusted: a client could otherwise claim https itself.
    """
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    header, _, expected = value.partition(":")
    header, expected = header.strip(), (expected.strip() or "https")
    if not header or not all(ch.isalnum() or ch == "-" for ch in header):
        raise ImproperlyConfigured(
            f"{name} must be a header name such as X-Forwarded-Proto (optionally 'X-Forwarded-Proto: https'), "
            f"not {value!r}"
        )
    return "HTTP_" + header.upper().replace("-", "_"), expected


def cxml_identity_from_env(name: str = "HUB_CXML_IDENTITY", default: str = "e-handelshubben") -> str:
    """The hub's own cXML identity (the To a buyer system addresses): one word, no spaces or control characters."""
    value = os.environ.get(name, "").strip() or default
    if len(value) > 200 or any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise ImproperlyConfigured(
            f"{name} must be one identity without spaces, at most 200 characters, such as {default!r}, not {value!r}"
        )
    return value


def cxml_dtd_from_env(shared_cxml_folder: Path, name: str = "HUB_CXML_DTD") -> Path | None:
    """The cXML DTD the hub checks its own messages against: HUB_CXML_DTD, else the newest in the shared folder.

    None when neither is there (a user's clone): tests then skip DTD validation and say so.
    """
    value = os.environ.get(name, "").strip()
    if value:
        path = Path(value)
        if not path.is_file():
            raise ImproperlyConfigured(f"{name} must be the path of cXML.dtd, but {value!r} is not a file")
        return path
    candidates = sorted(shared_cxml_folder.glob("dtd/*/cXML.dtd"), key=lambda p: tuple(_version_key(p.parent.name)))
    return candidates[-1] if candidates else None


def _version_key(name: str) -> list[int]:
    return [int(part) if part.isdigit() else -1 for part in name.split(".")]
