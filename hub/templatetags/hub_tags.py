from django import template
from django.utils.html import format_html

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
