from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html
from wagtail.models import Locale

from hub import units
from hub.money import format_amount

register = template.Library()


@register.filter
def amount(value, currency: str = "SEK"):
    """Render an amount as '1 234,50 kr', kept on one line."""
    if value in (None, ""):
        return ""
    return format_html('<span class="amount">{}</span>', format_amount(value, currency))


@register.filter
def unit_name(code, quantity=1):
    """A UN/ECE unit code by name: {{ item.unit|unit_name }} -> "förpackning"; unknown codes as they are."""
    return units.unit_name(code, quantity)


@register.filter
def with_unit(quantity, code):
    """A quantity and its unit: {{ item.min_order_quantity|with_unit:item.unit }} -> "10 förpackningar"."""
    if quantity in (None, ""):
        return ""
    return units.quantity_with_unit(quantity, code)


@register.filter
def quantity(value):
    """A quantity without trailing zeros: Decimal("25.00") -> "25", Decimal("2.500") -> "2,5"."""
    if value in (None, ""):
        return ""
    return units.format_quantity(value)


@register.simple_tag(takes_context=True)
def language_switch(context) -> dict:
    """The header's language link: the OTHER language, named in that language, to the equivalent page.

    The equivalent page is the Wagtail page's translation where one is live, else the same Django page
    under the other language's prefix (its `name_en` route where the two languages have their own
    addresses, as the sign-in and search pages do), else the other language's start page.
    """
    current = "en" if (translation.get_language() or "sv").startswith("en") else "sv"
    other = "sv" if current == "en" else "en"
    request = context.get("request")
    return {
        "code": other,
        "name": dict(settings.LANGUAGES).get(other, other),
        "url": _page_translation_url(context.get("page"), other, request)
        or _same_view_url(request, other)
        or f"/{other}/",
    }


def _page_translation_url(page, language: str, request) -> str | None:
    if page is None or not hasattr(page, "get_translation_or_none"):
        return None
    locale = Locale.objects.filter(language_code=language).first()
    translated = page.get_translation_or_none(locale) if locale else None
    if translated is None or not translated.live:
        return None
    return translated.get_url(request)


def _same_view_url(request, language: str) -> str | None:
    if request is None:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if not match.url_name or match.url_name == "wagtail_serve":
        return None  # a Wagtail page without a live translation: the other language's start page
    base = match.url_name.removesuffix("_en")
    names = [f"{base}_en", base] if language == "en" else [base]
    prefix = f"{match.namespace}:" if match.namespace else ""
    for name in names:
        try:
            with translation.override(language):
                url = reverse(prefix + name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            continue
        query = request.GET.urlencode()
        return f"{url}?{query}" if query else url
    return None
