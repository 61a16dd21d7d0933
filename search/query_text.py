"""What a query asks for, turned into a precise match set (called by search/service.py).

- `shape(q)`: the query's words (swedish_text.heads): a compound requires its head, never its modifier
  alone, so "kontorsstol" cannot match on "kontor". The groups go to every backend alike.
- `narrow(matches, shaped)`: the engines match words, not kinds of goods: "skrivare" (stem "skriv")
  matches "skrivbord", and "diskmedel" (head "medel") matches "tvättmedel". Items whose name says they are
  what was asked for ("Kontorsstol …", "Diskmedel …") are the kind, and so are items whose name or
  description names the word itself ("Avfallspåsar för papperskorg"). The rest stay only when the catalogue
  classes them as the same goods, the same 8-digit UNSPSC commodity as one of the kind: "Konferensstol"
  stays for "kontorsstol"; "Tvättmedel", "Rullstol", "Kontorsskåp" and "Kontorssax" go. When no name says
  it, items with the word or its head stay, and a modifier alone never does. Names of the kind rank first.
- `find_by_code(q, visible)`: an article number or GTIN answers with that item, or nothing.
- English (the English page): English terms are read first ("office chair" -> "kontorsstol",
  swedish_text/data/sv_en_terms.csv), and a query that still finds nothing is matched against the English
  UNSPSC category names (search/categories.py): "furniture" gives the furniture families' items.
- The catalogue's own words (search/suggestions.py) are never corrected as typos: "rullator" is no "rullar".
The result's notices are codes (NOTICE_*); `notice_text` words them in the page's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalogue.models import CatalogueItem
from search import suggestions
from search.categories import is_family, is_segment, names
from swedish_text import tokens
from swedish_text.heads import QueryWord, has_head, head_groups, mentions, name_is_kind, query_words
from swedish_text.terms import singular

# A name of the kind asked for ranks above a match of the same commodity by this factor.
KIND_BOOST = 2.0

NOTICE_CODE_NOT_FOUND = "code_not_found"
NOTICE_CODE_FOUND = "code_found"


def notice_text(notice: str, params: dict | None = None) -> str:
    """A notice code with its parameters in the active language (Swedish msgids, English in locale/en)."""
    texts = {
        NOTICE_CODE_NOT_FOUND: _(
            "Inget artikelnummer eller GTIN %(code)s finns bland de artiklar du kan köpa; kontrollera numret "
            "eller sök på benämningen"
        ),
        NOTICE_CODE_FOUND: _("Visar artikeln med artikelnummer eller GTIN %(code)s"),
    }
    return texts[notice] % params if params else texts[notice]


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


def category_matches(q: str, visible: QuerySet[CatalogueItem], limit: int) -> list[tuple[int, float]]:
    """The visible items in the UNSPSC categories the English query names (see `english_categories`)."""
    codes = english_categories(q)
    if not codes:
        return []
    in_codes = Q()
    for code in codes:
        in_codes |= Q(unspsc__startswith=code[:4] if is_family(code) else code[:2])
    ids = visible.filter(in_codes).order_by("pk").values_list("pk", flat=True)[:limit]
    return [(pk, 1.0) for pk in ids]


def narrow(matches: list[tuple[int, float]], shaped: ShapedQuery, any_word: bool = False) -> list[tuple[int, float]]:
    """The matches that are the kind of goods asked for (see the module doc), best first.

    `any_word`: the matches are of the relaxed query (any word), so an item is judged by any one word.
    """
    if not matches or not shaped.words:
        return matches
    word_sets = [[w] for w in shaped.words] if any_word else [shaped.words]

    def by_any(test, value) -> bool:
        return any(test(value, words) for words in word_sets)

    rows = CatalogueItem.objects.filter(pk__in=[pk for pk, _score in matches]).values_list(
        "pk", "name", "description", "unspsc", "search_text"
    )
    kind: set[int] = set()
    mentioned: set[int] = set()
    headed: set[int] = set()
    commodity: dict[int, str] = {}
    for pk, name, description, unspsc, search_text in rows:
        commodity[pk] = (unspsc or "").strip()
        if by_any(name_is_kind, name):
            kind.add(pk)
        elif by_any(mentions, f"{name} {description}"):
            mentioned.add(pk)
        elif by_any(has_head, set((search_text or "").split())):
            headed.add(pk)
    if kind:
        commodities = {commodity[pk] for pk in kind if commodity[pk]}

        def wanted(pk: int) -> bool:
            return pk in kind or pk in mentioned or commodity.get(pk) in commodities

    else:
        # No name says it: whatever has the word or its head, never a modifier alone.
        def wanted(pk: int) -> bool:
            return pk in mentioned or pk in headed

    kept = [(pk, score * KIND_BOOST if pk in kind else score) for pk, score in matches if wanted(pk)]
    return sorted(kept, key=lambda row: (-row[1], row[0]))


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
