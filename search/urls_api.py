"""The search JSON API, outside i18n_patterns: /api/v1/search and /api/v1/autocomplete."""

from django.urls import path

from search import views

urlpatterns = [
    path("search", views.api_search, name="search"),
    path("autocomplete", views.api_autocomplete, name="autocomplete"),
]
