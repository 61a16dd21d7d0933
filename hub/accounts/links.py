"""Addresses in the page's language: /sv/logga-in/ on Swedish pages, /en/sign-in/ on English ones.

Each page has a Swedish route `name` and an English route `name_en` (as the search pages do), so
routing never depends on compiled translations. Imported by the settings (LOGIN_URL), so it must
not touch models.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import get_language, override


def page_language() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def localized_reverse(name: str, args=None, kwargs=None, language: str | None = None) -> str:
    language = language or page_language()
    with override(language):
        return reverse(f"{name}_en" if language == "en" else name, args=args, kwargs=kwargs)


localized_reverse_lazy = lazy(localized_reverse, str)
