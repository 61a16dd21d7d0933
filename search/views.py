"""The search page, product page and comparison (the JSON API is search.api). All go through search.service."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_GET

from catalogue.models import Agreement, CatalogueItem
from hub.organisations.models import Supplier
from search import service
from search.addresses import (
    BACK_PARAMETER,
    clean_back,
    item_address,
    page_language,
    product_url,
    search_url_with,
    with_back,
)
from search.categories import category_label, category_path, family_of, is_code, is_family, is_segment, segment_of
from search.service import FacetValue, Notice, SearchQuery

MAX_COMPARE = 4
FACETS = (
    ("supplier", "suppliers"),
    ("agreement", "agreements"),
    ("category", "categories"),
    ("eco_label", "eco_labels"),
    ("price", "price_ranges"),
)


# The largest row id a database stores; a larger number in an address is a 404, not an overflow (500).
MAX_ROW_ID = service.MAX_ROW_ID


def _int(value: str | None, default: int) -> tuple[int, bool]:
    """An integer from a query parameter; the flag says whether the value was unusable."""
    if not value:
        return default, False
    try:
        return int(value), False
    except (TypeError, ValueError):
        return default, True


def query_from_request(request: HttpRequest) -> tuple[SearchQuery, list[str]]:
    get = request.GET
    notes: list[str] = []
    page, bad_page = _int(get.get("page"), 1)
    page_size, bad_size = _int(get.get("page_size"), service.DEFAULT_PAGE_SIZE)
    if bad_page or bad_size:
        notes.append(_("Ogiltigt sidnummer eller sidstorlek"))
    chosen = {attr: [v.strip() for v in get.getlist(name) if v.strip()][:50] for name, attr in FACETS}
    query = SearchQuery(
        q=get.get("q", ""),
        sort=get.get("sort", "relevance") or "relevance",
        page=page,
        page_size=page_size,
        suppliers=chosen["suppliers"],
        agreements=chosen["agreements"],
        categories=chosen["categories"],
        eco_labels=chosen["eco_labels"],
        price_ranges=chosen["price_ranges"],
    )
    return query, notes


def _lang_prefix() -> str:
    return page_language()


def _other_lang() -> str:
    return "sv" if _lang_prefix() == "en" else "en"


def _reverse_in(lang: str, name: str, args: list | None = None) -> str:
    # i18n_patterns prefixes the active language: reverse under the wanted one ("/en/search/", not "/sv/search/").
    with override(lang):
        return reverse(f"search:{name}_en" if lang == "en" else f"search:{name}", args=args)


def item_url(item: CatalogueItem, lang: str | None = None, back: str = "") -> str:
    """The product page's lasting address, carrying the search state to return to (see search.addresses)."""
    return with_back(product_url(item, lang), back)


def search_page_url(lang: str | None = None) -> str:
    return _reverse_in(lang or _lang_prefix(), "page")


def compare_url(lang: str | None = None) -> str:
    return _reverse_in(lang or _lang_prefix(), "compare")


def _with_query(url: str, request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def _language_switch(url: str) -> dict:
    """The other language's version of this very page, for the language switcher."""
    lang = _other_lang()
    return {"url": url, "code": lang, "name": dict(settings.LANGUAGES).get(lang, lang)}


@dataclass
class CategoryGroup:
    """A segment in the category facet with its families under it."""

    segment: FacetValue | None
    families: list[FacetValue]


def category_groups(values: list[FacetValue]) -> list[CategoryGroup]:
    """The category facet as a tree: each family under its segment, segments in code order."""
    groups: dict[str, CategoryGroup] = {}
    for value in values:
        if is_segment(value.value):
            groups.setdefault(value.value, CategoryGroup(None, [])).segment = value
    for value in values:
        # Families, and a commodity code chosen by hand (the facet itself lists segments and families only).
        if is_code(value.value) and not is_segment(value.value):
            groups.setdefault(segment_of(value.value), CategoryGroup(None, [])).families.append(value)
    for group in groups.values():
        group.families.sort(key=lambda f: f.value)
    return [groups[code] for code in sorted(groups)]


def notice_text(notice: Notice) -> str:
    """A service notice worded in the active language (Swedish msgids, English in locale/en)."""
    words = {
        Notice.QUERY_SHORTENED: lambda p: _("Sökfrågan kortades till %(n)s tecken") % p,
        Notice.UNKNOWN_SORT: lambda p: _("Okänd sortering, sorterar på relevans"),
        Notice.UNKNOWN_FILTER: lambda p: _("Okänt filtervärde ignorerades: %(v)s") % p,
        Notice.UNKNOWN_CATEGORY: lambda p: _("Okänd kategori ignorerades: %(v)s") % p,
        Notice.UNKNOWN_PRICE_RANGE: lambda p: _("Okänt prisintervall ignorerades: %(v)s") % p,
        Notice.NO_SEARCHABLE_WORDS: lambda p: _("Sökfrågan innehöll inga sökbara ord; visar alla artiklar"),
        Notice.FALLBACK_DOWN: lambda p: _("Sökmotorn svarar inte; resultaten kommer från databasen"),
        Notice.FALLBACK_INDEX: lambda p: _("Sökindexet är inte uppbyggt; resultaten kommer från databasen"),
        Notice.RELAXED: lambda p: _("Inga artiklar innehöll alla orden; visar artiklar med något av dem"),
        Notice.NO_SUCH_PAGE: lambda p: _("Sidan %(page)s finns inte, sista sidan är %(last)s") % p,
        Notice.CODE_FOUND: lambda p: _("Visar artikeln med artikelnummer eller GTIN %(code)s") % {"code": p["number"]},
        Notice.CODE_NOT_FOUND: lambda p: (
            _(
                "Inget artikelnummer eller GTIN %(code)s finns bland de artiklar du kan köpa; kontrollera numret "
                "eller sök på benämningen"
            )
            % {"code": p["number"]}
        ),
        Notice.MORE_THAN: lambda p: (
            _("Fler än %(n)s träffar; alla kunde inte räknas i tid, förfina sökningen")
            % {"n": f"{p['n']:,}".replace(",", "\u00a0")}
        ),
    }
    return words[notice.code](notice.params) if notice.code in words else notice.code


FALLBACK_CODES = (Notice.FALLBACK_DOWN, Notice.FALLBACK_INDEX)


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query, notes = query_from_request(request)
    result = service.search(query, request.user)
    # The product pages' "back to the search" returns to exactly this page of results.
    back = clean_back(request.GET.urlencode())
    for item in result.items:
        item.search_url = item_url(item, back=back)
    params = request.GET.copy()
    params.pop("page", None)
    # The page shows why the database answered for OpenSearch as a notice of its own, once.
    fallback_notice = " ".join(notice_text(n) for n in result.notices if n.code in FALLBACK_CODES)
    messages = [notice_text(n) for n in result.notices if n.code not in FALLBACK_CODES]
    facets = _with_selected_values(result.facets, query)
    return render(
        request,
        "search/search.html",
        {
            "result": result,
            "fallback_notice": fallback_notice,
            "query": query,
            "notes": notes + messages,
            "facet_groups": [(name, _facet_title(name), facets.get(name, [])) for name, _attr in FACETS],
            "category_groups": category_groups(facets.get("category", [])),
            "first_number": (result.page - 1) * result.page_size + 1,
            "any_filter": any(f.selected for values in facets.values() for f in values),
            "clear_filters_url": search_page_url() + (f"?{urlencode({'q': query.q})}" if query.q else ""),
            "sorts": [
                ("relevance", _("Relevans")),
                ("price", _("Lägst pris")),
                ("-price", _("Högst pris")),
                ("unit_price", _("Pris per enhet")),
            ],
            "paging_query": params.urlencode(),
            "search_url": search_page_url(),
            "compare_url": compare_url(),
            "max_compare": MAX_COMPARE,
            "back": back,
            "language_switch": _language_switch(_with_query(search_page_url(_other_lang()), request)),
            "suggestion_url": _suggestion_url(result.suggestion),
        },
    )


def _suggestion_url(suggestion: str) -> str:
    """The search page for the "did you mean" query (precision: zero hits)."""
    return f"{search_page_url()}?{urlencode({'q': suggestion})}" if suggestion else ""


def _with_selected_values(facets: dict[str, list[FacetValue]], query: SearchQuery) -> dict[str, list[FacetValue]]:
    """Keep every chosen filter on the page, with 0 hits when the current search has none in it.

    Otherwise a filter chosen for an earlier search would narrow a new one invisibly, with no box to untick.
    """
    facets = {name: list(values) for name, values in facets.items()}
    chosen = {
        "supplier": _known_names(Supplier, query.suppliers, "name"),
        "agreement": _known_names(Agreement, query.agreements, "title"),
        "category": {
            code: category_label(code if is_segment(code) or is_family(code) else family_of(code))
            for code in query.categories
            if is_code(code)
        },
        "eco_label": {label: label for label in query.eco_labels if label},
        "price": {},  # every price range is always listed
    }
    for name, labels in chosen.items():
        shown = {value.value for value in facets.get(name, [])}
        facets.setdefault(name, []).extend(
            FacetValue(value, label, 0, True) for value, label in labels.items() if value not in shown
        )
    return facets


def _known_names(model, ids: list[str], field: str) -> dict[str, str]:
    numbers = [int(i) for i in ids if str(i).isdigit() and len(str(i)) < 12]
    return {str(pk): name for pk, name in model.objects.filter(pk__in=numbers).values_list("pk", field)}


def _facet_title(name: str) -> str:
    return {
        "supplier": _("Leverantör"),
        "agreement": _("Avtal"),
        "category": _("Kategori (UNSPSC)"),
        "eco_label": _("Miljömärkning"),
        "price": _("Pris"),
    }[name]


def _items_by_key(queryset, agreement: str, supplier: str, seller_item_id: str):
    return queryset.select_related("version__catalogue__supplier", "version__catalogue__agreement").filter(
        version__catalogue__agreement__reference=agreement,
        version__catalogue__supplier__orgnr=supplier,
        seller_item_id=seller_item_id,
    )


def _once_listed(request: HttpRequest):
    """Items of once-published versions on agreements the user may see today (never others: nothing to enumerate)."""
    return CatalogueItem.objects.once_live().filter(
        version__catalogue__agreement__in=service.visible_agreements(request.user)
    )


def _no_such_item() -> Http404:
    # Items the user may not buy are as good as absent: no hint that they exist.
    return Http404(_("Artikeln finns inte"))


@require_GET
def item_page(request: HttpRequest, agreement: str, supplier: str, item: str) -> HttpResponse:
    """The product in the live version of its catalogue, found by agreement, supplier and item id."""
    back = clean_back(request.GET.get(BACK_PARAMETER))
    switch_url = with_back(item_address(agreement, supplier, item, _other_lang()), back)
    found = _items_by_key(service.visible_items(request.user), agreement, supplier, item).first()
    if found is None:
        last = _items_by_key(_once_listed(request), agreement, supplier, item).order_by("-version__number").first()
        if last is None:
            raise _no_such_item()
        return render(
            request,
            "search/item_gone.html",
            {
                "item": last,
                "search_url": search_url_with(back),
                "similar_url": search_page_url() + "?" + urlencode({"q": last.name}),
                "language_switch": _language_switch(switch_url),
            },
            status=410,
        )
    return render(
        request,
        "search/item.html",
        {
            "item": found,
            "category": category_path(found.unspsc),
            "search_url": search_url_with(back),
            "compare_url": compare_url(),
            "back": back,
            "language_switch": _language_switch(switch_url),
        },
    )


@require_GET
def legacy_item_page(request: HttpRequest, item_id: int) -> HttpResponse:
    """The old numeric address (a row id of one version): 301 to the product's lasting address."""
    if item_id > MAX_ROW_ID:
        raise _no_such_item()
    old = (
        _once_listed(request)
        .select_related("version__catalogue__supplier", "version__catalogue__agreement")
        .filter(pk=item_id)
        .first()
    )
    if old is None:
        raise _no_such_item()
    return HttpResponsePermanentRedirect(item_url(old, back=clean_back(request.GET.get(BACK_PARAMETER))))


def _compared_items(request: HttpRequest, ids: list[int]) -> list[CatalogueItem]:
    """The live items for the ids, in order. An id from an earlier version stands for the same product now live.

    Comparison addresses keep row ids (short, and the form posts checkboxes), so a bookmarked comparison
    follows each product into the live version by its key, as the product page does.
    """
    visible = service.visible_items(request.user)
    found = visible.select_related("version__catalogue__supplier", "version__catalogue__agreement").in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        for old in (
            _once_listed(request)
            .select_related("version__catalogue__supplier", "version__catalogue__agreement")
            .filter(pk__in=missing)
        ):
            catalogue = old.version.catalogue
            current = _items_by_key(
                visible, catalogue.agreement.reference, catalogue.supplier.orgnr, old.seller_item_id
            )
            found[old.pk] = current.first()
    items: list[CatalogueItem] = []
    for i in ids:
        if found.get(i) is not None and all(found[i].pk != item.pk for item in items):
            items.append(found[i])
    return items


@require_GET
def compare_page(request: HttpRequest) -> HttpResponse:
    notes: list[str] = []
    ids: list[int] = []
    for raw in request.GET.getlist("id")[:100]:
        value, bad = _int(raw, 0)
        if bad or value <= 0 or value > MAX_ROW_ID:
            notes.append(_("Ogiltigt artikel-id ignorerades"))
        elif value not in ids:
            ids.append(value)
    if len(ids) > MAX_COMPARE:
        notes.append(_("Högst %(n)s artiklar kan jämföras åt gången; de %(n)s första visas") % {"n": MAX_COMPARE})
        ids = ids[:MAX_COMPARE]
    back = clean_back(request.GET.get(BACK_PARAMETER))
    items = _compared_items(request, ids)
    for item in items:
        item.search_url = item_url(item, back=back)
        item.category = category_path(item.unspsc)
        others = [other.pk for other in items if other.pk != item.pk]
        item.remove_url = _compare_url_for(others, back)
    if len(items) < len(ids):
        notes.append(_("Någon artikel finns inte"))
    return render(
        request,
        "search/compare.html",
        {
            "items": items,
            "notes": notes,
            "search_url": search_url_with(back),
            "max_compare": MAX_COMPARE,
            "language_switch": _language_switch(_compare_url_for([item.pk for item in items], back, _other_lang())),
        },
    )


def _compare_url_for(ids: list[int], back: str, lang: str | None = None) -> str:
    params: dict[str, str | list[int]] = {"id": ids, **({BACK_PARAMETER: back} if back else {})}
    query = urlencode(params, doseq=True)
    return compare_url(lang) + (f"?{query}" if query else "")
