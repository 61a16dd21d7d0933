"""Swedish amounts: 1 234,50 kr."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CURRENCY_SUFFIX = {"SEK": "kr"}


def format_amount(amount: Decimal | int | float | str, currency: str = "SEK") -> str:
    """Format an amount the Swedish way, e.g. Decimal('1234.5') -> '1 234,50 kr'."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, cents = f"{abs(value):.2f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    suffix = CURRENCY_SUFFIX.get(currency, currency)
    return f"{sign}{' '.join(groups)},{cents} {suffix}"
