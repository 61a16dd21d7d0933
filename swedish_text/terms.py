"""Other words for the same goods: Swedish synonyms, and English words for Swedish catalogue terms.

Data (sourced in each file's header): `data/sv_synonyms.csv` (Swedish word pairs, both directions) and
`data/sv_en_terms.csv` (Swedish catalogue term, the English words for it from the UNSPSC titles).
Pure Python, no Django; swedish_text.heads turns the words into query forms.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from swedish_text import stem, tokens

DATA_DIR = Path(__file__).resolve().parent / "data"
SYNONYMS_FILE = DATA_DIR / "sv_synonyms.csv"
ENGLISH_FILE = DATA_DIR / "sv_en_terms.csv"
LONGEST_PHRASE = 3  # English terms are at most this many words ("ball point pen")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@lru_cache(maxsize=1)
def _synonym_table() -> dict[str, tuple[str, ...]]:
    """Stem of a word -> its synonyms (both directions of every pair)."""
    table: dict[str, list[str]] = {}
    for row in _rows(SYNONYMS_FILE):
        a, b = row["word"].strip().casefold(), row["synonym"].strip().casefold()
        table.setdefault(stem(a), []).append(b)
        table.setdefault(stem(b), []).append(a)
    return {key: tuple(dict.fromkeys(words)) for key, words in table.items()}


def swedish_synonyms(word: str) -> tuple[str, ...]:
    """The synonyms of a word in any inflection ("soppåsar" finds those of "soppåse")."""
    return tuple(w for w in _synonym_table().get(stem(word), ()) if w != word)


@lru_cache(maxsize=1)
def english_terms() -> dict[tuple[str, ...], tuple[str, ...]]:
    """English term (its words, singular) -> the Swedish catalogue terms for it."""
    table: dict[tuple[str, ...], list[str]] = {}
    for row in _rows(ENGLISH_FILE):
        key = tuple(singular(w) for w in tokens(row["en"]))
        table.setdefault(key, []).append(row["sv"].strip().casefold())
    return {key: tuple(dict.fromkeys(words)) for key, words in table.items()}


def singular(word: str) -> str:
    """A plain English singular: "pens" -> "pen", "batteries" -> "battery", "boxes" -> "box"; else the word."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def english_phrases(words: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The words grouped into English terms, longest first, each with its Swedish terms (or none).

    ["office", "chairs"] -> [("office chairs", ("kontorsstol",))]; an unknown word stays alone.
    """
    table = english_terms()
    out: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(words):
        for size in range(min(LONGEST_PHRASE, len(words) - i), 0, -1):
            key = tuple(singular(w) for w in words[i : i + size])
            if key in table:
                out.append((" ".join(words[i : i + size]), table[key]))
                i += size
                break
        else:
            out.append((words[i], ()))
            i += 1
    return out
