"""A deterministic generator of realistic Swedish catalogues, as Peppol BIS Catalogue 3 (T19) or XLSX.

    python -m catalogue.generator --lines 10000 --format peppol --out var/katalog.xml

The same seed gives the same catalogue, byte for byte. GTINs carry valid check digits; units are
UN/ECE Rec 20 codes in the Peppol list; UNSPSC codes are real commodity codes per category.
Needs no Django (the lead's seed_hub and the benchmarks import it directly).
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape

from stdnum import ean

# (category, ((base name, UNSPSC commodity, unit, variants, price range SEK), ...), weight)
CATEGORIES = (
    (
        "kontorsmaterial",
        (
            ("Kopieringspapper", "14111507", "XPK", ("A4 80 g", "A3 80 g", "A4 90 g", "A4 återvunnet 80 g"), (45, 120)),
            ("Skrivarpapper", "14111507", "XPK", ("A4 100 g", "A4 120 g", "A3 100 g"), (69, 190)),
            ("Färgat papper", "14111507", "XPK", ("A4 gul 250 ark", "A4 blå 250 ark", "A4 sorterade färger"), (39, 99)),
            ("Fotopapper", "14111507", "XPK", ("A4 blankt 50 ark", "10x15 cm matt 100 ark"), (79, 249)),
            ("Anteckningsbok", "14111514", "EA", ("A5 linjerad", "A4 rutad", "A5 prickad"), (25, 120)),
            ("Anteckningsblock", "14111514", "EA", ("A4 linjerat 70 blad", "A5 rutat 50 blad"), (15, 45)),
            ("Post-it-lappar", "14111514", "XPK", ("76x76 gula", "76x127 pastell", "38x51 neon"), (30, 110)),
            ("Kalender", "14111608", "EA", ("vecka 2027", "dag 2027", "vägg 2027"), (79, 299)),
            ("Kulspetspenna", "44121701", "EA", ("blå", "svart", "röd", "grön", "blå 0,7 mm klick"), (5, 40)),
            ("Gelpenna", "44121701", "EA", ("svart 0,5 mm", "blå 0,7 mm"), (10, 35)),
            ("Blyertspenna", "44121706", "XBX", ("HB 12-pack", "2B 12-pack", "med radergummi 12-pack"), (25, 90)),
            ("Stiftpenna", "44121706", "EA", ("0,5 mm", "0,7 mm"), (19, 89)),
            ("Whiteboardpenna", "44121708", "XPK", ("4-pack sorterade", "svart 10-pack", "blå 10-pack"), (30, 140)),
            ("Överstrykningspenna", "44121708", "XPK", ("gul 10-pack", "4 färger"), (29, 119)),
            ("Märkpenna", "44121708", "EA", ("permanent svart", "permanent röd"), (12, 39)),
            ("Radergummi", "44121804", "EA", ("vitt", "PVC-fritt"), (4, 19)),
            ("Gaffelpärm", "44122003", "EA", ("A4 50 mm", "A4 80 mm", "A4 smal 40 mm"), (25, 75)),
            ("Plastficka", "44122011", "XBX", ("A4 100 st", "A4 präglad 100 st"), (35, 95)),
            ("Register", "44122008", "EA", ("A4 1-12", "A4 A-Ö"), (15, 59)),
            ("Häftapparat", "44121615", "EA", ("för 20 ark", "för 50 ark", "tång för 25 ark"), (60, 350)),
            ("Häftklammer", "44122107", "XBX", ("24/6 5000 st", "26/6 5000 st"), (12, 39)),
            ("Hålslag", "44121618", "EA", ("2 hål 20 ark", "4 hål 30 ark"), (69, 290)),
            ("Gem", "44122104", "XBX", ("28 mm 100 st", "50 mm 100 st"), (6, 29)),
            ("Kuvert", "44121506", "XBX", ("C4 vita 250 st", "C5 fönster 500 st", "E4 bruna 250 st"), (120, 480)),
            ("Tejp", "31201503", "XRO", ("19 mm transparent", "25 mm matt"), (8, 35)),
            ("Limstift", "31201610", "EA", ("21 g", "40 g"), (12, 39)),
            ("Etiketter", "55121606", "XPK", ("A4 24 per ark", "A4 65 per ark"), (129, 349)),
            ("Whiteboardtavla", "44111905", "EA", ("90x120 magnetisk", "60x90 emaljerad"), (690, 2490)),
            ("Skrivbordsunderlägg", "44111503", "EA", ("svart läder", "transparent"), (59, 249)),
        ),
        25,
    ),
    (
        "it",
        (
            ("Datormus", "43211708", "EA", ("trådlös", "USB ergonomisk", "Bluetooth", "vertikal"), (99, 790)),
            ("Musmatta", "43211712", "EA", ("med handledsstöd", "stor 90x40"), (59, 299)),
            ("Tangentbord", "43211706", "EA", ("svensk layout USB", "trådlöst nordiskt", "kompakt"), (199, 1490)),
            ("Bildskärm", "43211902", "EA", ("24 tum", "27 tum", "27 tum höjdjusterbar", "34 tum böjd"), (1490, 5990)),
            ("Skärmfilter", "43211904", "EA", ("sekretess 24 tum", "sekretess 14 tum"), (390, 990)),
            ("Dockningsstation", "43211602", "EA", ("USB-C", "Thunderbolt 4"), (990, 3490)),
            ("Headset", "43211607", "EA", ("med brusreducering", "mono USB", "stereo Bluetooth"), (390, 2490)),
            ("Webbkamera", "43211714", "EA", ("full HD", "4K med mikrofon"), (490, 1990)),
            ("Högtalare", "43211607", "EA", ("för dator USB", "konferens Bluetooth"), (249, 2990)),
            ("Nätverkskabel", "26121609", "EA", ("Cat6 2 m", "Cat6 5 m", "Cat6A 10 m"), (39, 199)),
            ("HDMI-kabel", "26121609", "EA", ("2 m", "5 m"), (79, 249)),
            ("Laddare", "26111711", "EA", ("USB-C 65 W", "USB-C 100 W"), (299, 790)),
            ("USB-minne", "43202005", "EA", ("64 GB", "128 GB", "256 GB"), (89, 349)),
            ("Extern hårddisk", "43201803", "EA", ("2 TB", "4 TB"), (790, 1690)),
            ("Laserskrivare", "43212105", "EA", ("svartvit A4", "färg A4 nätverk"), (1990, 7990)),
            ("Tonerkassett", "44103103", "EA", ("svart", "cyan", "magenta", "gul"), (490, 1490)),
            ("Bläckpatron", "44103105", "EA", ("svart", "trefärg"), (190, 490)),
        ),
        25,
    ),
    (
        "städ",
        (
            (
                "Toalettpapper",
                "14111704",
                "XPK",
                ("2-lagers 64 rullar", "3-lagers 42 rullar", "storrulle 6 st"),
                (189, 459),
            ),
            ("Hushållspapper", "14111705", "XPK", ("32 rullar", "industrirulle 2 st"), (149, 389)),
            ("Pappershandduk", "14111703", "XPK", ("Z-vikt 4000 ark", "rulle 6-pack", "C-vikt 2400 ark"), (150, 520)),
            ("Diskmedel", "47131807", "LTR", ("oparfymerat 1 l", "koncentrat 5 l"), (29, 260)),
            ("Maskindiskmedel", "47131807", "XPK", ("100 tabletter", "pulver 3 kg"), (149, 390)),
            ("Tvättmedel", "47131810", "XPK", ("kulör 7,5 kg", "vitt 5 kg", "flytande 3 l"), (149, 490)),
            ("Sköljmedel", "47131810", "LTR", ("parfymfritt 2 l",), (39, 89)),
            ("Handtvål", "53131608", "LTR", ("flytande 1 l", "parfymfri refill 0,5 l", "skum 5 l"), (35, 220)),
            ("Sopsäck", "47121701", "XRO", ("125 l 10 st", "60 l 25 st", "160 l 10 st"), (35, 110)),
            ("Avfallspåse", "47121701", "XRO", ("30 l 50 st", "10 l 50 st"), (25, 79)),
            ("Papperskorg", "47121702", "EA", ("30 l metall", "15 l plast"), (89, 390)),
            ("Allrengöring", "47131801", "LTR", ("spray 0,75 l", "koncentrat 1 l", "5 l dunk"), (30, 250)),
            ("Golvrengöring", "47131801", "LTR", ("5 l", "1 l koncentrat"), (59, 290)),
            ("Fönsterputs", "47131803", "LTR", ("spray 0,75 l",), (35, 79)),
            ("Mikrofiberduk", "47131502", "XPK", ("blå 10-pack", "röd 10-pack", "grön 10-pack"), (79, 220)),
            ("Disktrasa", "47131502", "XPK", ("10-pack", "cellulosa 5-pack"), (25, 79)),
            ("Mopp", "47131604", "EA", ("mikrofiber 40 cm", "fransmopp"), (99, 290)),
            ("Städhink", "47131617", "EA", ("10 l med press", "20 l"), (129, 390)),
        ),
        25,
    ),
    (
        "livsmedel",
        (
            (
                "Kaffe",
                "50201706",
                "KGM",
                ("mellanrost 500 g", "mörkrost hela bönor 1 kg", "bryggmalet 450 g"),
                (59, 249),
            ),
            ("Te", "50201712", "XBX", ("earl grey 100 påsar", "grönt te 50 påsar", "rooibos 40 påsar"), (35, 120)),
            ("Mjölk", "50131701", "LTR", ("mellanmjölk 1 l", "standardmjölk 1 l"), (14, 29)),
            ("Havredryck", "50131701", "LTR", ("barista 1 l", "naturell 1 l"), (19, 35)),
            ("Knäckebröd", "50181900", "XPK", ("råg 520 g", "fiber 460 g"), (22, 45)),
            ("Äpplen", "50301500", "KGM", ("Ingrid Marie", "Royal Gala", "Granny Smith"), (25, 45)),
            ("Socker", "50161509", "KGM", ("strösocker 1 kg", "bitsocker 1 kg"), (15, 39)),
            ("Svartpeppar", "50171550", "XPK", ("hel 500 g", "malen 500 g"), (49, 149)),
        ),
        12,
    ),
    (
        "vård",
        (
            (
                "Undersökningshandske",
                "42132203",
                "XBX",
                ("nitril M 200 st", "nitril L 200 st", "vinyl S 100 st"),
                (69, 190),
            ),
            ("Handsprit", "53131626", "LTR", ("gel 85 % 0,6 l", "flytande 1 l"), (45, 160)),
            ("Munskydd", "42131713", "XBX", ("typ IIR 50 st", "typ II 50 st"), (60, 180)),
            ("Kompress", "42311505", "XPK", ("10x10 cm sterila 25 st", "5x5 cm 100 st"), (40, 110)),
            ("Plåster", "42311510", "XBX", ("sortiment 100 st", "textil 50 st"), (29, 99)),
            ("Inkontinensskydd", "53131624", "XPK", ("normal 28 st", "extra 20 st", "natt 14 st"), (89, 260)),
            ("Termometer", "42182200", "EA", ("digital", "örontermometer"), (99, 590)),
            ("Blodtrycksmätare", "42181600", "EA", ("överarm automatisk", "handled"), (490, 1490)),
            ("Förkläde", "46181501", "XBX", ("plast 100 st",), (59, 129)),
        ),
        25,
    ),
    (
        "möbler",
        (
            ("Kontorsstol", "56112102", "EA", ("med armstöd", "ergonomisk svart", "utan armstöd"), (1990, 7990)),
            ("Konferensstol", "56112102", "EA", ("stapelbar", "med armstöd"), (690, 2490)),
            ("Skrivbord", "56101703", "EA", ("höj- och sänkbart 160x80", "140x70 vit", "120x80 björk"), (2490, 9990)),
            ("Konferensbord", "56101706", "EA", ("240x100", "180x90"), (4990, 12990)),
            ("Bokhylla", "56101508", "EA", ("80x200 björk", "40x200 vit"), (790, 2990)),
            ("Förvaringsskåp", "56101520", "EA", ("med lås 100x195", "lågt 80x72"), (1490, 5990)),
            ("Hurts", "56101519", "EA", ("3 lådor med hjul", "4 lådor"), (1290, 3490)),
            ("Skrivbordslampa", "39111500", "EA", ("LED med dimmer", "LED med USB"), (390, 1290)),
        ),
        25,
    ),
)
# What a product line adds to the name ("Kopieringspapper Premium A4 80 g, 5-pack"): (series, pack or size).
SERIES = ("", "", "", "Basic", "Premium", "Eco", "Pro", "Classic", "Office", "Nordic")
PACKS = ("", "", "", ", 2-pack", ", 5-pack", ", 10-pack", ", storpack", ", sats om 3")
DESCRIPTIONS = (
    "{base} {variant} från {manufacturer}.",
    "{base} {variant}. Tillverkad av {manufacturer}, för {category_text}.",
    "{manufacturer} {base_lower}, {variant}, för {category_text}.",
    "Prisvärd {base_lower} ({variant}) för {category_text}.",
)
CATEGORY_TEXT = {
    "kontorsmaterial": "kontor och skola",
    "it": "arbetsplatsen och distansarbete",
    "städ": "städning och hygien i verksamheten",
    "livsmedel": "fika och personalkök",
    "vård": "vård och omsorg",
    "möbler": "kontor och offentliga lokaler",
}
MANUFACTURERS = (
    "Nordpapper",
    "Skrivia",
    "Kontorsverket",
    "Datanova",
    "Renhjälp",
    "Städab",
    "Mejerigården",
    "Vårdkompaniet",
    "Möbelfabriken i Tibro",
    "Svea Kaffe",
    "Hygienteknik",
    "Ergoform",
)
ECO_LABELS = ("Svanen", "EU Ecolabel", "Bra Miljöval", "Fairtrade", "KRAV")
LABELS_BY_CATEGORY = {
    "kontorsmaterial": ("Svanen", "EU Ecolabel"),
    "städ": ("Svanen", "Bra Miljöval", "EU Ecolabel"),
    "livsmedel": ("KRAV", "Fairtrade"),
    "vård": ("Svanen",),
    "möbler": ("Svanen", "EU Ecolabel"),
    "it": (),
}
KEYWORDS = {
    "kontorsmaterial": ("kontor", "skrivmaterial"),
    "it": ("dator", "tillbehör"),
    "städ": ("städning", "hygien"),
    "livsmedel": ("fika", "mat"),
    "vård": ("omsorg", "sjukvård"),
    "möbler": ("inredning", "kontorsmöbler"),
}

CUSTOMIZATION_ID = "urn:fdc:peppol.eu:poacc:trns:catalogue:3"
PROFILE_ID = "urn:fdc:peppol.eu:poacc:bis:catalogue_only:3"


class NamedOrganisation(Protocol):
    """Anything with an organisation number and a name: a Party, a Supplier, a BuyerOrganisation."""

    @property
    def orgnr(self) -> str: ...

    @property
    def name(self) -> str: ...


@dataclass
class Party:
    orgnr: str
    name: str
    city: str = "Stockholm"

    @property
    def scheme_id(self) -> str:
        return "0007"


@dataclass
class GeneratedItem:
    seller_item_id: str
    gtin: str
    name: str
    description: str
    manufacturer: str
    manufacturer_part_number: str
    unspsc: str
    unit: str
    price: Decimal
    currency: str
    vat_rate: Decimal
    category: str
    min_order_quantity: int | None = None
    max_order_quantity: int | None = None
    pack_size: int | None = None
    lead_time_days: int = 3
    eco_labels: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    image_url: str = ""


def gtin13(rng: random.Random, prefix: str = "735") -> str:
    """A GTIN-13 with a valid check digit (735 = GS1 Sweden prefix range)."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(12 - len(prefix)))
    return body + ean.calc_check_digit(body)


def generate_items(n: int, seed: int = 1, categories: Iterable[str] | None = None) -> list[GeneratedItem]:
    return list(iter_items(n, seed, categories))


def iter_items(n: int, seed: int = 1, categories: Iterable[str] | None = None) -> Iterator[GeneratedItem]:
    """n realistic items; the same (n, seed, categories) always gives the same items.

    `categories`: only these (names from CATEGORIES), so each supplier sells its own kind of goods.
    """
    wanted = set(categories) if categories else None
    chosen = [c for c in CATEGORIES if wanted is None or c[0] in wanted]
    if not chosen:
        raise ValueError(f"no such categories: {sorted(wanted or ())}")
    rng = random.Random(seed)
    # Names and descriptions draw from their own stream, so the other fields stay as they were per seed.
    words = random.Random(f"names-{seed}")
    weights = [c[2] for c in chosen]
    used_gtins: set[str] = set()
    for index in range(1, n + 1):
        category, products, _weight = rng.choices(chosen, weights)[0]
        base, unspsc, unit, variants, (low, high) = rng.choice(products)
        variant = rng.choice(variants)
        series, pack = words.choice(SERIES), words.choice(PACKS)
        pack = pack if low < 200 else ""  # consumables come in packs, monitors and chairs do not
        manufacturer = rng.choice(MANUFACTURERS)
        gtin = gtin13(rng)
        while gtin in used_gtins:
            gtin = gtin13(rng)
        used_gtins.add(gtin)
        price = Decimal(rng.uniform(low, high)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        labels = [label for label in LABELS_BY_CATEGORY[category] if rng.random() < 0.3]
        vat = Decimal("12") if category == "livsmedel" else Decimal("25")
        minimum = rng.choice((None, 1, 2, 5))
        yield GeneratedItem(
            seller_item_id=f"{category[:3].upper()}-{index:07d}",
            gtin=gtin,
            name=" ".join(part for part in (base, series, variant) if part) + pack,
            description=words.choice(DESCRIPTIONS).format(
                base=base,
                base_lower=base.lower(),
                variant=variant,
                manufacturer=manufacturer,
                category_text=CATEGORY_TEXT[category],
            ),
            manufacturer=manufacturer,
            manufacturer_part_number=f"{manufacturer[:3].upper()}{rng.randrange(10**5, 10**6)}",
            unspsc=unspsc,
            unit=unit,
            price=price,
            currency="SEK",
            vat_rate=vat,
            category=category,
            min_order_quantity=minimum,
            max_order_quantity=(minimum * 100) if minimum else None,
            pack_size=rng.choice((None, 1, 10, 12, 50)),
            lead_time_days=rng.choice((1, 2, 3, 5, 10)),
            eco_labels=labels,
            keywords=list(KEYWORDS[category]),
            image_url=f"https://bilder.example.se/{gtin}.jpg" if rng.random() < 0.5 else "",
        )


def _party(tag: str, party: Party) -> str:
    return (
        f'<cac:{tag}><cbc:EndpointID schemeID="0007">{party.orgnr}</cbc:EndpointID>'
        f'<cac:PartyIdentification><cbc:ID schemeID="0007">{party.orgnr}</cbc:ID></cac:PartyIdentification>'
        f"<cac:PostalAddress><cbc:CityName>{escape(party.city)}</cbc:CityName>"
        f"<cac:Country><cbc:IdentificationCode>SE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>"
        f"<cac:PartyLegalEntity><cbc:RegistrationName>{escape(party.name)}</cbc:RegistrationName>"
        f'<cbc:CompanyID schemeID="0007">{party.orgnr}</cbc:CompanyID></cac:PartyLegalEntity></cac:{tag}>\n'
    )


def _line(number: int, item: GeneratedItem, action: str | None = None) -> str:
    parts = [f"<cac:CatalogueLine>\n  <cbc:ID>{number}</cbc:ID>\n"]
    if action:
        parts.append(f"  <cbc:ActionCode>{action}</cbc:ActionCode>\n")
    parts.append(
        f"  <cbc:OrderableIndicator>true</cbc:OrderableIndicator>\n"
        f"  <cbc:OrderableUnit>{item.unit}</cbc:OrderableUnit>\n"
    )
    if item.min_order_quantity:
        parts.append(
            f'  <cbc:MinimumOrderQuantity unitCode="{item.unit}">{item.min_order_quantity}</cbc:MinimumOrderQuantity>\n'
        )
    if item.max_order_quantity:
        parts.append(
            f'  <cbc:MaximumOrderQuantity unitCode="{item.unit}">{item.max_order_quantity}</cbc:MaximumOrderQuantity>\n'
        )
    parts.append(
        f"  <cac:RequiredItemLocationQuantity>\n"
        f'    <cbc:LeadTimeMeasure unitCode="DAY">{item.lead_time_days}</cbc:LeadTimeMeasure>\n'
        f'    <cac:Price><cbc:PriceAmount currencyID="{item.currency}">{item.price}</cbc:PriceAmount>'
        f'<cbc:BaseQuantity unitCode="{item.unit}">1</cbc:BaseQuantity></cac:Price>\n'
        f"  </cac:RequiredItemLocationQuantity>\n  <cac:Item>\n"
        f"    <cbc:Description>{escape(item.description)}</cbc:Description>\n"
    )
    if item.pack_size:
        parts.append(f"    <cbc:PackSizeNumeric>{item.pack_size}</cbc:PackSizeNumeric>\n")
    parts.append(f"    <cbc:Name>{escape(item.name)}</cbc:Name>\n")
    for keyword in item.keywords:
        parts.append(f"    <cbc:Keyword>{escape(keyword)}</cbc:Keyword>\n")
    parts.append(
        f"    <cac:SellersItemIdentification><cbc:ID>{item.seller_item_id}</cbc:ID></cac:SellersItemIdentification>\n"
        f"    <cac:ManufacturersItemIdentification><cbc:ID>{item.manufacturer_part_number}</cbc:ID>"
        f"</cac:ManufacturersItemIdentification>\n"
        f'    <cac:StandardItemIdentification><cbc:ID schemeID="0160">{item.gtin}</cbc:ID>'
        f"</cac:StandardItemIdentification>\n"
    )
    if item.image_url:
        parts.append(
            f"    <cac:ItemSpecificationDocumentReference><cbc:ID>{item.gtin}-bild</cbc:ID>"
            f"<cbc:DocumentTypeCode>PRODUCT_IMAGE</cbc:DocumentTypeCode>"
            f"<cac:Attachment><cac:ExternalReference><cbc:URI>{escape(item.image_url)}</cbc:URI>"
            f"</cac:ExternalReference></cac:Attachment></cac:ItemSpecificationDocumentReference>\n"
        )
    parts.append(
        f'    <cac:CommodityClassification><cbc:ItemClassificationCode listID="TST">{item.unspsc}'
        f"</cbc:ItemClassificationCode></cac:CommodityClassification>\n"
        f"    <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{item.vat_rate}</cbc:Percent>"
        f"<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>\n"
    )
    parts.append(
        f"    <cac:ManufacturerParty><cac:PartyName><cbc:Name>{escape(item.manufacturer)}</cbc:Name>"
        f"</cac:PartyName></cac:ManufacturerParty>\n"
    )
    for label in item.eco_labels:
        parts.append(
            f"    <cac:Certificate><cbc:ID>{escape(label)}</cbc:ID><cbc:CertificateTypeCode>NA"
            f"</cbc:CertificateTypeCode><cbc:CertificateType>Environmental</cbc:CertificateType>"
            f"<cac:IssuerParty><cac:PartyName><cbc:Name>NA</cbc:Name></cac:PartyName></cac:IssuerParty>"
            f"</cac:Certificate>\n"
        )
    parts.append("  </cac:Item>\n</cac:CatalogueLine>\n")
    return "".join(parts)


def write_peppol(
    path: str | Path,
    items: Iterable[GeneratedItem],
    supplier: NamedOrganisation,
    receiver: NamedOrganisation,
    agreement_ref: str,
    *,
    catalogue_id: str = "1",
    action: str = "Replace",
    line_actions: dict[str, str] | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    issue_date: datetime.date | None = None,
) -> Path:
    """Write a Peppol BIS Catalogue 3 document. supplier/receiver: anything with .orgnr and .name."""
    path = Path(path)
    issue_date = issue_date or datetime.date(2026, 1, 1)
    valid_from = valid_from or issue_date
    valid_to = valid_to or datetime.date(issue_date.year + 2, 12, 31)
    supplier = supplier if isinstance(supplier, Party) else Party(supplier.orgnr, supplier.name)
    receiver = receiver if isinstance(receiver, Party) else Party(receiver.orgnr, receiver.name)
    line_actions = line_actions or {}
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Catalogue xmlns="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"\n'
            '  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"\n'
            '  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">\n'
            f"<cbc:CustomizationID>{CUSTOMIZATION_ID}</cbc:CustomizationID>\n"
            f"<cbc:ProfileID>{PROFILE_ID}</cbc:ProfileID>\n"
            f"<cbc:ID>{escape(catalogue_id)}</cbc:ID>\n"
            f"<cbc:ActionCode>{action}</cbc:ActionCode>\n"
            f"<cbc:Name>{escape(supplier.name)} – {escape(agreement_ref)}</cbc:Name>\n"
            f"<cbc:IssueDate>{issue_date.isoformat()}</cbc:IssueDate>\n"
            f"<cac:ValidityPeriod><cbc:StartDate>{valid_from.isoformat()}</cbc:StartDate>"
            f"<cbc:EndDate>{valid_to.isoformat()}</cbc:EndDate></cac:ValidityPeriod>\n"
            f"<cac:ReferencedContract><cbc:ID>{escape(agreement_ref)}</cbc:ID></cac:ReferencedContract>\n"
        )
        out.write(_party("ProviderParty", supplier))
        out.write(_party("ReceiverParty", receiver))
        for number, item in enumerate(items, start=1):
            out.write(_line(number, item, line_actions.get(item.seller_item_id)))
        out.write("</Catalogue>\n")
    return path


SHEET_COLUMNS = (
    ("Artikelnummer", "seller_item_id"),
    ("GTIN", "gtin"),
    ("Benämning", "name"),
    ("Beskrivning", "description"),
    ("Tillverkare", "manufacturer"),
    ("Tillverkarens artikelnummer", "manufacturer_part_number"),
    ("UNSPSC", "unspsc"),
    ("Enhet", "unit"),
    ("Pris", "price"),
    ("Valuta", "currency"),
    ("Momssats", "vat_rate"),
    ("Minsta orderkvantitet", "min_order_quantity"),
    ("Största orderkvantitet", "max_order_quantity"),
    ("Förpackningsstorlek", "pack_size"),
    ("Leveranstid (dagar)", "lead_time_days"),
    ("Miljömärkning", "eco_labels"),
    ("Sökord", "keywords"),
    ("Bild-URL", "image_url"),
)


def write_xlsx(path: str | Path, items: Iterable[GeneratedItem]) -> Path:
    """An .xlsx with the hub's Swedish headings (write-only mode: constant memory for any size)."""
    from openpyxl import Workbook  # noqa: PLC0415 (~0.13 s, only for .xlsx; seed_hub and the bench write XML)

    path = Path(path)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Artiklar")
    sheet.append([heading for heading, _ in SHEET_COLUMNS])
    for item in items:
        row = []
        for _heading, attr in SHEET_COLUMNS:
            value = getattr(item, attr)
            if isinstance(value, list):
                value = "; ".join(value)
            elif isinstance(value, Decimal):
                value = float(value)
            row.append(value if value is not None else None)
        sheet.append(row)
    workbook.save(path)
    return path


DEMO_SUPPLIER = Party("5560160680", "Kontorsleverantören AB", "Göteborg")
DEMO_RECEIVER = Party("2120000142", "Exempelkommun", "Stockholm")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a realistic Swedish catalogue.")
    parser.add_argument("--lines", type=int, required=True)
    parser.add_argument("--format", choices=("peppol", "xlsx"), default="peppol")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--supplier-orgnr", default=DEMO_SUPPLIER.orgnr)
    parser.add_argument("--supplier-name", default=DEMO_SUPPLIER.name)
    parser.add_argument("--agreement", default="RAM-2026-001")
    args = parser.parse_args(argv)
    items = iter_items(args.lines, args.seed)
    if args.format == "peppol":
        write_peppol(args.out, items, Party(args.supplier_orgnr, args.supplier_name), DEMO_RECEIVER, args.agreement)
    else:
        write_xlsx(args.out, items)
    print(f"{args.lines} rader/lines → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
