"""Facets: supplier, agreement, UNSPSC segment and family, eco-label and price range, with exact counts.

Each facet value is counted over the whole match set with every other facet's filter applied, not its own
(as faceted search usually does: choosing a supplier still shows the other suppliers' counts).
The counts come as `FacetCounts` from the engine: one GROUP BY over the match set on the database backends
(`database_counts`), aggregations on OpenSearch (search.service.opensearch); `facet_values` words them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext as _

from catalogue.models import Agreement
from hub.organisations.models import Supplier
from search.categories import category_label
from search.service.filters import (
    FACET_NAMES,
    FACET_ROW_VALUES,
    PRICE_RANGES,
    FacetRow,
    Filter,
    price_range_case,
)
from search.service.query import FacetValue, SearchQuery


@dataclass
class FacetCounts:
    """The total and each facet's {value: count}; `exact` is False when the engine could not count them all."""

    total: int = 0
    # The match set before the user's filters (to decide whether a text query must be relaxed).
    matched: int = 0
    values: dict[str, dict] = field(default_factory=lambda: {name: {} for name in FACET_NAMES})
    exact: bool = True


def group_query(base: QuerySet) -> QuerySet:
    """The match set grouped by everything a filter or facet looks at: one GROUP BY query, few rows."""
    return (
        base.annotate(price_range=price_range_case())
        .values(
            "price_range",
            *(v for k, v in FACET_ROW_VALUES.items() if k == v),
            **{k: F(v) for k, v in FACET_ROW_VALUES.items() if k != v},
        )
        .annotate(n=Count("pk"))
        .order_by()
    )


def group_rows(base: QuerySet) -> list[tuple[FacetRow, int]]:
    return [
        (FacetRow(r["supplier_id"], r["agreement_id"], r["unspsc"], r["eco_labels"], r["price_range"]), r["n"])
        for r in group_query(base)
    ]


def counts_from_rows(rows: list[tuple[FacetRow, int]], filters: dict[str, Filter]) -> FacetCounts:
    """Total and facet counts from grouped rows, applying each filter's in-Python test (`Filter.matches`)."""
    counts = FacetCounts()
    for row, n in rows:
        counts.matched += n
        failed = [name for name, f in filters.items() if not f.matches(row)]
        if not failed:
            counts.total += n
        for name in FACET_NAMES:
            # A facet counts the rows that pass every other facet's filter.
            if failed and failed != [name]:
                continue
            for value in _facet_keys(name, row):
                counts.values[name][value] = counts.values[name].get(value, 0) + n
    return counts


def _facet_keys(name: str, row: FacetRow) -> list:
    if name == "supplier":
        return [row.supplier_id]
    if name == "agreement":
        return [row.agreement_id]
    if name == "category":
        return [row.unspsc] if row.unspsc else []
    if name == "eco_label":
        labels = row.eco_labels if isinstance(row.eco_labels, list) else []
        return list(dict.fromkeys(label for label in labels if isinstance(label, str)))
    return [row.price_range] if row.price_range is not None else []


def database_counts(base: QuerySet, filters: dict[str, Filter]) -> FacetCounts:
    return counts_from_rows(group_rows(base), filters)


def facet_values(counts: FacetCounts, query: SearchQuery) -> dict[str, list[FacetValue]]:
    """The facets as the page and the API show them, values named and ordered."""
    values = counts.values
    supplier_names = dict(Supplier.objects.filter(pk__in=list(values["supplier"])).values_list("pk", "name"))
    agreement_titles = dict(Agreement.objects.filter(pk__in=list(values["agreement"])).values_list("pk", "title"))
    return {
        "supplier": _named_facet(
            {(pk, supplier_names.get(pk, "")): n for pk, n in values["supplier"].items()}, query.suppliers
        ),
        "agreement": _named_facet(
            {(pk, agreement_titles.get(pk, "")): n for pk, n in values["agreement"].items()}, query.agreements
        ),
        "category": _category_facet(values["category"].items(), query.categories),
        "eco_label": [
            FacetValue(label, label, n, label in query.eco_labels)
            for label, n in sorted(values["eco_label"].items(), key=lambda x: (-x[1], x[0]))
        ],
        "price": [
            FacetValue(key, _price_label(lo, hi), values["price"].get(key, 0), key in query.price_ranges)
            for key, lo, hi in PRICE_RANGES
        ],
    }


def _named_facet(counts: dict[tuple[int, str], int], selected: list[str]) -> list[FacetValue]:
    """Supplier or agreement values from {(id, name): count}, most items first."""
    return [
        FacetValue(str(pk), name, n, str(pk) in selected)
        for (pk, name), n in sorted(counts.items(), key=lambda x: (-x[1], x[0][1]))
    ]


def _category_facet(code_counts, selected: list[str]) -> list[FacetValue]:
    """UNSPSC codes with their counts, rolled up to segments, then families; malformed codes left out."""
    segments: dict[str, int] = {}
    families: dict[str, int] = {}
    for code, n in code_counts:
        code = (code or "").strip()
        if len(code) != 8 or not code.isdigit():
            continue
        segments[code[:2] + "000000"] = segments.get(code[:2] + "000000", 0) + n
        families[code[:4] + "0000"] = families.get(code[:4] + "0000", 0) + n
    return [
        FacetValue(code, category_label(code), n, code in selected)
        for rolled_up in (segments, families)
        for code, n in sorted(rolled_up.items())
    ]


def _price_label(lo: Decimal, hi: Decimal | None) -> str:
    if hi is None:
        return _("minst %(lo)s kr") % {"lo": f"{lo:,.0f}".replace(",", "\u00a0")}
    return _("%(lo)s–%(hi)s kr") % {
        "lo": f"{lo:,.0f}".replace(",", "\u00a0"),
        "hi": f"{hi:,.0f}".replace(",", "\u00a0"),
    }
