"""Compound heads: what a Swedish query word requires of an item, and what only ranks it higher.

Swedish compounds are right-headed: a "kontorsstol" is a kind of "stol", "diskmedel" a kind of "medel".
So a query word that is a compound requires its head (or the whole word); its modifier ("kontor",
"disk") is never enough on its own, and only tells which items with that head are the kind asked for:
- `query_words(query)`: each word with its required forms (the word, its spelling variants, the head
  and their stems, never the modifier) and its modifier forms.
- `has_head(forms, words)`: whether an item's indexed forms have more than a modifier of each word.
- `name_is_kind(name, words)`: whether an item's name says it is what every word asks for: each word
  (or, for a compound, its head with the modifier somewhere in the name) is the head of a word of the
  name, so "Papperskorg" is not a "papper" and "Tvättmedel" is not a "diskmedel".
Pure Python, no Django: the search service (search/query_text.py) uses these to shape the match set.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from swedish_text import (
    LINKING,
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    STOP_WORDS,
    _known,
    correct_typo,
    split_compound,
    stem,
    tokens,
)
from swedish_text.terms import english_phrases, swedish_synonyms


@dataclass(frozen=True)
class QueryWord:
    word: str
    # Any one of these must match (OR): the spellings, the head and their stems, never the modifier.
    required: tuple[str, ...]
    # The word as typed, its typo correction and its linking-"s" variants, unstemmed.
    spellings: tuple[str, ...] = ()
    # The compound's modifier parts as written: they rank, never match alone. Empty for a simple word.
    modifiers: tuple[str, ...] = ()
    # The compound's head and its stem (empty for a simple word).
    head: tuple[str, ...] = ()


def _add(out: list[str], *forms: str) -> None:
    for form in forms:
        if form and form not in out:
            out.append(form)


@lru_cache(maxsize=20_000)
def query_word(word: str, known: bool = False) -> QueryWord:
    """The forms a query word requires, with a compound's modifier kept apart (see the module doc).

    `known`: the catalogue has the word as it is, so it is no typo ("rullator" is not "rullar").
    """
    spellings: list[str] = [word]
    fixed = None if known else correct_typo(word)
    parts = split_compound(word)
    if fixed:
        _add(spellings, fixed)
        if not parts:
            parts = split_compound(fixed)
    if len(parts) == 2:
        # A missed or extra linking "s" is the commonest compound typo: try both spellings.
        _add(spellings, parts[0] + parts[1], parts[0] + "s" + parts[1])
    required: list[str] = []
    for spelling in spellings:
        _add(required, spelling, stem(spelling))
    if not parts:
        return QueryWord(word, tuple(required), tuple(spellings))
    head = tuple(dict.fromkeys((parts[-1], stem(parts[-1]))))
    _add(required, *head)
    return QueryWord(word, tuple(required), tuple(spellings), tuple(parts[:-1]), head)


def query_words(query: str, known_words: Collection[str] = (), english: bool = False) -> list[QueryWord]:
    """The query's searchable words (stop words dropped, at most MAX_QUERY_WORDS), shaped by `query_word`.

    `known_words`: the catalogue's own words; those are never corrected as typos. A word with Swedish
    synonyms (swedish_text.terms) also matches them. `english`: the words are read as English terms
    first ("office chair" -> "kontorsstol"), for the English search page.
    """
    words = [w for w in tokens((query or "")[:MAX_QUERY_CHARS]) if w not in STOP_WORDS][:MAX_QUERY_WORDS]
    units = english_phrases(words) if english else [(w, ()) for w in words]
    out = []
    for typed, swedish in units:
        shaped = [] if " " in typed else [query_word(typed, typed in known_words or bool(swedish))]
        for term in swedish:
            shaped.append(query_word(term, True))
        for form in list(shaped):
            shaped += [query_word(s, True) for s in swedish_synonyms(form.word)]
        out.append(_merged(typed, shaped))
    return out


def _merged(typed: str, shaped: list[QueryWord]) -> QueryWord:
    """One query word that any of `shaped` satisfies (the typed word, its translations and synonyms)."""
    if len(shaped) == 1:
        return shaped[0]
    required: list[str] = []
    spellings: list[str] = []
    for w in shaped:
        _add(required, *w.required)
        _add(spellings, *w.spellings)
    compound = next((w for w in shaped if w.head), None)
    if compound is None:
        return QueryWord(typed, tuple(required), tuple(spellings))
    return QueryWord(typed, tuple(required), tuple(spellings), compound.modifiers, compound.head)


def head_groups(words: list[QueryWord]) -> list[list[str]]:
    """What the engines match: every group must match (AND), any form will do (OR).

    Each group holds the required forms and, last, the modifier: an item with only the modifier is a
    candidate that `has_head` tells apart (search/query_text.py keeps it only when the catalogue classes
    it with the goods asked for: "Köksbord" for "köksstol", never "Kontorssax" for "kontorsstol").
    """
    return [list(w.required) + [m for m in w.modifiers if m not in w.required] for w in words]


def has_head(indexed_forms: Collection[str], words: list[QueryWord]) -> bool:
    """True when an item's indexed forms (CatalogueItem.search_text) have, for every query word, the word,
    its head or their stems: more than a modifier alone."""
    return bool(words) and all(any(f in indexed_forms for f in w.required) for w in words)


@lru_cache(maxsize=100_000)
def _text_forms(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(every word and compound part as written; the stems of the words and of their heads)."""
    written: set[str] = set()
    stems: set[str] = set()
    for word in tokens(text):
        parts = split_compound(word)
        written.add(word)
        written.update(parts)
        stems.add(stem(word))
        if parts:
            stems.add(stem(parts[-1]))
    return frozenset(written), frozenset(stems)


def _leads(word: str, first: str) -> bool:
    """True when the compound `word` starts with the whole word `first`: "skrivbord|s|lampa" leads with
    "skrivbord" even where the splitter chose "skriv|bordslampa" (a longer head in a bigger word list)."""
    if len(word) <= len(first) or not word.startswith(first):
        return False
    rest = word[len(first) :]
    return any(
        rest.startswith(link) and (_known(rest[len(link) :], last=True) or split_compound(rest[len(link) :]))
        for link in ("", *LINKING)
    )


def mentions(text: str, words: list[QueryWord]) -> bool:
    """True when the text names every query word itself: as a word or a compound part as written, or by the
    stem of a word or compound head ("pennor" in "Kulspetspenna", "skrivbord" in "Skrivbordslampa"). A stem
    of a modifier does not count: "skriv" of "skrivare" is not mentioned by "skrivbord"."""
    written, stems = _text_forms(text or "")
    for w in words:
        if any(f in written for f in w.spellings) or any(stem(f) in stems for f in w.spellings):
            continue
        if any(_leads(word, f) for word in written for f in w.spellings):
            continue
        if w.head and any(f in written for f in w.head) and any(m in written for m in w.modifiers):
            continue
        return False
    return bool(words)


@lru_cache(maxsize=100_000)
def _name_forms(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """(every word, part and stem of the name; the name's words, their heads and their stems)."""
    every: set[str] = set()
    heads: set[str] = set()
    for word in tokens(name):
        parts = split_compound(word)
        for form in (word, *parts):
            every.update((form, stem(form)))
        heads.update((word, stem(word)))
        if parts:
            heads.update((parts[-1], stem(parts[-1])))
    return frozenset(every), frozenset(heads)


def name_is_kind(name: str, words: list[QueryWord]) -> bool:
    """True when the name says the item is what every query word asks for (see the module doc)."""
    every, heads = _name_forms(name or "")
    for w in words:
        if any(f in heads or stem(f) in heads for f in w.spellings):
            continue
        if w.head and any(f in heads for f in w.head) and any(m in every for m in w.modifiers):
            continue
        return False
    return bool(words)


# --- The same tests as indexed terms: computed once per item when its search data is written -------------------
#
# `narrowing_terms(name, description, search_text)` lists, for one item, every form the three tests above look at,
# each with the prefix of the test that reads it; `kind_condition`, `mention_condition` and `head_condition` turn a
# query's words into a condition on those terms (any of some terms, all of, any of), which the engines evaluate
# in their index (search/service/filters.py). `Condition.holds(terms)` is the same condition in Python;
# swedish_text/tests/test_heads.py checks that each agrees with name_is_kind, mentions and has_head.

KIND = "k:"  # a head of the name: each word and its stem, a compound's head and its stem
NAME_PART = "e:"  # every word, compound part and their stems of the name (a compound's modifier is found here)
WRITTEN = "w:"  # every word and compound part of the name and description, as written
STEM = "s:"  # the stems of those words and of their compound heads
LEADS = "l:"  # what a compound of the name or description starts with: "skrivbord" of "skrivbordslampa"
HEAD = "h:"  # every form in search_text (has_head); also what the database backends match a text on
COMMODITY = "u:"  # the item's UNSPSC code: the kind's commodities join the same index expression


@lru_cache(maxsize=100_000)
def _leading_words(word: str) -> tuple[str, ...]:
    """Every `first` that `_leads(word, first)` accepts: the start of `word` before a known word or compound."""
    return tuple(word[:i] for i in range(1, len(word)) if _leads(word, word[:i]))


def narrowing_terms(name: str, description: str, search_text: str, unspsc: str = "") -> list[str]:
    """The item's narrowing terms (see above), without duplicates, in a stable order."""
    every, heads = _name_forms(name or "")
    written, stems = _text_forms(f"{name or ''} {description or ''}")
    leads = {lead for word in written for lead in _leading_words(word)}
    out = [KIND + f for f in sorted(heads)] + [NAME_PART + f for f in sorted(every)]
    out += [WRITTEN + f for f in sorted(written)] + [STEM + f for f in sorted(stems)]
    out += [LEADS + f for f in sorted(leads)]
    out += [HEAD + f for f in sorted(set((search_text or "").split()))]
    code = commodity_code(unspsc)
    if code is not None:
        out.append(COMMODITY + code)
    return out


def commodity_code(unspsc: str | None) -> str | None:
    """The UNSPSC code as its "u:" term holds it, or None when it is not one index token (ASCII letters and
    digits; catalogue migration 0009 tests the same in SQL)."""
    code = (unspsc or "").strip()
    return code if code.isascii() and code.isalnum() else None


@dataclass(frozen=True)
class AnyTerm:
    """True when the item has one of these terms (none: never)."""

    terms: tuple[str, ...]

    def holds(self, item_terms: Collection[str]) -> bool:
        return any(t in item_terms for t in self.terms)


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]

    def holds(self, item_terms: Collection[str]) -> bool:
        return bool(self.parts) and all(p.holds(item_terms) for p in self.parts)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def holds(self, item_terms: Collection[str]) -> bool:
        return any(p.holds(item_terms) for p in self.parts)


Condition = AnyTerm | AllOf | AnyOf


def _terms(prefix: str, forms: Collection[str]) -> AnyTerm:
    return AnyTerm(tuple(dict.fromkeys(prefix + f for f in forms)))


def _per_word(per_word: list[Condition], any_word: bool) -> Condition:
    return AnyOf(tuple(per_word)) if any_word else AllOf(tuple(per_word))


def _spelled(w: QueryWord) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*w.spellings, *(stem(f) for f in w.spellings))))


def kind_condition(words: list[QueryWord], any_word: bool = False) -> Condition:
    """`name_is_kind` on the terms: every word (`any_word`: one word) is a head of the name."""
    per_word: list[Condition] = []
    for w in words:
        options: list[Condition] = [_terms(KIND, _spelled(w))]
        if w.head:
            options.append(AllOf((_terms(KIND, w.head), _terms(NAME_PART, w.modifiers))))
        per_word.append(AnyOf(tuple(options)))
    return _per_word(per_word, any_word)


def mention_condition(words: list[QueryWord], any_word: bool = False) -> Condition:
    """`mentions` of the name and description on the terms."""
    per_word: list[Condition] = []
    for w in words:
        options: list[Condition] = [
            AnyTerm(
                tuple(
                    dict.fromkeys(
                        [WRITTEN + f for f in w.spellings]
                        + [STEM + stem(f) for f in w.spellings]
                        + [LEADS + f for f in w.spellings]
                    )
                )
            )
        ]
        if w.head:
            options.append(AllOf((_terms(WRITTEN, w.head), _terms(WRITTEN, w.modifiers))))
        per_word.append(AnyOf(tuple(options)))
    return _per_word(per_word, any_word)


def head_condition(words: list[QueryWord], any_word: bool = False) -> Condition:
    """`has_head` on the terms: search_text has, for every word, the word, its head or their stems."""
    return _per_word([_terms(HEAD, w.required) for w in words], any_word)


def text_condition(groups: list[list[str]], any_word: bool = False) -> Condition:
    """A text's match on the terms: search_text has a form of every group (`any_word`: of one group). The forms
    are the ones the full-text index is asked for (swedish_text.query_groups), so this selects what that index
    matches in search_text, the field every other text of the item is normalised into."""
    return _per_word([_terms(HEAD, forms) for forms in groups], any_word)


def commodity_condition(codes: Collection[str]) -> AnyTerm:
    """Items whose UNSPSC code is one of `codes` (codes that are not one index token select nothing)."""
    return _terms(COMMODITY, [code for code in map(commodity_code, codes) if code is not None])
