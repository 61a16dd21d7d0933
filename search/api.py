"""The open search API (a django-ninja Router, mounted by hub.api at /api/v1/; schema at /api/v1/openapi.json).

    GET /api/v1/search           search with the search page's parameters and facets
    GET /api/v1/autocomplete     suggestions for what was typed (?q=…&lang=sv|en)
    GET /api/v1/items/<id>       one item (an id from the search results) the caller may see today
    GET /api/v1/agreements       the agreements valid today whose catalogues the caller may see

No token: each call sees what the signed-in session (or the public catalogue) may see, as the pages do.
All answers go through search.service; a bad parameter is ignored with a message, never a 500 or a 422.
"""

from __future__ import annotations

import datetime
from contextlib import nullcontext

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import override
from ninja import Query, Router, Schema

from catalogue.api import ErrorOut, error
from catalogue.models import CatalogueItem
from search import service
from search.addresses import item_address
from search.views import MAX_ROW_ID, item_url, notice_text, query_from_request

router = Router(tags=["Sök / Search"])
JSON_OPTIONS = {"ensure_ascii": False}


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class ItemOut(Schema):
    id: int
    name: str
    seller_item_id: str
    supplier: str
    agreement: str
    agreement_title: str
    price: str
    currency: str
    unit: str
    base_quantity: str
    unspsc: str
    eco_labels: list[str]
    url: str


class SearchOut(Schema):
    total: int
    # False: the count was stopped and `total` is a floor ("more than total").
    total_exact: bool
    page: int
    page_size: int
    num_pages: int
    facets: dict[str, list[FacetValueOut]]
    results: list[ItemOut]
    backend: str
    fallback: bool
    relaxed: bool
    messages: list[str]
    # The same notes as codes with their parameters, e.g. {"code": "more_than", "n": 5000}.
    notices: list[dict[str, str | int]]
    suggestion: str


class SuggestionOut(Schema):
    id: int
    name: str
    supplier: str
    url: str


class AutocompleteOut(Schema):
    results: list[SuggestionOut]
    backend: str
    fallback: bool


class AgreementSupplierOut(Schema):
    id: int
    name: str
    orgnr: str


class AgreementOut(Schema):
    id: int
    reference: str
    title: str
    valid_from: datetime.date
    valid_to: datetime.date
    categories: list[str]
    documents_url: str
    suppliers: list[AgreementSupplierOut]


class AgreementsOut(Schema):
    total: int
    results: list[AgreementOut]


def item_json(item: CatalogueItem, request: HttpRequest) -> dict:
    """One item as the API shows it, in search results and alone (select_related its catalogue's agreement and
    supplier)."""
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
        "url": request.build_absolute_uri(item_url(item)),
    }


def search_json(request: HttpRequest, result: service.SearchResult, notes: list[str]) -> dict:
    return {
        "total": result.total,
        "total_exact": result.total_exact,
        "page": result.page,
        "page_size": result.page_size,
        "num_pages": result.num_pages,
        "facets": {
            name: [{"value": f.value, "label": f.label, "count": f.count, "selected": f.selected} for f in values]
            for name, values in result.facets.items()
        },
        "results": [item_json(item, request) for item in result.items],
        "backend": result.backend,
        "fallback": result.fallback,
        "relaxed": result.relaxed,
        "messages": notes + [notice_text(n) for n in result.notices],
        "notices": [{"code": n.code, **n.params} for n in result.notices],
        # "Menade du / did you mean": a query that gives hits, offered when this one gave none ("" otherwise).
        "suggestion": result.suggestion,
    }


@router.get(
    "/search",
    url_name="search",
    summary="Sök i katalogerna / Search the catalogues",
    response={200: SearchOut},
)
def search(
    request: HttpRequest,
    q: str = Query("", description="Search words; quotes, OR and a leading minus work as on the search page"),
    supplier: list[str] = Query(None, description="Supplier ids (facet 'supplier')"),
    agreement: list[str] = Query(None, description="Agreement ids (facet 'agreement')"),
    category: list[str] = Query(
        None, description="UNSPSC codes: segment, family, class or commodity (facet 'category')"
    ),
    eco_label: list[str] = Query(None, description="Eco-labels (facet 'eco_label')"),
    price: list[str] = Query(None, description="Price ranges such as 100-500 (facet 'price')"),
    sort: str = Query("relevance", description="relevance, price, -price or unit_price"),
    page: str = Query("1", description="Page number from 1; a bad one is ignored with a message"),
    page_size: str = Query("20", description="1 to 100; a larger one is clamped"),
    lang: str | None = Query(None, description="sv or en: how the words are read and the messages' language"),
) -> HttpResponse:
    """The search page's answer as JSON. A parameter it cannot use is ignored and named in "messages"
    (in the language of lang, else Accept-Language, Swedish by default)."""
    # lang=en: English words are read as English terms, and messages come in English.
    with override(lang) if lang in ("sv", "en") else nullcontext():
        # The declared parameters document the query; query_from_request reads them as the search page does.
        query, notes = query_from_request(request)
        result = service.search(query, request.user)
        return JsonResponse(search_json(request, result, notes), json_dumps_params=JSON_OPTIONS)


@router.get(
    "/autocomplete",
    url_name="autocomplete",
    summary="Förslag medan man skriver / Suggestions while typing",
    response={200: AutocompleteOut},
)
def autocomplete(
    request: HttpRequest,
    q: str = Query("", description="What was typed so far"),
    lang: str | None = Query(None, description="sv or en: the language of the product pages linked"),
) -> HttpResponse:
    suggestions, backend, fallback = service.autocomplete(q, request.user)
    # The page asking says its language, so the links lead to product pages in that language.
    lang = lang if lang in ("sv", "en") else None
    return JsonResponse(
        {
            "results": [
                {
                    "id": s.id,
                    "name": s.name,
                    "supplier": s.supplier,
                    "url": request.build_absolute_uri(item_address(*s.key, lang)),
                }
                for s in suggestions
            ],
            "backend": backend,
            "fallback": fallback,
        },
        json_dumps_params=JSON_OPTIONS,
    )


@router.get(
    "/items/{int:item_id}",
    url_name="item",
    summary="En artikel / One item",
    response={200: ItemOut, 404: ErrorOut},
)
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    """An item of a live catalogue the caller may see today, by the id in the search results. An item of another
    organisation's agreement, or one no longer live, is a 404 like a missing one: nothing to enumerate."""
    found = None
    if item_id <= MAX_ROW_ID:
        found = (
            service.visible_items(request.user)
            .select_related("version__catalogue__supplier", "version__catalogue__agreement")
            .filter(pk=item_id)
            .first()
        )
    if found is None:
        return error(404, "Artikeln finns inte", "The item does not exist")
    return JsonResponse(item_json(found, request), json_dumps_params=JSON_OPTIONS)


@router.get(
    "/agreements",
    url_name="agreements",
    summary="Avtalen / The agreements",
    response={200: AgreementsOut},
)
def agreements(request: HttpRequest) -> HttpResponse:
    """The agreements valid today whose catalogues the caller may see (the search's 'agreement' facet uses the
    ids). Thresholds and buyer lists stay internal."""
    found = service.visible_agreements(request.user).prefetch_related("suppliers").order_by("reference")
    results = [
        {
            "id": agreement.pk,
            "reference": agreement.reference,
            "title": agreement.title,
            "valid_from": agreement.valid_from.isoformat(),
            "valid_to": agreement.valid_to.isoformat(),
            "categories": [code.strip() for code in agreement.categories.split(",") if code.strip()],
            "documents_url": agreement.documents_url,
            "suppliers": [
                {"id": supplier.pk, "name": supplier.name, "orgnr": supplier.orgnr}
                for supplier in sorted(agreement.suppliers.all(), key=lambda s: s.name)
            ],
        }
        for agreement in found
    ]
    return JsonResponse({"total": len(results), "results": results}, json_dumps_params=JSON_OPTIONS)
