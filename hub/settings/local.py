"""`make run`: the hub as a user meets it, on one machine, safe by default.

DEBUG is off (no tracebacks to visitors); gunicorn serves it (scripts/serve.sh) with static files
through WhiteNoise; the secret key is generated once and kept in var/secret_key (mode 600);
public product images are served by hub.media (images only); the demo hub signs Catalogue
Responses (T58) as the demo organisation unless HUB_PEPPOL_ID says otherwise.
"""

from hub.settings.environment import secret_key_from_file

from .base import *
from .base import DEMO_HUB_PEPPOL_ID, HUB_PEPPOL_ID, SECRET_KEY, VAR_DIR

DEBUG = False
SECRET_KEY = SECRET_KEY or secret_key_from_file(VAR_DIR / "secret_key")
HUB_PEPPOL_ID = HUB_PEPPOL_ID or DEMO_HUB_PEPPOL_ID
HUB_SERVE_PUBLIC_MEDIA = True
# Static files straight from the apps and static/, so `make run` needs no collectstatic.
WHITENOISE_USE_FINDERS = True
# WhiteNoise warns at every start when STATIC_ROOT is missing; with the finders it stays empty.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
