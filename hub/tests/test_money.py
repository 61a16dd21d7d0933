from decimal import Decimal

import pytest
from django.template import Context, Template

from hub.money import format_amount


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1234.5"), "1 234,50 kr"),
        (Decimal("0"), "0,00 kr"),
        (Decimal("999.999"), "1 000,00 kr"),
        (Decimal("1234567.891"), "1 234 567,89 kr"),
        (Decimal("-12.3"), "-12,30 kr"),
        ("45", "45,00 kr"),
    ],
)
def test_amounts_are_written_the_swedish_way(amount, expected):
    assert format_amount(amount) == expected


def test_other_currencies_keep_their_code():
    assert format_amount(Decimal("10"), "EUR") == "10,00 EUR"


def test_amount_filter_keeps_the_amount_on_one_line():
    html = Template("{% load hub_tags %}{{ price|amount }}").render(Context({"price": Decimal("1234.5")}))
    assert html == '<span class="amount">1 234,50 kr</span>'
