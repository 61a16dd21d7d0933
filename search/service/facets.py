"""Facets and filters: supplier, agreement, UNSPSC segment and family, eco-label and price range.

Counted in the database (`facets`, GROUP BY queries) or over already loaded rows (`facets_from_rows`),
each facet value counted with every other facet's filter applied, not its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from search.categories import category_label
from search.service.query import FacetValue, SearchQuery

# Price ranges in SEK: (key, low inclusive, high exclusive or None).
PRICE_RANGES = (
    ("0-100", Decimal("0"), Decimal("100")),
    ("100-500", Decimal("100"), Decimal("500")),
    ("500-1000", Decimal("500"), Decimal("1000")),
    ("1000-5000", Decimal("1000"), Decimal("5000")),
    ("5000-", Decimal("5000"), None),
)


def _category_q(codes: list[str]) -> Q:
    q = Q()
    for code in codes:
        if code.endswith("000000"):
            q |= Q(unspsc__startswith=code[:2])
        elif code.endswith("0000"):
            q |= Q(unspsc__startswith=code[:4])
        else:
            q |= Q(unspsc=code)
    return q


def _price_q(keys: list[str], messages: list[str]) -> Q | None:
    ranges = {k: (lo, hi) for k, lo, hi in PRICE_RANGES}
    q = Q()
    used = False
    for key in keys:
        if key not in ranges:
            messages.append(_("Okänt prisintervall ignorerades: %(v)s") % {"v": key[:40]})
            continue
        lo, hi = ranges[key]
        q |= Q(price__gte=lo, price__lt=hi) if hi is not None else Q(price__gte=lo)
        used = True
    return q if used else None


def _eco_q(labels: list[str]) -> Q | None:
    if not labels:
        return None
    q = Q()
    for label in labels:
        label = label[:60]
        # The labels are a JSON list, matched as a quoted string. PostgreSQL's jsonb prints "Bra Miljöval"
        # as it is; SQLite keeps Django's JSON text, where it is "Bra Milj\u00f6val".
        for quoted in {f'"{label}"', json.dumps(label)}:
            q |= Q(eco_labels__icontains=quoted)
    return q


def _named_facet(counts: dict[tuple[int, str], int], selected: list[str]) -> list[FacetValue]:
    """Supplier or agreement values from {(id, name): count}, most items first."""
    return [
        FacetValue(str(pk), name, n, str(pk) in selected)
        for (pk, name), n in sorted(counts.items(), key=lambda x: (-x[1], x[0][1]))
    ]


def _category_facet(code_counts: Iterable[tuple[str, int]], selected: list[str]) -> list[FacetValue]:
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


def _eco_facet(label_counts: Iterable[tuple[object, int]], selected: list[str]) -> list[FacetValue]:
    """Eco-label values from (label list, count) pairs, most items first."""
    eco: dict[str, int] = {}
    for labels, n in label_counts:
        for label in labels if isinstance(labels, list) else []:
            eco[str(label)] = eco.get(str(label), 0) + n
    return [
        FacetValue(label, label, n, label in selected) for label, n in sorted(eco.items(), key=lambda x: (-x[1], x[0]))
    ]


def _price_facet(counts: dict[str, int], selected: list[str]) -> list[FacetValue]:
    """The fixed price ranges with their counts ({range key: count})."""
    return [FacetValue(key, _price_label(lo, hi), counts[key], key in selected) for key, lo, hi in PRICE_RANGES]


def _facets(base: QuerySet, filters: dict[str, Q | None], query: SearchQuery) -> dict[str, list[FacetValue]]:
    """Counts per facet value, each counted with every other facet's filter applied (not its own)."""

    def without(name: str) -> QuerySet:
        qs = base
        for key, q in filters.items():
            if key != name and q is not None:
                qs = qs.filter(q)
        return qs

    facets: dict[str, list[FacetValue]] = {}
    for name, pk_field, name_field, selected in (
        ("supplier", "version__catalogue__supplier_id", "version__catalogue__supplier__name", query.suppliers),
        ("agreement", "version__catalogue__agreement_id", "version__catalogue__agreement__title", query.agreements),
    ):
        rows = without(name).values(pk_field, name_field).annotate(n=Count("pk")).order_by()
        facets[name] = _named_facet({(r[pk_field], r[name_field]): r["n"] for r in rows}, selected)
    rows = without("category").values("unspsc").annotate(n=Count("pk")).order_by()
    facets["category"] = _category_facet(((r["unspsc"], r["n"]) for r in rows), query.categories)
    # Group by the whole label list (few distinct combinations); _eco_facet splits the lists.
    rows = without("eco_label").exclude(eco_labels=[]).values("eco_labels").annotate(n=Count("pk")).order_by()
    facets["eco_label"] = _eco_facet(((r["eco_labels"], r["n"]) for r in rows), query.eco_labels)
    aggregates = {}
    for key, lo, hi in PRICE_RANGES:
        cond = Q(price__gte=lo, price__lt=hi) if hi is not None else Q(price__gte=lo)
        aggregates[key.replace("-", "_") or "x"] = Count("pk", filter=cond)
    counts = without("price").aggregate(**aggregates)
    facets["price"] = _price_facet(
        {key: counts[key.replace("-", "_") or "x"] for key, _lo, _hi in PRICE_RANGES}, query.price_ranges
    )
    return facets


def _match_rows(base: QuerySet) -> list:
    """What filters, facets and sorting need of each matched item, in one query."""
    return list(
        base.values_list(
            "pk",
            "name",
            "price",
            "base_quantity",
            "unspsc",
            "eco_labels",
            "version__catalogue__supplier_id",
            "version__catalogue__supplier__name",
            "version__catalogue__agreement_id",
            "version__catalogue__agreement__title",
            "version__catalogue__agreement__preferred_rank",
            named=True,
        )
    )


def _in_category(code: str, unspsc: str) -> bool:
    unspsc = (unspsc or "").strip()
    if code.endswith("000000"):
        return unspsc.startswith(code[:2])
    if code.endswith("0000"):
        return unspsc.startswith(code[:4])
    return unspsc == code


def _row_predicates(
    suppliers: list[int], agreements: list[int], categories: list[str], eco_labels: list[str], price_keys: list[str]
) -> dict:
    """The same filters as the Q objects in `search`, as tests on the rows of `_match_rows`."""
    predicates = {}
    if suppliers:
        wanted_suppliers = set(suppliers)
        predicates["supplier"] = lambda r: r.version__catalogue__supplier_id in wanted_suppliers
    if agreements:
        wanted_agreements = set(agreements)
        predicates["agreement"] = lambda r: r.version__catalogue__agreement_id in wanted_agreements
    if categories:
        predicates["category"] = lambda r: any(_in_category(code, r.unspsc) for code in categories)
    if eco_labels:
        wanted_labels = {label[:60].casefold() for label in eco_labels}
        predicates["eco_label"] = lambda r: any(
            str(label).casefold() in wanted_labels for label in (r.eco_labels if isinstance(r.eco_labels, list) else [])
        )
    ranges = [(lo, hi) for key, lo, hi in PRICE_RANGES if key in price_keys]
    if ranges:
        predicates["price"] = lambda r: any(r.price >= lo and (hi is None or r.price < hi) for lo, hi in ranges)
    return predicates


def _facets_from_rows(rows: list, predicates: dict, query: SearchQuery) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the matched rows, each with every other facet's filter applied."""

    def without(name: str) -> list:
        tests = [test for key, test in predicates.items() if key != name]
        return [r for r in rows if all(test(r) for test in tests)]

    def counted(values) -> dict:
        counts: dict = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        return counts

    facets: dict[str, list[FacetValue]] = {}
    facets["supplier"] = _named_facet(
        counted((r.version__catalogue__supplier_id, r.version__catalogue__supplier__name) for r in without("supplier")),
        query.suppliers,
    )
    facets["agreement"] = _named_facet(
        counted(
            (r.version__catalogue__agreement_id, r.version__catalogue__agreement__title) for r in without("agreement")
        ),
        query.agreements,
    )
    facets["category"] = _category_facet(counted(r.unspsc for r in without("category")).items(), query.categories)
    facets["eco_label"] = _eco_facet(((r.eco_labels, 1) for r in without("eco_label")), query.eco_labels)
    priced = without("price")
    facets["price"] = _price_facet(
        {key: sum(1 for r in priced if r.price >= lo and (hi is None or r.price < hi)) for key, lo, hi in PRICE_RANGES},
        query.price_ranges,
    )
    return facets


def _sorted_rows(rows: list, sort: str, scores: dict[int, float]) -> list:
    if sort == "relevance":
        # Relevance boosted by the agreement's preferred rank: rank 1 keeps its score, rank 2 gets 80 %, ...
        def key(r):
            rank = r.version__catalogue__agreement__preferred_rank or 1
            return (-scores.get(r.pk, 0.0) / (1 + 0.25 * max(0, rank - 1)), r.name, r.pk)

        return sorted(rows, key=key)
    if sort == "price":
        return sorted(rows, key=lambda r: (r.price, r.name, r.pk))
    if sort == "-price":
        # Descending price, then ascending name and id (as the database orders it).
        by_name = sorted(rows, key=lambda r: (r.name, r.pk))
        return sorted(by_name, key=lambda r: r.price, reverse=True)
    return sorted(rows, key=lambda r: (r.price / (r.base_quantity or 1), r.name, r.pk))


def _price_label(lo: Decimal, hi: Decimal | None) -> str:
    if hi is None:
        return _("minst %(lo)s kr") % {"lo": f"{lo:,.0f}".replace(",", "\u00a0")}
    return _("%(lo)s–%(hi)s kr") % {
        "lo": f"{lo:,.0f}".replace(",", "\u00a0"),
        "hi": f"{hi:,.0f}".replace(",", "\u00a0"),
    }
