from .base import *

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-not-secret"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
