"""The catalogue's own vocabulary, for "did you mean" and for telling a catalogue word from a typo.

The words come from the visible versions' distinct item names (the autocomplete table, one row per name
and version, migration search/0003) and their compound parts, plus the eco-labels. They are kept per
set of versions while the table's rows for them are unchanged (count and newest row), and rebuilt at
most every VOCABULARY_SECONDS otherwise.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection

from catalogue.models import CatalogueItem
from search.dbsearch import AUTOCOMPLETE_TABLE
from swedish_text import split_compound, tokens
from swedish_text.suggest import Vocabulary, did_you_mean

VOCABULARY_SECONDS = 300
MAX_CACHED = 16  # vocabularies kept (one per distinct set of visible versions)

_cache: dict[tuple, tuple[float, tuple, Vocabulary]] = {}
_lock = threading.Lock()


def _fingerprint(versions: list[int]) -> tuple:
    placeholders = ", ".join(["%s"] * len(versions))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), max(item_id) FROM {AUTOCOMPLETE_TABLE} WHERE version_id IN ({placeholders})",  # noqa: S608
            versions,
        )
        return tuple(cursor.fetchone())


def _build(versions: list[int]) -> Vocabulary:
    placeholders = ", ".join(["%s"] * len(versions))
    words: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT name FROM {AUTOCOMPLETE_TABLE} WHERE version_id IN ({placeholders})",  # noqa: S608
            versions,
        )
        for (name,) in cursor.fetchall():
            for word in tokens(name):
                words.add(word)
                words.update(split_compound(word))
    labels = CatalogueItem.objects.filter(version_id__in=versions).exclude(eco_labels=[])
    for combination in labels.values_list("eco_labels", flat=True).distinct()[:1000]:
        for label in combination if isinstance(combination, list) else []:
            words.update(tokens(str(label)))
    return Vocabulary(words)


def vocabulary(versions: list[int]) -> Vocabulary:
    """The words of the visible catalogue (see the module doc)."""
    if not versions:
        return Vocabulary(())
    key = tuple(sorted(set(versions)))
    fingerprint = _fingerprint(list(key))
    cached = _cache.get(key)
    if cached and cached[0] > time.monotonic() and cached[1] == fingerprint:
        return cached[2]
    built = _build(list(key))
    with _lock:
        if len(_cache) >= MAX_CACHED:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (time.monotonic() + VOCABULARY_SECONDS, fingerprint, built)
    return built


def suggestion(q: str, versions: list[int], has_hits: Callable[[str], bool]) -> str:
    """A "did you mean" query from the catalogue's own words that finds something, or ""."""
    candidate = did_you_mean(q, vocabulary(versions))
    if candidate and candidate != q.casefold() and has_hits(candidate):
        return candidate
    return ""
