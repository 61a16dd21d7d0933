"""Production: HTTPS only, behind a TLS-terminating proxy; `manage.py check --deploy` reports nothing."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from hub.settings.environment import flag, non_negative_int, origins_from_env, proxy_ssl_header_from_env

from .base import *
from .base import HUB_BASE_URL

DEBUG = False
HUB_PRODUCTION = True
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# HTTPS: redirect plain HTTP, and tell browsers to use HTTPS only (HSTS) for a year by default.
SECURE_SSL_REDIRECT = flag("HUB_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = non_negative_int("HUB_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = flag("HUB_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = flag("HUB_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' preload list is a lasting commitment for the whole domain: the operator's
    # choice (HUB_HSTS_PRELOAD=true), not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a TLS-terminating proxy: the header it sets to say the request came over HTTPS
# (e.g. HUB_PROXY_SSL_HEADER=X-Forwarded-Proto). Unset: no proxy header is trusted.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header_from_env("HUB_PROXY_SSL_HEADER")
# Origins whose POSTs pass the CSRF check; the hub's own address by default.
_base = urlsplit(HUB_BASE_URL)
CSRF_TRUSTED_ORIGINS = origins_from_env("CSRF_TRUSTED_ORIGINS", default=(f"{_base.scheme}://{_base.netloc}",))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
