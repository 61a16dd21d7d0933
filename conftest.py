"""Project-wide pytest fixtures. App fixtures live in each app's tests/fixtures.py."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

# Fixture modules of each app (pytest only accepts pytest_plugins in the root conftest).
pytest_plugins = [
    "hub.organisations.tests.fixtures",
    "catalogue.tests.review_fixtures",
    "hub.guidance.tests.fixtures",
    "hub.testing.browser",
]

REPO_ROOT = Path(__file__).resolve().parent
SHARED_STANDARDS = Path(os.environ.get("HUB_SHARED_STANDARDS", REPO_ROOT.parent / "shared" / "standards"))


def require_service(name: str, reason: str) -> None:
    """Skip loudly when a service is missing; under CI=true a missing service fails the run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{name} is required under CI=true but is not available: {reason}")
    pytest.skip(f"{name} NOT AVAILABLE, test skipped: {reason}")


@pytest.fixture
def shared_standards() -> Path:
    """The reference and conformance corpus (../shared/standards): skip with a reason, fail under CI=true."""
    if not SHARED_STANDARDS.is_dir():
        require_service("The reference corpus", f"not found at {SHARED_STANDARDS} (a user's clone has none)")
    return SHARED_STANDARDS


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, request: pytest.FixtureRequest
) -> None:
    """On PostgreSQL each run gets its own test database (test_hub_<pid>).

    Several people and CI share one cluster; with one fixed name a second run would drop, or fail
    to drop, the database the first is using. --reuse-db keeps the fixed name so it can be reused.
    """
    if request.config.getoption("reuse_db", default=False):
        return
    for db in settings.DATABASES.values():
        if db["ENGINE"] == "django.db.backends.postgresql":
            test = db.setdefault("TEST", {})
            test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_{os.getpid()}"


@pytest.fixture(scope="session", autouse=True)
def _delete_this_runs_opensearch_indexes():
    """The test settings give each run its own index prefix; remove those indexes when the run ends."""
    yield
    prefix = getattr(settings, "TEST_INDEX_PREFIX", "")
    url = os.environ.get("OPENSEARCH_URL", "").strip()
    if not (prefix and url):
        return
    # Only when OPENSEARCH_URL is set: the client takes 0.16 s to import, and runs without OpenSearch never need it.
    from opensearchpy import OpenSearch  # noqa: PLC0415

    client = OpenSearch([url], timeout=10)
    try:
        names = list(client.indices.get(index=f"{prefix}*", expand_wildcards="all"))
        if names:
            client.indices.delete(index=",".join(names))
    except Exception as exc:  # cleanup must never turn a green run red
        print(f"note: could not delete this run's OpenSearch indexes {prefix}*: {type(exc).__name__}")


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: the database rolls back (and reuses ids), a cache would not.

    Wagtail caches image renditions by image id, so without this a test could see a rendition that an
    earlier test made for another image with the same id.
    """
    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Swedish).

    A request under /en/ leaves English active in the thread after the test client returns, so without
    this a later test's reverse() and lazy texts would be English: pages are one language now, so that
    would change what a test sees.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_sessionfinish(session, exitstatus):
    """Remove this run's media and catalogue-file folders (per process: see hub/settings/test.py)."""
    if settings.configured and "TEST_MEDIA_ROOT" not in os.environ:
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    if settings.configured and "TEST_CATALOGUE_FILES_ROOT" not in os.environ:
        shutil.rmtree(settings.CATALOGUE_FILES_ROOT, ignore_errors=True)
