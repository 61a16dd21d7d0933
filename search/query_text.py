"""What a query asks for, turned into a precise match set (called by search/service/__init__.py).

- `shape(q)`: the query's words (swedish_text.heads): a compound requires its head, never its modifier
  alone, so "kontorsstol" cannot match on "kontor". The groups go to every backend alike.
- `narrowing(shaped, visible)`: the engines match words, not kinds of goods: "skrivare" (stem "skriv")
  matches "skrivbord", and "diskmedel" (head "medel") matches "tvättmedel". Items whose name says they are
  what was asked for ("Kontorsstol …", "Diskmedel …") are the kind, and so are items whose name or
  description names the word itself ("Avfallspåsar för papperskorg"). The rest stay only when the catalogue
  classes them as the same goods, the same 8-digit UNSPSC commodity as one of the kind: "Konferensstol"
  stays for "kontorsstol"; "Tvättmedel", "Rullstol", "Kontorsskåp" and "Kontorssax" go. When no name says
  it, items with the word or its head stay, and a modifier alone never does. Names of the kind rank first.
  The answer is a KindOfGoods (search/service/filters.py): conditions on the items' narrowing terms, computed
  when an item is written (swedish_text.heads.narrowing_terms). Each backend looks up the kind's commodities in
  its own match set and applies the resulting MatchSetFilter to the whole match set (its FTS5, GIN or keyword
  index), so totals and facets count what is shown and no row is loaded to judge it.
- `find_by_code(q, visible)`: an article number or GTIN answers with that item, or nothing.
- English (the English page): English terms are read first ("office chair" -> "kontorsstol",
  swedish_text/data/sv_en_terms.csv), and a query that still finds nothing is matched against the English
  UNSPSC category names (search/categories.py): "furniture" gives the furniture families' items.
- The catalogue's own words (search/suggestions.py) are never corrected as typos: "rullator" is no "rullar".
The result's notices are codes (Notice.CODE_FOUND, Notice.CODE_NOT_FOUND); search/views.py words them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from catalogue.models import CatalogueItem
from search import suggestions
from search.categories import is_family, is_segment, names
from search.service.filters import KindOfGoods, MatchSetFilter
from swedish_text import tokens
from swedish_text.heads import QueryWord, head_condition, head_groups, kind_condition, mention_condition, query_words
from swedish_text.terms import singular


@dataclass
class ShapedQuery:
    words: list[QueryWord]
    groups: list[list[str]] = field(default_factory=list)
    english: bool = False


def shape(q: str, versions: Callable[[], list[int]]) -> ShapedQuery:
    """The query's words and groups; `versions` gives the visible versions (for the catalogue's own words)."""
    english = (get_language() or "").startswith("en")
    known = suggestions.vocabulary(versions()).words if tokens(q) else frozenset()
    words = query_words(q, known_words=known, english=english)
    return ShapedQuery(words=words, groups=head_groups(words), english=english)


def english_categories(q: str) -> list[str]:
    """UNSPSC families (else segments) whose English name has every word of the query ("furniture")."""
    wanted = {singular(w) for w in tokens(q)}
    if not wanted:
        return []
    found = [code for code, name in names().items() if wanted <= {singular(w) for w in tokens(name.en)}]
    families = [code for code in found if is_family(code)]
    return families or [code for code in found if is_segment(code)]


def english_filter(q: str) -> MatchSetFilter | None:
    """The visible items in the UNSPSC categories the English query names (see `english_categories`)."""
    codes = english_categories(q)
    if not codes:
        return None
    return MatchSetFilter(prefixes=tuple(code[:4] if is_family(code) else code[:2] for code in codes))


def narrowing(shaped: ShapedQuery, any_word: bool = False) -> KindOfGoods | None:
    """Which of the text's matches are the kind of goods asked for (see the module doc), as conditions on the
    items' narrowing terms (CatalogueItem.narrowing_terms, computed when the item is written): each engine
    evaluates them in its own index over the whole match set, so no item is loaded to judge it.

    `any_word`: the match set is the relaxed query's, so an item is judged by any word.
    """
    if not shaped.words:
        return None
    words = shaped.words
    return KindOfGoods(
        kind=kind_condition(words, any_word),
        mentioned=mention_condition(words, any_word),
        headed=head_condition(words, any_word),
    )


# An article number: one token with a digit, of letters, digits and - . / _ (no spaces); a GTIN: 8-14 digits.
_CODE_RE = re.compile(r"^(?=.*\d)[\w./-]{3,100}$")
_GTIN_RE = re.compile(r"^\d{8,14}$")


def looks_like_code(q: str) -> bool:
    """A query that can only be an article number or GTIN: 8-14 digits, or one token with 3+ digits and a
    letter or separator ("K-1001", "ABC12345"). "A4", "C5", "24/6" or "kuvert c5" are words to search."""
    q = q.strip()
    if _GTIN_RE.match(q):
        return True
    if not _CODE_RE.match(q):
        return False
    digits = sum(ch.isdigit() for ch in q)
    others = any(ch.isalpha() or ch in "-._" for ch in q)
    return digits >= 3 and others and "/" not in q


@dataclass
class CodeLookup:
    code: str
    ids: list[int]


def find_by_code(q: str, visible: QuerySet[CatalogueItem]) -> CodeLookup | None:
    """The visible items whose article number, GTIN or maker's part number is the query, or None when the
    query is no code and matches none (then it is searched as text)."""
    code = q.strip()
    if not code or " " in code or not any(ch.isdigit() for ch in code) or len(code) > 100:
        return None
    exact = Q(seller_item_id__iexact=code) | Q(manufacturer_part_number__iexact=code)
    if code.isdigit() and len(code) <= 14:
        exact |= Q(gtin=code) | Q(gtin=code.zfill(14)) | Q(gtin=code.zfill(13))
    ids = list(visible.filter(exact).order_by("pk").values_list("pk", flat=True)[:100])
    if ids or looks_like_code(code):
        return CodeLookup(code=code, ids=ids)
    return None
