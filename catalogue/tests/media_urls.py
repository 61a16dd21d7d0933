"""The hub's URLs plus /media/ served wholesale, as a careless production set-up (or DEBUG) would."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from hub.urls import urlpatterns as hub_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)  # read per request: tests move MEDIA_ROOT


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", media),
    *hub_urlpatterns,
]
