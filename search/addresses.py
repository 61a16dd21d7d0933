"""The one place that builds a product's address and the search page's "back" state.

A product is addressed by agreement reference, supplier organisation number and the supplier's
own item id (`product_url`), never by its row id, which changes with every version.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import get_language, override

BACK_PARAMETER = "back"
MAX_BACK_LENGTH = 2000


def page_language() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def search_reverse(name: str, lang: str | None = None, kwargs: dict | None = None) -> str:
    """A search URL in the given language (i18n_patterns prefixes the active one: /en/search/, not /sv/search/)."""
    lang = lang or page_language()
    with override(lang):
        return reverse(f"search:{name}_en" if lang == "en" else f"search:{name}", kwargs=kwargs)


def item_address(agreement_reference: str, supplier_orgnr: str, seller_item_id: str, lang: str | None = None) -> str:
    return search_reverse(
        "item", lang, {"agreement": agreement_reference, "supplier": supplier_orgnr, "item": seller_item_id}
    )


def product_url(item, lang: str | None = None) -> str:
    """The product page's lasting address (agreement, supplier, item id), in `lang` or the page's language.

    Select the version's catalogue with its agreement and supplier first, or each call costs queries.
    """
    return item_address(*item_key(item), lang=lang)


def item_key(item) -> tuple[str, str, str]:
    """(agreement reference, supplier orgnr, seller item id); select_related the catalogue's agreement and supplier."""
    catalogue = item.version.catalogue
    return catalogue.agreement.reference, catalogue.supplier.orgnr, item.seller_item_id


def clean_back(raw: str | None) -> str:
    """The search page's query string to return to, or "" when `raw` is anything else.

    Only a query string is accepted: never a path, host or scheme ("//evil.example", "https://…"),
    and it is parsed and re-encoded, so the link it makes always leads to the hub's own search page.
    """
    if not raw or len(raw) > MAX_BACK_LENGTH:
        return ""
    raw = raw.removeprefix("?")
    if raw.startswith(("/", "\\")) or "://" in raw or ":" in raw.split("=", 1)[0]:
        return ""
    return QueryDict(raw).urlencode()


def with_back(url: str, back: str) -> str:
    """`url` carrying the search state to return to (already cleaned with clean_back)."""
    return f"{url}?{urlencode({BACK_PARAMETER: back})}" if back else url


def search_url_with(back: str, lang: str | None = None) -> str:
    """The search page showing the results `back` describes."""
    url = search_reverse("page", lang)
    return f"{url}?{back}" if back else url
