"""Unit codes (UN/ECE Recommendation 20, and Rec 21 package codes with their "X" prefix) shown by name.

Catalogue files carry codes ("XPK", "LTR", "C62"); buyers read "förpackning", "liter", "styck".
The table holds the codes the hub's catalogues, fixtures and the Peppol examples use; any other
code is shown as it is. Names are Swedish msgids with the English in locale/en.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import ngettext_lazy

# ngettext_lazy with a named number: UNITS[code] % {"n": quantity} picks the singular or plural form.
UNITS = {
    # Pieces
    "EA": ngettext_lazy("styck", "styck", "n"),
    "C62": ngettext_lazy("styck", "styck", "n"),
    "H87": ngettext_lazy("styck", "styck", "n"),
    "NAR": ngettext_lazy("styck", "styck", "n"),
    "PR": ngettext_lazy("par", "par", "n"),
    "SET": ngettext_lazy("sats", "satser", "n"),
    "KT": ngettext_lazy("sats", "satser", "n"),
    "XKI": ngettext_lazy("sats", "satser", "n"),
    # Packages (Rec 21 codes with the "X" prefix; "PK" is the older Rec 20 code for a pack)
    "XPK": ngettext_lazy("förpackning", "förpackningar", "n"),
    "PK": ngettext_lazy("förpackning", "förpackningar", "n"),
    "NMP": ngettext_lazy("förpackning", "förpackningar", "n"),
    "XPA": ngettext_lazy("paket", "paket", "n"),
    "XBX": ngettext_lazy("låda", "lådor", "n"),
    "XCT": ngettext_lazy("kartong", "kartonger", "n"),
    "XCS": ngettext_lazy("kolli", "kollin", "n"),
    "XBO": ngettext_lazy("flaska", "flaskor", "n"),
    "XRO": ngettext_lazy("rulle", "rullar", "n"),
    "XRL": ngettext_lazy("spole", "spolar", "n"),
    "XBG": ngettext_lazy("påse", "påsar", "n"),
    "XSA": ngettext_lazy("säck", "säckar", "n"),
    "XTU": ngettext_lazy("tub", "tuber", "n"),
    "XCA": ngettext_lazy("burk", "burkar", "n"),
    "XBJ": ngettext_lazy("hink", "hinkar", "n"),
    "XBE": ngettext_lazy("bunt", "buntar", "n"),
    "XST": ngettext_lazy("ark", "ark", "n"),
    "XAH": ngettext_lazy("pall", "pallar", "n"),
    "XPX": ngettext_lazy("pall", "pallar", "n"),
    # Volume, weight, length, area
    "LTR": ngettext_lazy("liter", "liter", "n"),
    "DLT": ngettext_lazy("deciliter", "deciliter", "n"),
    "CLT": ngettext_lazy("centiliter", "centiliter", "n"),
    "MLT": ngettext_lazy("milliliter", "milliliter", "n"),
    "MTQ": ngettext_lazy("kubikmeter", "kubikmeter", "n"),
    "KGM": ngettext_lazy("kilogram", "kilogram", "n"),
    "GRM": ngettext_lazy("gram", "gram", "n"),
    "MGM": ngettext_lazy("milligram", "milligram", "n"),
    "TNE": ngettext_lazy("ton", "ton", "n"),
    "LBR": ngettext_lazy("pund", "pund", "n"),
    "MTR": ngettext_lazy("meter", "meter", "n"),
    "CMT": ngettext_lazy("centimeter", "centimeter", "n"),
    "MMT": ngettext_lazy("millimeter", "millimeter", "n"),
    "MTK": ngettext_lazy("kvadratmeter", "kvadratmeter", "n"),
    # Time and energy (services, lead times)
    "MIN": ngettext_lazy("minut", "minuter", "n"),
    "HUR": ngettext_lazy("timme", "timmar", "n"),
    "DAY": ngettext_lazy("dag", "dagar", "n"),
    "WEE": ngettext_lazy("vecka", "veckor", "n"),
    "MON": ngettext_lazy("månad", "månader", "n"),
    "ANN": ngettext_lazy("år", "år", "n"),
    "KWH": ngettext_lazy("kilowattimme", "kilowattimmar", "n"),
}


def _plural_count(quantity) -> int:
    """1 for exactly one, otherwise 2: "2,5 liter" and "0,5 litres" take the plural form."""
    try:
        return 1 if Decimal(str(quantity)) == 1 else 2
    except (InvalidOperation, ValueError):
        return 2


def unit_name(code: str | None, quantity=1) -> str:
    """The unit's name in the active language, e.g. "XPK" -> "förpackning"; an unknown code as it is."""
    code = (code or "").strip()
    name = UNITS.get(code.upper())
    if name is None:
        return code
    return str(name % {"n": _plural_count(quantity)})


def format_quantity(quantity) -> str:
    """A quantity without trailing zeros in the hub's number format (hub.formats: "2,5", "1 234" on every page)."""
    try:
        value = Decimal(str(quantity)).normalize()
    except (InvalidOperation, ValueError):
        return str(quantity)
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return number_format(value, use_l10n=True)


def quantity_with_unit(quantity, code: str | None) -> str:
    """E.g. (Decimal("10.000"), "XPK") -> "10 förpackningar"."""
    return f"{format_quantity(quantity)}\xa0{unit_name(code, quantity)}"
