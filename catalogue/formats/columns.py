"""The Swedish column headings of the spreadsheet and CSV formats, shared by the readers and the template."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    heading: str
    field: str
    required: bool
    help_sv: str
    help_en: str
    example: str
    aliases: tuple[str, ...] = ()


ACTION_FIELD = "action"
COLUMNS: tuple[Column, ...] = (
    Column(
        "Artikelnummer",
        "seller_item_id",
        True,
        "Ert artikelnummer, unikt i filen",
        "Your item ID, unique in the file",
        "KON-0001",
        ("item id", "seller item id"),
    ),
    Column(
        "GTIN", "gtin", False, "EAN/GTIN med kontrollsiffra", "EAN/GTIN with check digit", "7350000000016", ("ean",)
    ),
    Column(
        "Benämning", "name", True, "Artikelns namn", "The item's name", "Kopieringspapper A4 80 g", ("namn", "name")
    ),
    Column(
        "Beskrivning",
        "description",
        False,
        "Längre beskrivning",
        "Longer description",
        "500 ark per paket",
        ("description",),
    ),
    Column(
        "Tillverkare",
        "manufacturer",
        False,
        "Tillverkarens namn",
        "Manufacturer's name",
        "Nordpapper",
        ("manufacturer",),
    ),
    Column(
        "Tillverkarens artikelnummer",
        "manufacturer_part_number",
        False,
        "",
        "",
        "NP-80-A4",
        ("manufacturer part number",),
    ),
    Column("UNSPSC", "unspsc", False, "8 siffror", "8 digits", "14111507"),
    Column("CPV", "cpv", False, "T.ex. 30197630-1", "E.g. 30197630-1", "30197630-1"),
    Column(
        "Enhet",
        "unit",
        False,
        "UN/ECE rek. 20, t.ex. EA, XPK, KGM, LTR",
        "UN/ECE Rec 20, e.g. EA, XPK, KGM, LTR",
        "XPK",
        ("unit",),
    ),
    Column(
        "Pris",
        "price",
        True,
        "Pris exkl. moms för basmängden; 12,50 eller 12.50",
        "Price excl. VAT for the base quantity; 12,50 or 12.50",
        "54,90",
        ("price",),
    ),
    Column("Valuta", "currency", False, "ISO 4217, standard SEK", "ISO 4217, default SEK", "SEK", ("currency",)),
    Column(
        "Basmängd",
        "base_quantity",
        False,
        "Antal enheter priset gäller, standard 1",
        "Units the price is for, default 1",
        "1",
        ("base quantity",),
    ),
    Column("Momskategori", "vat_category", False, "S, Z, E …, standard S", "S, Z, E …, default S", "S"),
    Column("Momssats", "vat_rate", False, "Procent, standard 25", "Percent, default 25", "25", ("vat rate",)),
    Column("Minsta orderkvantitet", "min_order_quantity", False, "", "", "1"),
    Column("Största orderkvantitet", "max_order_quantity", False, "", "", "100"),
    Column("Förpackningsstorlek", "pack_size", False, "Antal i förpackningen", "Units in the pack", "500"),
    Column(
        "Leveranstid (dagar)", "lead_time_days", False, "Arbetsdagar", "Working days", "3", ("leveranstid", "lead time")
    ),
    Column(
        "Miljömärkning",
        "eco_labels",
        False,
        "Semikolonseparerade, t.ex. Svanen; EU Ecolabel",
        "Semicolon-separated, e.g. Svanen; EU Ecolabel",
        "Svanen",
    ),
    Column("Sökord", "keywords", False, "Semikolonseparerade", "Semicolon-separated", "papper; kontor", ("keywords",)),
    Column(
        "Bild-URL",
        "image_urls",
        False,
        "https-adress till produktbild",
        "https address of the product image",
        "https://bilder.example.se/np80.jpg",
        ("bild", "image url"),
    ),
    Column("Giltig från", "valid_from", False, "ÅÅÅÅ-MM-DD", "YYYY-MM-DD", "2026-01-01", ("valid from",)),
    Column("Giltig till", "valid_to", False, "ÅÅÅÅ-MM-DD", "YYYY-MM-DD", "2027-12-31", ("valid to",)),
    # Last, so that files made for the earlier template (without it) keep their column order.
    Column(
        "Åtgärd",
        ACTION_FIELD,
        False,
        "Bara i läget Uppdatera: Ny, Ändra eller Ta bort (tom = ny eller ändrad). I läget Ersätt hela katalogen "
        "behövs kolumnen inte.",
        "Update mode only: Add, Update or Delete (empty = added or changed). In replace mode the column is not needed.",
        "Ändra",
        ("action", "åtgärd / action", "åtgärd/action"),
    ),
)


# The action column's words (Swedish first, English accepted) -> the Peppol line action codes that
# catalogue.intake.lines already handles (Add, Update, Delete). Case-insensitive; empty means Add.
ACTION_WORDS: dict[str, str] = {
    "ny": "Add",
    "add": "Add",
    "ändra": "Update",
    "update": "Update",
    "ta bort": "Delete",
    "delete": "Delete",
}
ACTION_WORDS_DISPLAY = "Ny, Ändra, Ta bort (Add, Update, Delete)"


def line_action(value: object) -> str | None:
    """The line action code for an action cell: 'Add' when empty, None when the word is unknown."""
    text = _key(value) if value is not None else ""
    return ACTION_WORDS.get(text) if text else "Add"


def _key(text: object) -> str:
    return " ".join(str(text).replace("\ufeff", "").split()).casefold()


HEADINGS: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.heading, *_column.aliases):
        HEADINGS[_key(_name)] = _column


def column_for(heading: object) -> Column | None:
    return HEADINGS.get(_key(heading)) if heading not in (None, "") else None
