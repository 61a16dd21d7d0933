from django import template
from django.utils.html import format_html

from hub.money import format_amount

register = template.Library()


@register.filter
def amount(value, currency: str = "SEK"):
    """Render an amount as '1 234,50 kr', kept on one line."""
    if value in (None, ""):
        return ""
    return format_html('<span class="amount">{}</span>', format_amount(value, currency))
