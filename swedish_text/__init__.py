"""Swedish text normalisation, the one place used at index time and at query time alike.

Every backend sees the same tokens: a word is lowercased (å, ä and ö kept distinct),
split into its compound parts with a dictionary ("kopieringspapper" -> "kopiering",
"papper"), and each form is stemmed with the Snowball Swedish stemmer ("pennor" ->
"penn"). The item's expansion is stored in CatalogueItem.search_text; the query is
expanded the same way, so SQLite FTS5, PostgreSQL and OpenSearch all match alike.
Typos are corrected against the same dictionary (difflib, same first letter).
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import snowballstemmer

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_WORDLIST = DATA_DIR / "sv_compound_words.txt"
# Debian packages: wswedish (/usr/share/dict/swedish) and hunspell-sv.
SYSTEM_WORDLISTS = (Path("/usr/share/dict/swedish"),)
HUNSPELL_DIC = Path("/usr/share/hunspell/sv_SE.dic")

# Snowball's Swedish stop words, trimmed of words that are also product words.
STOP_WORDS = frozenset(
    [
        "och",
        "det",
        "att",
        "i",
        "en",
        "jag",
        "hon",
        "som",
        "han",
        "på",
        "den",
        "med",
        "var",
        "sig",
        "för",
        "så",
        "till",
        "är",
        "men",
        "ett",
        "om",
        "hade",
        "de",
        "av",
        "icke",
        "mig",
        "du",
        "henne",
        "då",
        "sin",
        "nu",
        "har",
        "inte",
        "hans",
        "honom",
        "skulle",
        "hennes",
        "där",
        "min",
        "man",
        "ej",
        "vid",
        "kunde",
        "något",
        "från",
        "ut",
        "när",
        "efter",
        "upp",
        "vi",
        "dem",
        "vara",
        "vad",
        "över",
        "än",
        "dig",
        "kan",
        "sina",
        "här",
        "ha",
        "mot",
        "alla",
        "under",
        "någon",
        "eller",
        "allt",
        "mycket",
        "sedan",
        "ju",
        "denna",
        "själv",
        "detta",
        "åt",
        "utan",
        "varit",
        "hur",
        "ingen",
        "mitt",
        "ni",
        "bli",
        "blev",
        "oss",
        "din",
        "dessa",
        "några",
        "deras",
        "blir",
        "mina",
        "samma",
        "vilken",
        "er",
        "sådan",
        "vår",
        "blivit",
        "dess",
        "inom",
        "mellan",
        "sådant",
        "varför",
        "varje",
        "vilka",
        "ditt",
        "vem",
        "vilket",
        "sitta",
        "sådana",
        "vart",
        "dina",
        "vars",
        "vårt",
        "våra",
        "ert",
        "era",
        "vilkas",
        "the",
        "and",
        "for",
        "with",
        "of",
        "or",
        "not",
        "near",
    ]
)

# Query syntax of any backend (FTS5, tsquery, Lucene) is never passed on: only word characters survive.
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MIN_PART = 3  # shortest compound part
MIN_SPLIT = 6  # shortest word worth splitting
MAX_COMPOUND_CHARS = 40  # longest word worth splitting ("kopieringspappersförpackning" is 28)
LINKING = ("s", "e", "a", "u", "o")  # Swedish linking sounds (fogemorfem), "s" by far the most common
JOINS = ("", *LINKING)  # between two compound parts: nothing, or one linking sound

_stemmer = snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    # Cached: the narrowing terms (swedish_text.heads) stem every word of every name and description.
    return _stemmer.stemWord(word)


def tokens(text: str) -> list[str]:
    """Lowercased word tokens with å/ä/ö kept; everything that is not a letter or digit separates."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    return _WORD_RE.findall(text)


def _read_words(path: Path) -> Iterable[str]:
    try:
        with path.open(encoding="utf-8", errors="ignore") as fh:
            for line in fh:
                word = line.split("/", 1)[0].strip().casefold()
                if word and not word.startswith("#"):
                    yield word
    except OSError:
        return


def _use_system_wordlists() -> bool:
    return os.environ.get("HUB_SEARCH_SYSTEM_WORDLISTS", "1").strip().lower() not in {"0", "false", "no", "off"}


@lru_cache(maxsize=1)
def shipped_words() -> frozenset[str]:
    return frozenset(w for w in _read_words(SHIPPED_WORDLIST) if w.isalpha())


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """Known Swedish words: the shipped list plus Debian's word lists where installed."""
    words = set(shipped_words())
    if _use_system_wordlists():
        for path in SYSTEM_WORDLISTS:
            # Debian's lists hold names and abbreviations too: keep plain lowercase words of 4+ letters.
            words.update(w for w in _read_words(path) if len(w) >= 4 and w.isalpha())
        words.update(w for w in _read_words(HUNSPELL_DIC) if len(w) >= 4 and w.isalpha() and w.islower())
    return frozenset(words)


@lru_cache(maxsize=1)
def _stems_of_dictionary() -> frozenset[str]:
    # Debian's lists already hold the inflected forms; stemming all 250,000 words would take seconds.
    return frozenset(stem(w) for w in shipped_words())


def _known(part: str, last: bool) -> bool:
    if len(part) < MIN_PART:
        return False
    words = dictionary()
    if part in words:
        return True
    # The last part carries the inflection: "kulspets|pennor".
    return last and len(part) >= 4 and stem(part) in _stems_of_dictionary()


def _better(a: tuple[str, ...], b: tuple[str, ...] | None) -> bool:
    """Fewer parts win, then the longer last part (the head of a Swedish compound)."""
    if b is None:
        return True
    return (len(a), -len(a[-1])) < (len(b), -len(b[-1]))


@lru_cache(maxsize=50_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Split a compound into dictionary parts, or return () when it is not one.

    Prefers the fewest parts, then the longest last part (the head of a Swedish compound).
    Linking letters between parts are dropped: "kopieringspapper" -> ("kopiering", "papper").
    Words longer than MAX_COMPOUND_CHARS are no compounds anyone types, and splitting is quadratic
    in the length, so they are left whole (a hostile catalogue line cannot hold a worker).
    """
    length = len(word)
    if length < MIN_SPLIT or length > MAX_COMPOUND_CHARS or not word.isalpha():
        return ()
    words = dictionary()
    # best[start]: the best segmentation of word[start:] into known parts, or None. Filled from the end
    # (a loop, not recursion), so each suffix is solved once from the already solved shorter ones.
    best: list[tuple[str, ...] | None] = [None] * (length + 1)
    for start in range(length - MIN_PART, -1, -1):
        result: tuple[str, ...] | None = None
        if start > 0 and _known(word[start:], last=True):
            result = (word[start:],)
        for end in range(start + MIN_PART, length - MIN_PART + 1):
            head = word[start:end]
            if head not in words:
                continue
            for skip in JOINS:
                nxt = end + len(skip)
                if (skip and word[end:nxt] != skip) or length - nxt < MIN_PART:
                    continue
                tail = best[nxt]
                if tail is not None and _better((head, *tail), result):
                    result = (head, *tail)
        best[start] = result
    found = best[0]
    return found if found and len(found) >= 2 else ()


@lru_cache(maxsize=100_000)
def expand_word(word: str) -> tuple[str, ...]:
    """The word, its compound parts, and the stems of each, without duplicates, in that order."""
    forms = [word, *split_compound(word)]
    out: list[str] = []
    for form in forms + [stem(f) for f in forms]:
        if form not in out:
            out.append(form)
    return tuple(out)


def normalise(text: str) -> str:
    """The indexed form of a text: every word expanded, stop words dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for word in tokens(text):
        if word in STOP_WORDS:
            continue
        for form in expand_word(word):
            if form not in seen:
                seen.add(form)
                out.append(form)
    return " ".join(out)


@lru_cache(maxsize=20_000)
def correct_typo(word: str) -> str | None:
    """A likely intended dictionary word for an unknown word, or None.

    Only words of 5+ letters are corrected, against words with the same first letter and
    a similar length, so short words and article numbers are never rewritten.
    """
    if len(word) < 5 or len(word) > MAX_COMPOUND_CHARS or not word.isalpha():
        return None
    if word in dictionary() or split_compound(word):
        return None
    fixed = _closest(word, 0.84)
    if fixed:
        return fixed
    # A compound with a typo in its head: keep the known first part, correct the rest ("kulspets|pena").
    for cut in range(len(word) - 4, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        if head not in dictionary():
            continue
        for link in JOINS:
            if link and not tail.startswith(link):
                continue
            rest = tail[len(link) :]
            if len(rest) >= 4:
                fixed_tail = _closest(rest, 0.75)
                if fixed_tail:
                    return head + link + fixed_tail
    return None


def _closest(word: str, cutoff: float) -> str | None:
    candidates = [w for w in _by_initial().get(word[0], ()) if abs(len(w) - len(word)) <= 2]
    matches = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    return matches[0] if matches else None


@lru_cache(maxsize=1)
def _by_initial() -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for w in dictionary():
        groups.setdefault(w[0], []).append(w)
    return {k: tuple(sorted(v)) for k, v in groups.items()}


def clear_caches() -> None:
    """Forget the word lists read and every answer cached from them (HUB_SEARCH_SYSTEM_WORDLISTS changed)."""
    for cached in (dictionary, _stems_of_dictionary, _by_initial, split_compound, expand_word, correct_typo):
        cached.cache_clear()


def query_groups(query: str) -> list[list[str]]:
    """The query as groups of alternatives: every group must match (AND), any form in a group will do (OR).

    Returns [] when nothing searchable is left (empty query, only punctuation or stop words).
    """
    words = [w for w in tokens((query or "")[:MAX_QUERY_CHARS]) if w not in STOP_WORDS]
    groups: list[list[str]] = []
    for word in words[:MAX_QUERY_WORDS]:
        forms = list(expand_word(word))
        parts = split_compound(word)
        if len(parts) == 2:
            # A missed or extra linking "s" is the commonest compound typo: try both spellings.
            for joined in (parts[0] + parts[1], parts[0] + "s" + parts[1]):
                if joined not in forms:
                    forms.append(joined)
        fixed = correct_typo(word)
        if fixed:
            forms += [f for f in expand_word(fixed) if f not in forms]
        groups.append(forms)
    return groups


def search_text_for(item) -> str:
    """The normalised text stored in CatalogueItem.search_text (name, keywords, maker, description, eco-labels).

    The eco-labels make "svanen" find the Nordic Swan labelled items.
    """
    keywords = item.keywords if isinstance(item.keywords, list) else []
    labels = item.eco_labels if isinstance(getattr(item, "eco_labels", None), list) else []
    parts = [item.name or "", " ".join(str(k) for k in keywords), item.manufacturer or "", item.description or ""]
    parts.append(" ".join(str(label) for label in labels))
    return normalise(" ".join(parts))


def normalise_heads(text: str) -> str:
    """Each word and its stem, and for a compound only its head (last part) and the head's stem.

    Swedish compounds are right-headed: a "papperskorg" is a kind of "korg", not of "papper".
    The boosted title field gets this form, so "papper" ranks kopieringspapper above papperskorg
    (both still match through the full search text).
    """
    out: list[str] = []
    for word in tokens(text):
        if word in STOP_WORDS:
            continue
        parts = split_compound(word)
        forms = [word, stem(word)]
        if parts:
            forms += [parts[-1], stem(parts[-1])]
        for form in forms:
            if form not in out:
                out.append(form)
    return " ".join(out)


def title_text_for(item) -> str:
    """The name with compound heads only, indexed with a higher boost than the rest (see normalise_heads)."""
    return normalise_heads(item.name or "")


def prefix_matches(name: str, prefix: str) -> bool:
    """True when a word in name starts with prefix (å/ä/ö kept distinct: "kö" is not "ko")."""
    want = tokens(prefix)
    if not want:
        return False
    words = tokens(name)
    # Every typed word but the last must be a whole word or a prefix; the last one a prefix.
    return all(any(w.startswith(p) for w in words) for p in want)
