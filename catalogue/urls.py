"""Human pages of the catalogue app (inside i18n_patterns: /sv/leverantor/..., /en/leverantor/...)."""

from django.urls import path

from catalogue.views import portal, portal_images, review

app_name = "catalogue"

urlpatterns = [
    path("leverantor/", portal.home, name="portal"),
    path("leverantor/mall.xlsx", portal.xlsx_template, name="xlsx-template"),
    path("leverantor/mall.csv", portal.csv_template, name="csv-template"),
    path("leverantor/kataloger/<int:catalogue_id>/", portal.catalogue_detail, name="catalogue"),
    path(
        "leverantor/kataloger/<int:catalogue_id>/katalog.xlsx",
        portal.catalogue_export,
        {"fmt": "xlsx"},
        name="catalogue-export-xlsx",
    ),
    path(
        "leverantor/kataloger/<int:catalogue_id>/katalog.csv",
        portal.catalogue_export,
        {"fmt": "csv"},
        name="catalogue-export-csv",
    ),
    path("leverantor/kataloger/<int:catalogue_id>/bilder/", portal_images.catalogue_images, name="catalogue-images"),
    path("leverantor/versioner/<int:version_id>/", portal.version_detail, name="version"),
    path("leverantor/versioner/<int:version_id>/aterkalla/", portal.version_withdraw, name="version-withdraw"),
    path("leverantor/versioner/<int:version_id>/bekrafta/", portal.version_confirm, name="version-confirm"),
    path("leverantor/versioner/<int:version_id>/forsok-igen/", portal.version_retry, name="version-retry"),
    path("leverantor/versioner/<int:version_id>/framsteg.json", portal.version_progress, name="version-progress"),
    path("leverantor/versioner/<int:version_id>/svar.xml", portal.version_response, name="version-response"),
    path("leverantor/versioner/<int:version_id>/fil", portal.version_file, name="version-file"),
    path("granskning/", review.review_list, name="review-list"),
    path("granskning/<int:version_id>/", review.review_detail, name="review-detail"),
    path("granskning/<int:version_id>/svar.xml", review.review_response, name="review-response"),
    path("granskning/<int:version_id>/fil", review.review_file, name="review-file"),
]
