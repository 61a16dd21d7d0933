"""Test settings: the backends still come from the environment, so one suite runs on each."""

import os
import tempfile

from .base import *

DEBUG = False
SECRET_KEY = "test-only-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Login throttling is off by default so tests that sign in many times never lock each other out;
# hub/accounts/tests turn it on (the `axes_on` fixture) to prove it.
AXES_ENABLED = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Per run, like the test database: two runs side by side never delete each other's files
# (the root conftest removes them when the run ends).
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", Path(tempfile.gettempdir()) / f"hub-test-media-{os.getpid()}"))
CATALOGUE_FILES_ROOT = Path(
    os.environ.get("TEST_CATALOGUE_FILES_ROOT", Path(tempfile.gettempdir()) / f"hub-test-catalogue-files-{os.getpid()}")
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Each run gets its own OpenSearch indexes (like its own PostgreSQL test database): runs side by side
# on one server never see each other's documents, and never touch a dev server's "hub_" indexes.
# The root conftest deletes them when the run ends.
TEST_INDEX_PREFIX = f"hub_test_{os.getpid()}_"
WAGTAILSEARCH_BACKENDS = search_backends_from_env(index_prefix=TEST_INDEX_PREFIX)
# Catalogue image fetching is switched on only by the tests that serve images locally.
CATALOGUE_FETCH_IMAGES = False
# SQLite tests use a file, as the embedded default does, not Django's in-memory database: threads then
# share it the way a web server and a worker share the real one (the concurrent-upload test needs that).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"hub-test-{os.getpid()}.sqlite3")}
