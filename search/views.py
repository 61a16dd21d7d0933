"""The search page, product page, comparison, and the JSON API. All go through search.service."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalogue.models import CatalogueItem
from search import service
from search.service import SearchQuery

MAX_COMPARE = 4
FACETS = (
    ("supplier", "suppliers"),
    ("agreement", "agreements"),
    ("category", "categories"),
    ("eco_label", "eco_labels"),
    ("price", "price_ranges"),
)


def _int(value: str | None, default: int) -> tuple[int, bool]:
    """An integer from a query parameter; the flag says whether the value was unusable."""
    if value in (None, ""):
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
        notes.append(_("Ogiltigt sidnummer eller sidstorlek / Invalid page or page size"))
    query = SearchQuery(
        q=get.get("q", ""),
        sort=get.get("sort", "relevance") or "relevance",
        page=page,
        page_size=page_size,
        **{attr: [v for v in get.getlist(name) if v][:50] for name, attr in FACETS},
    )
    return query, notes


def _lang_prefix() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def item_url(item_id: int, lang: str | None = None) -> str:
    lang = lang or _lang_prefix()
    return reverse("search:item_en" if lang == "en" else "search:item", args=[item_id])


def search_page_url(lang: str | None = None) -> str:
    lang = lang or _lang_prefix()
    return reverse("search:page_en" if lang == "en" else "search:page")


def compare_url(lang: str | None = None) -> str:
    lang = lang or _lang_prefix()
    return reverse("search:compare_en" if lang == "en" else "search:compare")


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query, notes = query_from_request(request)
    result = service.search(query, request.user)
    for item in result.items:
        item.search_url = item_url(item.pk)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "result": result,
            "query": query,
            "notes": notes + result.messages,
            "facet_groups": [(name, _facet_title(name), result.facets.get(name, [])) for name, _attr in FACETS],
            "sorts": [
                ("relevance", _("Relevans")),
                ("price", _("Lägst pris")),
                ("-price", _("Högst pris")),
                ("unit_price", _("Pris per enhet")),
            ],
            "paging_query": params.urlencode(),
            "search_url": search_page_url(),
            "compare_url": compare_url(),
        },
    )


def _facet_title(name: str) -> str:
    return {
        "supplier": _("Leverantör"),
        "agreement": _("Avtal"),
        "category": _("Kategori (UNSPSC)"),
        "eco_label": _("Miljömärkning"),
        "price": _("Pris"),
    }[name]


def _visible_item(request: HttpRequest, item_id: int) -> CatalogueItem:
    item = (
        service.visible_items(request.user)
        .select_related("version__catalogue__supplier", "version__catalogue__agreement")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        # Items the user may not buy are as good as absent: no hint that they exist.
        raise Http404(_("Artikeln finns inte / No such item"))
    return item


@require_GET
def item_page(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _visible_item(request, item_id)
    return render(
        request,
        "search/item.html",
        {"item": item, "search_url": search_page_url(), "compare_url": compare_url()},
    )


@require_GET
def compare_page(request: HttpRequest) -> HttpResponse:
    notes: list[str] = []
    ids: list[int] = []
    for raw in request.GET.getlist("id"):
        value, bad = _int(raw, 0)
        if bad or value <= 0:
            notes.append(_("Ogiltigt artikel-id ignorerades / Invalid item id ignored"))
        elif value not in ids:
            ids.append(value)
    if len(ids) > MAX_COMPARE:
        notes.append(
            _("Högst %(n)s artiklar kan jämföras; de första visas / At most %(n)s items can be compared")
            % {"n": MAX_COMPARE}
        )
        ids = ids[:MAX_COMPARE]
    found = (
        service.visible_items(request.user)
        .select_related("version__catalogue__supplier", "version__catalogue__agreement")
        .in_bulk(ids)
    )
    items = [found[i] for i in ids if i in found]
    for item in items:
        item.search_url = item_url(item.pk)
    if len(items) < len(ids):
        notes.append(_("Någon artikel finns inte / Some item was not found"))
    return render(
        request,
        "search/compare.html",
        {
            "items": items,
            "notes": notes,
            "search_url": search_page_url(),
        },
    )


def _result_json(item: CatalogueItem, request: HttpRequest) -> dict:
    catalogue = item.version.catalogue
    return {
        "id": item.pk,
        "name": item.name,
        "seller_item_id": item.seller_item_id,
        "supplier": catalogue.supplier.name,
        "agreement": catalogue.agreement.reference,
        "agreement_title": catalogue.agreement.title,
        "price": str(item.price.quantize(item.price.__class__("0.01"))),
        "currency": item.currency,
        "unit": item.unit,
        "base_quantity": str(item.base_quantity.normalize()),
        "unspsc": item.unspsc,
        "eco_labels": item.eco_labels if isinstance(item.eco_labels, list) else [],
        "url": request.build_absolute_uri(item_url(item.pk)),
    }


@require_GET
def api_search(request: HttpRequest) -> JsonResponse:
    query, notes = query_from_request(request)
    result = service.search(query, request.user)
    return JsonResponse(
        {
            "total": result.total,
            "page": result.page,
            "page_size": result.page_size,
            "num_pages": result.num_pages,
            "facets": {
                name: [{"value": f.value, "label": f.label, "count": f.count, "selected": f.selected} for f in values]
                for name, values in result.facets.items()
            },
            "results": [_result_json(item, request) for item in result.items],
            "backend": result.backend,
            "fallback": result.fallback,
            "relaxed": result.relaxed,
            "messages": notes + result.messages,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def api_autocomplete(request: HttpRequest) -> JsonResponse:
    suggestions, backend, fallback = service.autocomplete(request.GET.get("q", ""), request.user)
    return JsonResponse(
        {
            "results": [
                {"id": s.id, "name": s.name, "supplier": s.supplier, "url": request.build_absolute_uri(item_url(s.id))}
                for s in suggestions
            ],
            "backend": backend,
            "fallback": fallback,
        },
        json_dumps_params={"ensure_ascii": False},
    )
