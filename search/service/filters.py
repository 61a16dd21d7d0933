"""The search filters, each defined once: supplier, agreement, UNSPSC category, eco-label and price range.

One `Filter` gives, from the same values:
- `q()`: the Django condition on CatalogueItem (the database backends' page and sorting);
- `clause()`: the OpenSearch query clause on the index's filter fields (post_filter and facet aggregations);
- `matches(row)`: the in-Python test on a `FacetRow` (the database backends count facets from one GROUP BY
  over the match set, each facet with every other filter applied).
`search/tests/test_filters.py` checks that `q()` and `matches()` select the same items.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import BooleanField, Case, CharField, Q, Value, When
from django.db.models.expressions import RawSQL

from catalogue.models import CatalogueItem
from swedish_text.heads import AllOf, AnyOf, AnyTerm, Condition, commodity_code, commodity_condition

# Price ranges in SEK: (key, low inclusive, high exclusive or None).
PRICE_RANGES = (
    ("0-100", Decimal("0"), Decimal("100")),
    ("100-500", Decimal("100"), Decimal("500")),
    ("500-1000", Decimal("500"), Decimal("1000")),
    ("1000-5000", Decimal("1000"), Decimal("5000")),
    ("5000-", Decimal("5000"), None),
)
PRICE_RANGE_KEYS = tuple(key for key, _lo, _hi in PRICE_RANGES)
ECO_LABEL_MAX_CHARS = 60

# The OpenSearch field of each filter (modelsearch names a FilterField "<attribute>_filter").
SUPPLIER_FIELD = "catalogue_supplier_id_filter"
AGREEMENT_FIELD = "catalogue_agreement_id_filter"
UNSPSC_FIELD = "unspsc_filter"
ECO_LABEL_FIELD = "eco_labels_filter"
PRICE_FIELD = "price_filter"
ID_FIELD = "id_filter"


class FacetRow(NamedTuple):
    """What the filters test, per item or per group of items (the database's GROUP BY row)."""

    supplier_id: int
    agreement_id: int
    unspsc: str
    eco_labels: list
    price_range: str | None


# The values() of CatalogueItem that make a FacetRow (price_range is annotated by `price_range_case()`).
FACET_ROW_VALUES = {
    "supplier_id": "version__catalogue__supplier_id",
    "agreement_id": "version__catalogue__agreement_id",
    "unspsc": "unspsc",
    "eco_labels": "eco_labels",
}


def price_range_q(lo: Decimal, hi: Decimal | None) -> Q:
    return Q(price__gte=lo, price__lt=hi) if hi is not None else Q(price__gte=lo)


def price_range_clause(lo: Decimal, hi: Decimal | None) -> dict:
    bounds = {"gte": float(lo)} | ({"lt": float(hi)} if hi is not None else {})
    return {"range": {PRICE_FIELD: bounds}}


def price_range_of(price: Decimal) -> str | None:
    """The key of the range a price falls in (the same bounds as `price_range_q`)."""
    for key, lo, hi in PRICE_RANGES:
        if price >= lo and (hi is None or price < hi):
            return key
    return None


def price_range_case() -> Case:
    """The database expression of `price_range_of`, built from the same `price_range_q` per range."""
    return Case(
        *(When(price_range_q(lo, hi), then=Value(key)) for key, lo, hi in PRICE_RANGES),
        default=Value(None),
        output_field=CharField(),
    )


def category_prefix(code: str) -> str:
    """A segment (XX000000) selects its two digits, a family (XXXX0000) its four, anything else the code."""
    if code.endswith("000000"):
        return code[:2]
    if code.endswith("0000"):
        return code[:4]
    return code


@dataclass(frozen=True)
class Filter:
    """One facet's selected values; `name` is the facet's key in the result and the query string."""

    name: str
    values: tuple

    def q(self) -> Q:
        raise NotImplementedError

    def clause(self) -> dict:
        raise NotImplementedError

    def matches(self, row: FacetRow) -> bool:
        raise NotImplementedError


class SupplierFilter(Filter):
    def q(self) -> Q:
        return Q(version__catalogue__supplier_id__in=self.values)

    def clause(self) -> dict:
        return {"terms": {SUPPLIER_FIELD: list(self.values)}}

    def matches(self, row: FacetRow) -> bool:
        return row.supplier_id in self.values


class AgreementFilter(Filter):
    def q(self) -> Q:
        return Q(version__catalogue__agreement_id__in=self.values)

    def clause(self) -> dict:
        return {"terms": {AGREEMENT_FIELD: list(self.values)}}

    def matches(self, row: FacetRow) -> bool:
        return row.agreement_id in self.values


class CategoryFilter(Filter):
    """UNSPSC codes (8 digits): an item matches when its code starts with one code's prefix."""

    def q(self) -> Q:
        q = Q()
        for code in self.values:
            prefix = category_prefix(code)
            q |= Q(unspsc=code) if prefix == code else Q(unspsc__startswith=prefix)
        return q

    def clause(self) -> dict:
        clauses = []
        for code in self.values:
            prefix = category_prefix(code)
            clauses.append({"term": {UNSPSC_FIELD: code}} if prefix == code else {"prefix": {UNSPSC_FIELD: prefix}})
        return {"bool": {"should": clauses, "minimum_should_match": 1}}

    def matches(self, row: FacetRow) -> bool:
        unspsc = row.unspsc or ""
        return any(
            unspsc == code if category_prefix(code) == code else unspsc.startswith(category_prefix(code))
            for code in self.values
        )


class EcoLabelFilter(Filter):
    """Items carrying one of the labels, compared exactly (the facet offers the labels as stored)."""

    def q(self) -> Q:
        if connection.vendor == "postgresql":
            q = Q()
            for label in self.values:
                q |= Q(eco_labels__contains=[label])  # jsonb @>: an element equal to label
            return q
        # SQLite has no JSON containment lookup in Django: test each element of the stored list.
        table = CatalogueItem._meta.db_table
        placeholders = ", ".join(["%s"] * len(self.values))
        return Q(
            RawSQL(  # noqa: S611 - the labels are parameters
                f'EXISTS (SELECT 1 FROM json_each("{table}"."eco_labels") AS label '  # noqa: S608
                f"WHERE label.type = 'text' AND label.value IN ({placeholders}))",
                list(self.values),
                output_field=BooleanField(),
            )
        )

    def clause(self) -> dict:
        return {"terms": {ECO_LABEL_FIELD: list(self.values)}}

    def matches(self, row: FacetRow) -> bool:
        labels = row.eco_labels if isinstance(row.eco_labels, list) else []
        return any(isinstance(label, str) and label in self.values for label in labels)


class PriceFilter(Filter):
    """Price range keys of PRICE_RANGES; an item matches when its price is in one of the ranges."""

    def _ranges(self):
        return [(lo, hi) for key, lo, hi in PRICE_RANGES if key in self.values]

    def q(self) -> Q:
        q = Q()
        for lo, hi in self._ranges():
            q |= price_range_q(lo, hi)
        return q

    def clause(self) -> dict:
        return {
            "bool": {"should": [price_range_clause(lo, hi) for lo, hi in self._ranges()], "minimum_should_match": 1}
        }

    def matches(self, row: FacetRow) -> bool:
        return row.price_range in self.values


# OpenSearch refuses a terms query with more values than index.max_terms_count (65,536 by default): longer
# lists are sent as several terms queries, any of which may match.
MAX_TERMS = 65_536
# The items' narrowing terms (CatalogueItem.narrowing_terms): OpenSearch's keyword field, SQLite's FTS5 table
# and PostgreSQL's GIN expression (catalogue migration 0008).
TERMS_FIELD = "narrowing_term_list_filter"
TERMS_FTS_TABLE = "catalogue_item_narrowing"
TERMS_ARRAY = "string_to_array(narrowing_terms, ' ')"


def any_of_terms(field: str, values: Sequence) -> dict:
    """A clause true for a document whose `field` has one of `values`, in terms queries of at most MAX_TERMS."""
    values = list(values)
    chunks = [{"terms": {field: values[i : i + MAX_TERMS]}} for i in range(0, len(values), MAX_TERMS)]
    if len(chunks) == 1:
        return chunks[0]
    return {"bool": {"should": chunks, "minimum_should_match": 1}} if chunks else {"match_none": {}}


def _simplified(condition: Condition) -> Condition | None:
    """The condition without parts that can never hold (an empty AnyTerm); None when it never holds."""
    if isinstance(condition, AnyTerm):
        return condition if condition.terms else None
    parts = [_simplified(p) for p in condition.parts]
    if isinstance(condition, AllOf):
        return None if not parts or None in parts else AllOf(tuple(p for p in parts if p is not None))
    kept = tuple(p for p in parts if p is not None)
    return AnyOf(kept) if kept else None


def condition_clause(condition: Condition) -> dict:
    """The OpenSearch clause of a narrowing condition (on TERMS_FIELD)."""
    simple = _simplified(condition)
    return {"match_none": {}} if simple is None else _clause(simple)


def _clause(condition: Condition) -> dict:
    if isinstance(condition, AnyTerm):
        return any_of_terms(TERMS_FIELD, condition.terms)
    parts = [_clause(p) for p in condition.parts]
    if isinstance(condition, AllOf):
        return {"bool": {"filter": parts}}
    return {"bool": {"should": parts, "minimum_should_match": 1}}


def condition_q(condition: Condition) -> Q:
    """The Django condition of a narrowing condition: the ids the database's index of the terms gives."""
    simple = _simplified(condition)
    if simple is None:
        return Q(pk__in=[])
    table = CatalogueItem._meta.db_table
    if connection.vendor == "postgresql":
        where, params = _postgres(simple)
        # ARRAY(...) makes the ids an InitPlan, found once through the GIN index: as a plain IN (SELECT ...)
        # the planner misjudged the terms' selectivity and probed every visible item (2.4 s at 500k items).
        sql = f"SELECT unnest(ARRAY(SELECT id FROM {table} WHERE {where}))"  # noqa: S608 - the terms are parameters
    else:
        sql = f"SELECT rowid FROM {TERMS_FTS_TABLE} WHERE {TERMS_FTS_TABLE} MATCH %s"  # noqa: S608
        params = [_fts5(simple)]
    return Q(pk__in=RawSQL(sql, params))  # noqa: S611 - parameters only; the SQL is the hub's own


def _fts5(condition: Condition) -> str:
    """An FTS5 query: each term a quoted token (terms are letters, digits and one ':')."""
    if isinstance(condition, AnyTerm):
        return "(" + " OR ".join('"' + term.replace('"', "") + '"' for term in condition.terms) + ")"
    joiner = " AND " if isinstance(condition, AllOf) else " OR "
    return "(" + joiner.join(_fts5(p) for p in condition.parts) + ")"


def _postgres(condition: Condition) -> tuple[str, list]:
    if isinstance(condition, AnyTerm):
        return f"{TERMS_ARRAY} && %s::text[]", [list(condition.terms)]
    parts = [_postgres(p) for p in condition.parts]
    joiner = " AND " if isinstance(condition, AllOf) else " OR "
    return "(" + joiner.join(sql for sql, _ in parts) + ")", [param for _, params in parts for param in params]


@dataclass(frozen=True)
class MatchSetFilter:
    """Which of the text's matches are the goods asked for (search.query_text.narrowing), or what an article
    number or an English category name selects: items by id, by 8-digit UNSPSC commodity, by UNSPSC prefix, or
    by a condition on their narrowing terms (swedish_text.heads).

    Not a facet: it narrows the match set itself, before the total, the facets and the sorting, so they count
    exactly the items the pages show. Items satisfying `boost` (the names of the kind) rank first.
    """

    ids: tuple[int, ...] = ()
    commodities: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    terms: Condition | None = None
    boost: Condition | None = None

    # A boosted item's relevance score is multiplied by this.
    BOOST = 2.0

    def q(self) -> Q:
        q = Q(pk__in=[])  # nothing, unless one of the parts selects something
        if self.ids:
            q |= Q(pk__in=self.ids)
        if self.commodities:
            q |= Q(unspsc__in=self.commodities)
        for prefix in self.prefixes:
            q |= Q(unspsc__startswith=prefix)
        if self.terms is not None:
            q |= condition_q(self.terms)
        return q

    def within(self, text: Condition) -> Q:
        """The items that match `text` (a condition on the terms) and this filter. A filter of terms and
        commodities alone joins the text in one expression on the terms' index (the commodities as "u:" terms),
        so the database reads the narrowed match set, never the text's whole match set first."""
        if self.ids or self.prefixes:
            return condition_q(text) & self.q()
        parts: list[Condition] = [commodity_condition(self.commodities)] if self.commodities else []
        if self.terms is not None:
            parts.append(self.terms)
        return condition_q(AllOf((text, AnyOf(tuple(parts)))))

    def clause(self) -> dict:
        clauses = []
        if self.ids:
            clauses.append(any_of_terms(ID_FIELD, self.ids))
        if self.commodities:
            clauses.append(any_of_terms(UNSPSC_FIELD, self.commodities))
        clauses += [{"prefix": {UNSPSC_FIELD: prefix}} for prefix in self.prefixes]
        if self.terms is not None:
            clauses.append(condition_clause(self.terms))
        return {"bool": {"should": clauses, "minimum_should_match": 1}} if clauses else {"match_none": {}}

    def matches(self, pk: int, unspsc: str, terms: Collection[str] = ()) -> bool:
        """The same test in Python; `terms`: the item's narrowing terms."""
        unspsc = unspsc or ""
        return (
            pk in self.ids
            or unspsc in self.commodities
            or any(unspsc.startswith(p) for p in self.prefixes)
            or (self.terms is not None and self.terms.holds(terms))
        )


@dataclass(frozen=True)
class KindOfGoods:
    """What search.query_text.narrowing asks of a text's matches, as conditions on the narrowing terms: names of
    the kind, texts that name the words, and items with more than a modifier of each word. Which commodities the
    kind has depends on the engine's match set: each engine looks them up in its index and calls `resolved`."""

    kind: Condition
    mentioned: Condition
    headed: Condition

    def resolved(self, commodities: Collection[str] | None) -> MatchSetFilter:
        """`commodities`: the UNSPSC codes of the matches of the kind; None when no match is of the kind."""
        if commodities is None:
            # No name says it: whatever has the word or its head, never a modifier alone.
            return MatchSetFilter(terms=AnyOf((self.mentioned, self.headed)))
        # The kind, what names the word itself, and what the catalogue classes as the same goods as the kind.
        # As the "u:" terms hold them (UNSPSC is 8 digits), so Python's `matches` and the index agree.
        codes = tuple(sorted({code for code in map(commodity_code, commodities) if code is not None}))
        return MatchSetFilter(terms=AnyOf((self.kind, self.mentioned)), commodities=codes, boost=self.kind)


class Narrowing:
    """What search.query_text makes of the query, for the engines: `of_text(any_word)` is what the text's match
    set is narrowed to (strict, or relaxed to any word), computed once each; `browse` limits a search without
    text (an article number's items); `unmatched` is searched when the text matched nothing (English category
    names)."""

    def __init__(
        self,
        of_text: Callable[[bool], KindOfGoods | None] | None = None,
        browse: MatchSetFilter | None = None,
        unmatched: MatchSetFilter | None = None,
    ):
        self._of_text = of_text
        self._computed: dict[bool, KindOfGoods | None] = {}
        self.browse = browse
        self.unmatched = unmatched

    def of_text(self, any_word: bool) -> KindOfGoods | None:
        if self._of_text is None:
            return None
        if any_word not in self._computed:
            self._computed[any_word] = self._of_text(any_word)
        return self._computed[any_word]


FACET_NAMES = ("supplier", "agreement", "category", "eco_label", "price")


def selected_filters(
    suppliers: list[int], agreements: list[int], categories: list[str], eco_labels: list[str], price_keys: list[str]
) -> dict[str, Filter]:
    """The filters with at least one (already checked) value, by facet name."""
    chosen = {
        "supplier": SupplierFilter("supplier", tuple(suppliers)),
        "agreement": AgreementFilter("agreement", tuple(agreements)),
        "category": CategoryFilter("category", tuple(categories)),
        "eco_label": EcoLabelFilter("eco_label", tuple(label[:ECO_LABEL_MAX_CHARS] for label in eco_labels)),
        "price": PriceFilter("price", tuple(key for key in price_keys if key in PRICE_RANGE_KEYS)),
    }
    return {name: f for name, f in chosen.items() if f.values}


def item_row(item: CatalogueItem) -> FacetRow:
    """The FacetRow of one item (tests: the brute-force count)."""
    return FacetRow(
        item.version.catalogue.supplier_id,
        item.version.catalogue.agreement_id,
        item.unspsc,
        item.eco_labels,
        price_range_of(item.price),
    )
