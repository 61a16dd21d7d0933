"""Search pages inside i18n_patterns: /sv/sok/ and /en/search/.

Explicit paths, so both work before any .po file is compiled.
"""

from django.urls import path

from search import views

urlpatterns = [
    path("sok/", views.search_page, name="page"),
    path("sok/artikel/<int:item_id>/", views.item_page, name="item"),
    path("sok/jamfor/", views.compare_page, name="compare"),
    path("search/", views.search_page, name="page_en"),
    path("search/item/<int:item_id>/", views.item_page, name="item_en"),
    path("search/compare/", views.compare_page, name="compare_en"),
]
