"""The hub's URLs plus /media/ served wholesale, as a careless production set-up (or DEBUG) would."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from hub.urls import urlpatterns as hub_urlpatterns

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *hub_urlpatterns,
]
