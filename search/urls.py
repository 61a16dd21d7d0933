"""Search pages inside i18n_patterns: /sv/sok/ and /en/search/.

Explicit paths, so both work before any .po file is compiled. Product addresses are keyed by
agreement reference, supplier organisation number and the supplier's item id, so they outlive
catalogue versions (docs/search.md, "Product addresses"); the old numeric ones redirect.
"""

from django.urls import path, register_converter

from search import converters, views

register_converter(converters.KeyConverter, "itemkey")
register_converter(converters.OrgnrConverter, "orgnr")
register_converter(converters.RowIdConverter, "rowid")

urlpatterns = [
    path("sok/", views.search_page, name="page"),
    path("sok/artikel/<itemkey:agreement>/<orgnr:supplier>/<itemkey:item>/", views.item_page, name="item"),
    path("sok/artikel/<rowid:item_id>/", views.legacy_item_page, name="item_by_row"),
    path("sok/jamfor/", views.compare_page, name="compare"),
    path("search/", views.search_page, name="page_en"),
    path("search/item/<itemkey:agreement>/<orgnr:supplier>/<itemkey:item>/", views.item_page, name="item_en"),
    path("search/item/<rowid:item_id>/", views.legacy_item_page, name="item_by_row_en"),
    path("search/compare/", views.compare_page, name="compare_en"),
]
