"""The one search service: the HTML page, the JSON API and the punchout shop all call `search()`.

How a query runs:
1. Who may see what: the signed-in user's organisation's buyable items (agreements valid
   today that it is entitled to); anonymous visitors see agreements open to all while the
   public catalogue is on (see `visible_items`).
2. The text is normalised by swedish_text into groups of alternatives (AND across the
   user's words, OR across each word's compound parts and stems) and sent to the
   configured modelsearch backend, restricted to the visible catalogue versions. If every
   word must match and nothing does, the query is relaxed to any word.
3. The matching ids are filtered, faceted and sorted in the database, so facets and
   filters work the same on every backend. Relevance is boosted by the agreement's
   preferred rank (1 = first choice).
When OpenSearch fails, the database backend answers and the result says so.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from modelsearch.backends import get_search_backend
from modelsearch.query import And, Or, PlainText

import swedish_text as text
from catalogue.models import Agreement, CatalogueItem, CatalogueVersion
from hub.db import is_lock_timeout, lock_wait_at_most
from hub.organisations.models import BuyerOrganisation, Supplier
from hub.organisations.roles import organisation_for
from search import dbsearch, query_text, suggestions
from search.addresses import item_key
from search.categories import category_label
from search.models import SearchLog

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
# The text match is capped: facets and sorting then work on the best matches.
MAX_MATCHES = 2_000
# Autocomplete looks at this many candidate rows (one per distinct name on the database backends).
AUTOCOMPLETE_CANDIDATES = 200
SORTS = ("relevance", "price", "-price", "unit_price")
# Price ranges in SEK: (key, low inclusive, high exclusive or None).
PRICE_RANGES = (
    ("0-100", Decimal("0"), Decimal("100")),
    ("100-500", Decimal("100"), Decimal("500")),
    ("500-1000", Decimal("500"), Decimal("1000")),
    ("1000-5000", Decimal("1000"), Decimal("5000")),
    ("5000-", Decimal("5000"), None),
)
# After OpenSearch fails, skip it for this many seconds instead of waiting on each request.
BACKEND_RETRY_SECONDS = 30
_backend_down_until: dict[str, float] = {}
# Why each backend last failed: "index" (its index is missing or wrong) or "down" (no answer).
_backend_down_reason: dict[str, str] = {}


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
    messages: list[str] = field(default_factory=list)
    duration_ms: int = 0
    # precision (issue 10): notice codes (search.query_text.NOTICE_*, worded by the views) and "did you mean".
    notices: list[tuple[str, dict]] = field(default_factory=list)
    suggestion: str = ""


@dataclass
class Suggestion:
    id: int
    name: str
    supplier: str
    # (agreement reference, supplier orgnr, seller item id): the product page's lasting address.
    key: tuple[str, str, str] = ("", "", "")


def public_catalogue_open() -> bool:
    """Anonymous visitors see the open agreements while the hub setting is on and no organisation turned it off.

    The hub is run by (and for) its organisations: one that sets public_catalogue off keeps
    the catalogue behind a sign-in for everyone, since anonymous visitors cannot be told apart.
    """
    if not getattr(settings, "HUB_PUBLIC_CATALOGUE", True):
        return False
    return not BuyerOrganisation.objects.filter(public_catalogue=False).exists()


def visible_items(user) -> QuerySet[CatalogueItem]:
    """What the user may see today: the organisation's buyable items, or the public catalogue."""
    organisation = organisation_for(user) if user is not None else None
    if organisation is not None:
        return CatalogueItem.objects.buyable(organisation)
    if public_catalogue_open():
        return CatalogueItem.objects.buyable(None)
    return CatalogueItem.objects.none()


def visible_agreements(user) -> QuerySet[Agreement]:
    """The agreements valid today whose catalogues the user may see (the same rules as `visible_items`)."""
    organisation = organisation_for(user) if user is not None else None
    if organisation is None and not public_catalogue_open():
        return Agreement.objects.none()
    return Agreement.objects.valid_on(timezone.localdate()).entitled(organisation)


def visible_versions(user) -> list[int]:
    """The published versions on agreements the user may see today (the same rules as `visible_items`).

    Computed from versions and agreements, not from the items: a scan of every visible item costs
    hundreds of milliseconds at 500k items. Item-level validity is checked later on the matches.
    """
    agreements = visible_agreements(user)
    return list(
        CatalogueVersion.objects.filter(
            status=CatalogueVersion.Status.PUBLISHED, catalogue__agreement__in=agreements
        ).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class SearchScope:
    """A fixed scope instead of a user (the punchout shop): one organisation's entitled agreements today,
    narrowed to `agreement_ids` when given. The same rules as `visible_items` and `visible_versions`."""

    organisation: BuyerOrganisation
    agreement_ids: frozenset[int] | None = None

    def agreements(self) -> QuerySet[Agreement]:
        agreements = Agreement.objects.valid_on(timezone.localdate()).entitled(self.organisation)
        if self.agreement_ids is not None:
            agreements = agreements.filter(pk__in=self.agreement_ids)
        return agreements

    def items(self) -> QuerySet[CatalogueItem]:
        agreements = Agreement.objects.filter(pk__in=self.agreements().values("pk"))
        return CatalogueItem.objects.buyable(self.organisation).filter(version__catalogue__agreement__in=agreements)

    def versions(self) -> list[int]:
        return list(
            CatalogueVersion.objects.filter(
                status=CatalogueVersion.Status.PUBLISHED, catalogue__agreement__in=self.agreements()
            ).values_list("pk", flat=True)
        )


def _text_query(groups: list[list[str]], any_word: bool):
    per_word = [Or([PlainText(form) for form in forms]) if len(forms) > 1 else PlainText(forms[0]) for forms in groups]
    if len(per_word) == 1:
        return per_word[0]
    return Or(per_word) if any_word else And(per_word)


def _backend_names() -> list[str]:
    names = ["default"]
    if "database" in settings.WAGTAILSEARCH_BACKENDS and settings.WAGTAILSEARCH_BACKENDS["default"].get(
        "BACKEND"
    ) != settings.WAGTAILSEARCH_BACKENDS["database"].get("BACKEND"):
        names.append("database")
    return names


def backend_label(name: str) -> str:
    path = settings.WAGTAILSEARCH_BACKENDS[name]["BACKEND"]
    if "opensearch" in path or "elasticsearch" in path:
        return path.rsplit(".", 1)[-1]
    from django.db import connection

    return f"database ({connection.vendor})"


def _run_on_backends(run):
    """Run `run(backend)` on the configured backend, falling back to the database backend on failure."""
    names = _backend_names()
    last_error: Exception | None = None
    for i, name in enumerate(names):
        is_last = i == len(names) - 1
        if not is_last and _backend_down_until.get(name, 0) > time.monotonic():
            continue
        backend = None
        try:
            backend = get_search_backend(name)
            value = run(backend)
            return value, name, name != names[0]
        except Exception as exc:  # opensearch-py raises many connection and transport errors
            if is_last:
                raise
            last_error = exc
            _backend_down_until[name] = time.monotonic() + BACKEND_RETRY_SECONDS
            # search.engines.opensearch3 tells a missing or wrong index (a silent zero otherwise) from a cluster down.
            index_problem = backend is not None and hasattr(backend, "search_failed")
            index_problem = index_problem and backend.search_failed(CatalogueItem, exc)
            _backend_down_reason[name] = "index" if index_problem else "down"
            logger.warning(
                "Search backend %r failed (%s: %s); answering from the database backend", name, type(exc).__name__, exc
            )
    raise RuntimeError("no search backend answered") from last_error


def _require_ready(backend) -> None:
    """An engine with an index lifecycle refuses to answer from a missing or wrongly built index."""
    if hasattr(backend, "require_ready"):
        backend.require_ready(CatalogueItem)


def fallback_message() -> str:
    """Why the database answered instead of OpenSearch, in the page's language."""
    if _backend_down_reason.get(_backend_names()[0]) == "index":
        return _("Sökindexet är inte uppbyggt; resultaten kommer från databasen")
    return _("Sökmotorn svarar inte; resultaten kommer från databasen")


def _is_database_backend(backend) -> bool:
    from django.db import connection

    module = type(backend).__module__
    return (
        module.startswith("modelsearch.backends.database.")
        and connection.vendor in {"sqlite", "postgresql"}
        and ("fallback" not in module)
    )


def _match(groups: list[list[str]], versions: list[int], any_word: bool):
    def run(backend) -> list[tuple[int, float]]:
        if _is_database_backend(backend):
            return dbsearch.match(groups, versions, any_word, MAX_MATCHES)
        _require_ready(backend)
        qs = CatalogueItem.objects.filter(version_id__in=versions)
        results = backend.search(_text_query(groups, any_word), qs).annotate_score("_score")
        if hasattr(results, "_get_es_body") and hasattr(results, "_backend_do_search"):
            out = _opensearch_ids(backend, results)
        else:
            out = [(obj.pk, float(getattr(obj, "_score", 0.0) or 0.0)) for obj in results[:MAX_MATCHES]]
        # Backends disagree on the sign (SQLite's bm25() is lower-is-better) but all return best first:
        # turn the scores so that higher is better everywhere.
        if len(out) > 1 and out[0][1] < out[-1][1]:
            out = [(pk, -score) for pk, score in out]
        if out and min(score for _, score in out) < 0:
            low = min(score for _, score in out)
            out = [(pk, score - low + 1e-6) for pk, score in out]
        return out

    return _run_on_backends(run)


def _opensearch_ids(backend, results) -> list[tuple[int, float]]:
    """(id, score) of the best MAX_MATCHES hits in one OpenSearch request.

    modelsearch pages through more than 100 hits with the scroll API, 100 at a time, and loads every
    hit's full row from the database (20 round trips and 2,000 rows per query); the service needs
    only ids and scores, so it sends modelsearch's own query body once with a larger size.
    """
    params = {
        "index": backend.get_index_for_model(CatalogueItem).name,
        "_source": False,
        results.fields_param_name: "pk",
        "size": MAX_MATCHES,
    }
    page = results._backend_do_search(results._get_es_body(), **params)
    return [(int(hit["fields"]["pk"][0]), float(hit["_score"] or 0.0)) for hit in page["hits"]["hits"]]


def trigram_matches(q: str, versions: list[int], limit: int = 50) -> list[tuple[int, float]]:
    """Items whose name is similar to q by trigrams, best first, one per distinct name and version.

    PostgreSQL only (elsewhere: []).
    """
    from django.db import connection

    if connection.vendor != "postgresql" or not q or not versions:
        return []
    query = " ".join(text.tokens(q))[: text.MAX_QUERY_CHARS]
    if not query:
        return []
    sql = (
        # The autocomplete table has one row per distinct name per version: far fewer rows to recheck
        # than the items when names repeat (migration search/0004 indexes its names by trigrams).
        f"SELECT item_id, word_similarity(%s, name) AS score FROM {dbsearch.AUTOCOMPLETE_TABLE} "  # noqa: S608
        "WHERE version_id = ANY(%s) AND %s <%% name ORDER BY score DESC, item_id LIMIT %s"
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # The default threshold (0.6) misses a word with two typos; 0.45 still keeps noise out.
            cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = 0.45")
            cursor.execute(sql, [query, versions, query, limit])
            return [(row[0], float(row[1])) for row in cursor.fetchall()]
    except Exception:  # pg_trgm missing (migration not run): no typo fallback, never an error
        logger.warning("pg_trgm is not available; no trigram fallback", exc_info=True)
        return []


# The largest row id a database stores: a larger filter value is unknown, not an overflow (500).
MAX_ROW_ID = 2**63 - 1


def _clean_ids(values: list[str], model, messages: list[str]) -> list[int]:
    ids = []
    for v in values:
        try:
            number = int(v)
            if not 0 < number <= MAX_ROW_ID:
                raise ValueError(v)
            ids.append(number)
        except (TypeError, ValueError):
            messages.append(_("Okänt filtervärde ignorerades: %(v)s") % {"v": str(v)[:40]})
    known = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    for i in ids:
        if i not in known:
            messages.append(_("Okänt filtervärde ignorerades: %(v)s") % {"v": i})
    return [i for i in ids if i in known]


def _clean_categories(values: list[str], messages: list[str]) -> list[str]:
    out = []
    for v in values:
        v = str(v).strip()
        if len(v) == 8 and v.isdigit():
            out.append(v)
        else:
            messages.append(_("Okänd kategori ignorerades: %(v)s") % {"v": v[:40]})
    return out


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


def _clean_text(value: str, limit: int = 10_000) -> str:
    """Drop NUL and other control characters (PostgreSQL refuses NUL in text) from user input."""
    value = str(value or "")[:limit]
    return "".join(ch for ch in value if ch.isprintable() or ch == " ")


# How long a search waits for the database's write lock to log itself before dropping the entry.
SEARCH_LOG_LOCK_WAIT_SECONDS = 0.5


def _log(query: str, total: int, backend: str, started: float) -> None:
    try:
        # A savepoint, so a failed write cannot break the caller's transaction; a short lock wait, so
        # a search never waits behind the task worker (SQLite has one writer) to write its log line.
        with lock_wait_at_most(SEARCH_LOG_LOCK_WAIT_SECONDS), transaction.atomic():
            SearchLog.objects.create(
                query=query[:200],
                result_count=total,
                zero_hit=total == 0,
                backend=backend[:40],
                duration_ms=int((time.perf_counter() - started) * 1000),
            )
    except Exception as exc:  # the log must never break a search
        if is_lock_timeout(exc):
            logger.warning("Search log entry dropped: the database was busy (%s)", exc)
        else:
            logger.exception("Could not write the search log")


def search(query: SearchQuery, user=None, scope: SearchScope | None = None) -> SearchResult:
    """Run a catalogue search for `user` (None or anonymous: the public catalogue), or within `scope`."""
    started = time.perf_counter()
    messages: list[str] = []
    q = _clean_text(query.q).strip()
    query.eco_labels = [_clean_text(v, 60) for v in query.eco_labels]
    query.price_ranges = [_clean_text(v, 40) for v in query.price_ranges]
    if len(q) > text.MAX_QUERY_CHARS:
        messages.append(_("Sökfrågan kortades till %(n)s tecken") % {"n": text.MAX_QUERY_CHARS})
        q = q[: text.MAX_QUERY_CHARS]
    sort = query.sort if query.sort in SORTS else "relevance"
    if query.sort and query.sort not in SORTS:
        messages.append(_("Okänd sortering, sorterar på relevans"))
    page_size = max(1, min(int(query.page_size or DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE))
    page = max(1, min(int(query.page or 1), MAX_PAGE))

    visible = scope.items() if scope is not None else visible_items(user)
    suppliers = _clean_ids(query.suppliers, Supplier, messages)
    agreements = _clean_ids(query.agreements, Agreement, messages)
    categories = _clean_categories(query.categories, messages)
    filters: dict[str, Q | None] = {
        "supplier": Q(version__catalogue__supplier_id__in=suppliers) if suppliers else None,
        "agreement": Q(version__catalogue__agreement_id__in=agreements) if agreements else None,
        "category": _category_q(categories) if categories else None,
        "eco_label": _eco_q(query.eco_labels),
        "price": _price_q(query.price_ranges, messages),
    }

    # precision: a compound requires its head, never its modifier alone; an article number finds that item.
    shaped = query_text.shape(q, lambda: scope.versions() if scope is not None else visible_versions(user))
    groups = shaped.groups
    code = query_text.find_by_code(q, visible)
    backend_name = _backend_names()[0]
    fallback = relaxed = False
    scores: dict[int, float] | None = None
    if code is not None:  # precision: an article number or GTIN answers with that item, or nothing
        scores = dict.fromkeys(code.ids, 1.0)
        base = visible.filter(pk__in=code.ids)
    elif groups:
        versions = scope.versions() if scope is not None else visible_versions(user)
        matches, backend_name, fallback = _match(groups, versions, any_word=False)
        if not matches and len(groups) > 1:
            matches, backend_name, fallback2 = _match(groups, versions, any_word=True)
            fallback = fallback or fallback2
            relaxed = bool(matches)
        matches = query_text.narrow(matches, shaped, relaxed)  # precision: only the kind of goods asked for
        if not matches and shaped.english:  # precision: English words through the UNSPSC category names
            matches = query_text.category_matches(q, visible, MAX_MATCHES)
        if not matches:
            # PostgreSQL: pg_trgm similarity on the names (GIN index from migration search/0004) catches
            # typos the dictionary cannot correct, such as misspelt brand names.
            matches = trigram_matches(q, versions)
            relaxed = bool(matches)
        scores = dict(matches)
        base = visible.filter(pk__in=list(scores))
    elif q:
        messages.append(
            _(
                "Sökfrågan innehöll inga sökbara ord; visar alla artiklar"  # noqa: E501
            )
        )
        base = visible
    else:
        base = visible
    if fallback:
        messages.append(fallback_message())
    if relaxed:
        messages.append(
            _(
                "Inga artiklar innehöll alla orden; visar artiklar med något av dem"  # noqa: E501
            )
        )

    if scores is not None:
        # Text queries: at most MAX_MATCHES rows, fetched once; filters, facets, total and order in Python.
        rows = _match_rows(base)
        predicates = _row_predicates(suppliers, agreements, categories, query.eco_labels, query.price_ranges)
        kept = [r for r in rows if all(test(r) for test in predicates.values())]
        total = len(kept)
        facets = _facets_from_rows(rows, predicates, query)
        page_ids = []
    else:
        filtered = base
        for q_filter in filters.values():
            if q_filter is not None:
                filtered = filtered.filter(q_filter)
        total = filtered.count()
        facets = None
    num_pages = max(1, math.ceil(total / page_size))
    if page > num_pages and total:
        messages.append(
            _(
                "Sidan %(page)s finns inte, sista sidan är %(last)s"  # noqa: E501
            )
            % {"page": page, "last": num_pages}
        )
    start = (page - 1) * page_size

    if scores is not None:
        page_ids = [r.pk for r in _sorted_rows(kept, sort, scores)][start : start + page_size]
    elif sort == "relevance":
        # No text: first-choice agreements first, then by name; the database sorts and pages.
        qs = filtered.order_by("version__catalogue__agreement__preferred_rank", "name", "pk")
        page_ids = list(qs.values_list("pk", flat=True)[start : start + page_size])
    else:
        ordering = {
            "price": ("price", "name", "pk"),
            "-price": ("-price", "name", "pk"),
            "unit_price": ("unit_price_value", "name", "pk"),
        }[sort]
        qs = filtered.annotate(
            unit_price_value=ExpressionWrapper(
                F("price") / F("base_quantity"), output_field=DecimalField(max_digits=20, decimal_places=6)
            )
        ).order_by(*ordering)
        page_ids = list(qs.values_list("pk", flat=True)[start : start + page_size])
    objects = CatalogueItem.objects.select_related(
        "version__catalogue__supplier", "version__catalogue__agreement"
    ).in_bulk(page_ids)
    items = [objects[pk] for pk in page_ids if pk in objects]

    result = SearchResult(
        query=query,
        items=items,
        total=total,
        page=page,
        page_size=page_size,
        num_pages=num_pages,
        facets=facets if facets is not None else _facets(base, filters, query),
        backend=backend_label(backend_name),
        fallback=fallback,
        relaxed=relaxed,
        messages=messages,
    )
    if code is not None:  # precision: the query was read as an article number or GTIN, found or not
        notice = query_text.NOTICE_CODE_FOUND if code.ids else query_text.NOTICE_CODE_NOT_FOUND
        result.notices.append((notice, {"code": code.code[:40]}))
    elif not total and groups:  # precision: "did you mean" from the catalogue's own words
        result.suggestion = suggestions.suggestion(
            q,
            scope.versions() if scope is not None else visible_versions(user),
            lambda s: search(SearchQuery(q=s, page_size=1, log=False), user, scope).total > 0,
        )
    result.duration_ms = int((time.perf_counter() - started) * 1000)
    if q and query.log:
        _log(q, total, result.backend, started)
    return result


def _distinct_names(ids: list[int], names: dict[int, str]) -> list[int]:
    """The first id of each name (compared case-insensitively), in order."""
    seen: set[str] = set()
    out = []
    for pk in ids:
        key = names[pk].casefold()
        if key not in seen:
            seen.add(key)
            out.append(pk)
    return out


def autocomplete(
    prefix: str, user=None, limit: int = 8, scope: SearchScope | None = None
) -> tuple[list[Suggestion], str, bool]:
    """Items whose name has a word starting with what was typed (å, ä, ö kept distinct), for `user` or `scope`."""
    words = text.tokens(_clean_text(prefix, text.MAX_QUERY_CHARS))[: text.MAX_QUERY_WORDS]
    limit = max(1, min(limit, 20))
    visible = scope.items() if scope is not None else visible_items(user)
    if not words:
        return [], backend_label(_backend_names()[0]), False
    typed = " ".join(words)
    versions = scope.versions() if scope is not None else visible_versions(user)

    def run(backend) -> list[int]:
        if _is_database_backend(backend):
            return dbsearch.autocomplete_ids(words, versions, AUTOCOMPLETE_CANDIDATES)
        _require_ready(backend)
        qs = CatalogueItem.objects.filter(version_id__in=versions)
        return [obj.pk for obj in backend.autocomplete(typed, qs)[:AUTOCOMPLETE_CANDIDATES]]

    ids, backend_name, fallback = _run_on_backends(run)
    from_database = _is_database_backend(get_search_backend(backend_name))
    rows = dict(visible.filter(pk__in=ids).values_list("pk", "name"))
    chosen = _distinct_names([pk for pk in ids if pk in rows and text.prefix_matches(rows[pk], typed)], rows)
    if len(chosen) < limit and not from_database:
        # OpenSearch's hits can be many items of one name: top up with distinct names from the
        # autocomplete table (an indexed prefix query, å/ä/ö kept distinct).
        extra = [pk for pk in dbsearch.autocomplete_ids(words, versions, AUTOCOMPLETE_CANDIDATES) if pk not in rows]
        more = dict(visible.filter(pk__in=extra).values_list("pk", "name"))
        rows.update(more)
        chosen = _distinct_names(
            chosen + [pk for pk in extra if pk in more and text.prefix_matches(more[pk], typed)], rows
        )
    if from_database:
        # The table answers in storage order: names starting with the typed text first, then shorter ones.
        chosen.sort(key=lambda pk: (not rows[pk].casefold().startswith(typed), len(rows[pk]), rows[pk]))
    chosen = chosen[:limit]
    items = CatalogueItem.objects.select_related(
        "version__catalogue__supplier", "version__catalogue__agreement"
    ).in_bulk(chosen)
    out = [
        Suggestion(pk, items[pk].name, items[pk].version.catalogue.supplier.name, item_key(items[pk]))
        for pk in chosen
        if pk in items
    ]
    return out, backend_label(backend_name), fallback
