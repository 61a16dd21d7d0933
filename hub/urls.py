from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from hub.media import public_image

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("hub.api")),
    path("punchout/", include("punchout.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif getattr(settings, "HUB_SERVE_PUBLIC_MEDIA", False):
    # `make run` without DEBUG: product images only (hub.media), never the rest of MEDIA_ROOT.
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", public_image))

urlpatterns += i18n_patterns(
    path("", include("hub.accounts.urls")),
    path("", include("catalogue.urls")),
    path("", include(("search.urls", "search"))),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
