"""The search query and its results: what `search()` takes and gives back, and its limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogue.models import CatalogueItem

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
# The text match is capped: facets and sorting then work on the best matches.
MAX_MATCHES = 2_000
SORTS = ("relevance", "price", "-price", "unit_price")
# The largest row id a database stores: a larger filter value is unknown, not an overflow (500).
MAX_ROW_ID = 2**63 - 1


@dataclass
class SearchQuery:
    q: str = ""
    suppliers: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    eco_labels: list[str] = field(default_factory=list)
    price_ranges: list[str] = field(default_factory=list)
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    log: bool = True


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Notice:
    """Something the searcher should know, as a code; the views word it in the page's language."""

    QUERY_SHORTENED = "query_shortened"  # params: n (characters kept)
    UNKNOWN_SORT = "unknown_sort"
    UNKNOWN_FILTER = "unknown_filter"  # params: v
    UNKNOWN_CATEGORY = "unknown_category"  # params: v
    UNKNOWN_PRICE_RANGE = "unknown_price_range"  # params: v
    NO_SEARCHABLE_WORDS = "no_searchable_words"
    FALLBACK_DOWN = "fallback_down"  # OpenSearch did not answer; the database did
    FALLBACK_INDEX = "fallback_index"  # OpenSearch's index is missing or wrong; the database answered
    RELAXED = "relaxed"  # no item had every word; items with any of them are shown
    NO_SUCH_PAGE = "no_such_page"  # params: page, last
    MORE_THAN = "more_than"  # the count was stopped; params: n (the total is a floor)
    CODE_FOUND = "code_found"  # the query was read as an article number or GTIN and found; params: number
    CODE_NOT_FOUND = "code_not_found"  # read as an article number or GTIN, not found; params: number

    code: str
    params: dict = field(default_factory=dict)


@dataclass
class SearchResult:
    query: SearchQuery
    items: list[CatalogueItem]
    total: int
    page: int
    page_size: int
    num_pages: int
    facets: dict[str, list[FacetValue]]
    backend: str
    fallback: bool = False
    relaxed: bool = False
    notices: list[Notice] = field(default_factory=list)
    duration_ms: int = 0
    # False when the engine could not count everything in time: `total` is then a floor ("more than").
    total_exact: bool = True
    # "Did you mean": a query from the catalogue's own words that finds something (only when nothing was found).
    suggestion: str = ""


@dataclass
class Suggestion:
    id: int
    name: str
    supplier: str
    # (agreement reference, supplier orgnr, seller item id): the product page's lasting address.
    key: tuple[str, str, str] = ("", "", "")
