""" "Did you mean": the closest words of a vocabulary (the catalogue's own words) for a query that found nothing.

Pure Python, no Django: search/suggestions.py builds the vocabulary from the visible catalogue.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from swedish_text import MAX_QUERY_CHARS, MAX_QUERY_WORDS, STOP_WORDS, tokens

# How alike a word and its suggestion must be (difflib's ratio), and how much their lengths may differ.
SUGGEST_CUTOFF = 0.75
MAX_LENGTH_DIFFERENCE = 3
MIN_WORD = 4  # shorter words and codes are left as typed


class Vocabulary:
    """A set of words, grouped by first letter for quick "closest word" look-ups."""

    def __init__(self, words: Iterable[str]):
        self.words = frozenset(w for w in words if w.isalpha() and len(w) >= 2)
        groups: dict[str, list[str]] = {}
        for w in self.words:
            groups.setdefault(w[0], []).append(w)
        self._by_initial = {k: tuple(sorted(v)) for k, v in groups.items()}

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def __len__(self) -> int:
        return len(self.words)

    def closest(self, word: str) -> str | None:
        """The most similar word with the same first letter and a similar length, or None."""
        candidates = [w for w in self._by_initial.get(word[:1], ()) if abs(len(w) - len(word)) <= MAX_LENGTH_DIFFERENCE]
        found = difflib.get_close_matches(word, candidates, n=1, cutoff=SUGGEST_CUTOFF)
        return found[0] if found else None


def did_you_mean(query: str, vocabulary: Vocabulary) -> str | None:
    """The query with each unknown word replaced by the vocabulary's closest word, or None when nothing changed.

    "kopierinspapper" -> "kopieringspapper". Known words, stop words, short words and words with digits stay.
    """
    out: list[str] = []
    changed = False
    for word in tokens((query or "")[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]:
        if word in vocabulary or word in STOP_WORDS or len(word) < MIN_WORD or not word.isalpha():
            out.append(word)
            continue
        better = vocabulary.closest(word)
        out.append(better or word)
        changed = changed or better is not None
    return " ".join(out) if changed else None
