"""BMEcat 2005 intake (and the 1.2 element names): full and update transactions, safe parsing, bad files."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from catalogue.formats import detect_format
from catalogue.intake import import_file
from catalogue.models import CatalogueVersion
from catalogue.tests.fixtures import issues, live_snapshot

pytestmark = pytest.mark.django_db
Status = CatalogueVersion.Status
NS_2005 = "http://www.bmecat.org/bmecat/2005"


def product(
    pid: str,
    name: str,
    price: str,
    *,
    unit: str = "EA",
    mode: str = "",
    extra_details: str = "",
    prices: str | None = None,
    old_names: bool = False,
) -> str:
    tag, pid_tag, prefix = (
        ("ARTICLE", "SUPPLIER_AID", "ARTICLE") if old_names else ("PRODUCT", "SUPPLIER_PID", "PRODUCT")
    )
    mode_attr = f' mode="{mode}"' if mode else ""
    if prices is None:
        prices = f'<{prefix}_PRICE price_type="net_customer"><PRICE_AMOUNT>{price}</PRICE_AMOUNT></{prefix}_PRICE>'
    return f"""
    <{tag}{mode_attr}>
      <{pid_tag}>{pid}</{pid_tag}>
      <{prefix}_DETAILS>
        <DESCRIPTION_SHORT>{name}</DESCRIPTION_SHORT>{extra_details}
      </{prefix}_DETAILS>
      <{prefix}_ORDER_DETAILS>
        <ORDER_UNIT>{unit}</ORDER_UNIT>
      </{prefix}_ORDER_DETAILS>
      <{prefix}_PRICE_DETAILS>
        {prices}
      </{prefix}_PRICE_DETAILS>
    </{tag}>"""


def bmecat(
    products: list[str],
    *,
    transaction: str = "T_NEW_CATALOG",
    namespace: str | None = NS_2005,
    version: str = "2005",
    prolog: str = "",
) -> str:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>{prolog}
<BMECAT version="{version}"{xmlns}>
  <HEADER>
    <CATALOG>
      <LANGUAGE>swe</LANGUAGE>
      <CATALOG_ID>KAT-1</CATALOG_ID>
      <CATALOG_VERSION>1.0</CATALOG_VERSION>
      <CATALOG_NAME>Kontorsmaterial</CATALOG_NAME>
      <DATETIME type="generation_date"><DATE>2026-11-28</DATE></DATETIME>
      <CURRENCY>SEK</CURRENCY>
      <MIME_ROOT>https://bilder.example.se/katalog/</MIME_ROOT>
    </CATALOG>
    <SUPPLIER><SUPPLIER_ID type="orgnr">556016-0680</SUPPLIER_ID><SUPPLIER_NAME>Kontorsleverantören AB</SUPPLIER_NAME>
    </SUPPLIER>
  </HEADER>
  <{transaction}>{"".join(products)}
  </{transaction}>
</BMECAT>
"""


def write(tmp_path, text: str, name: str = "katalog.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


FULL_DETAILS = """
        <DESCRIPTION_LONG>500 ark per paket, 80 g</DESCRIPTION_LONG>
        <INTERNATIONAL_PID type="gtin">7350000000016</INTERNATIONAL_PID>
        <MANUFACTURER_PID>NP-80</MANUFACTURER_PID>
        <MANUFACTURER_NAME>Nordpapper</MANUFACTURER_NAME>
        <DELIVERY_TIME>3</DELIVERY_TIME>
        <KEYWORD>papper</KEYWORD><KEYWORD>kontor</KEYWORD>"""
FULL_PRICES = """
        <DATETIME type="valid_start_date"><DATE>2026-01-01</DATE></DATETIME>
        <DATETIME type="valid_end_date"><DATE>2027-12-31</DATE></DATETIME>
        <PRODUCT_PRICE price_type="gros_list"><PRICE_AMOUNT>80.00</PRICE_AMOUNT><TAX>0.25</TAX></PRODUCT_PRICE>
        <PRODUCT_PRICE price_type="net_customer">
          <PRICE_AMOUNT>54.90</PRICE_AMOUNT><PRICE_CURRENCY>SEK</PRICE_CURRENCY><TAX>0.25</TAX>
        </PRODUCT_PRICE>"""


def test_detected_by_its_root_element(tmp_path, peppol_file):
    assert detect_format(write(tmp_path, bmecat([product("P-1", "Penna", "10")]))) == "bmecat"
    assert detect_format(peppol_file(2)) == "peppol"


def test_new_catalog_imports_items_prices_and_units(intake_catalogue, tmp_path):
    first = product("P-1", "Kopieringspapper A4", "", unit="XPK", extra_details=FULL_DETAILS, prices=FULL_PRICES)
    first = first.replace(
        "</PRODUCT_ORDER_DETAILS>",
        "<PRICE_QUANTITY>1</PRICE_QUANTITY><QUANTITY_MIN>2</QUANTITY_MIN></PRODUCT_ORDER_DETAILS>"
        "<PRODUCT_FEATURES><REFERENCE_FEATURE_SYSTEM_NAME>UNSPSC-20.0</REFERENCE_FEATURE_SYSTEM_NAME>"
        "<REFERENCE_FEATURE_GROUP_ID>14111507</REFERENCE_FEATURE_GROUP_ID></PRODUCT_FEATURES>"
        "<MIME_INFO><MIME><MIME_TYPE>image/jpeg</MIME_TYPE><MIME_SOURCE>np80.jpg</MIME_SOURCE>"
        "<MIME_PURPOSE>normal</MIME_PURPOSE></MIME><MIME><MIME_TYPE>image/jpeg</MIME_TYPE>"
        "<MIME_SOURCE>np80-small.jpg</MIME_SOURCE><MIME_PURPOSE>thumbnail</MIME_PURPOSE></MIME></MIME_INFO>",
    )
    text = bmecat([first, product("P-2", "Kulspetspenna blå", "12.50")])
    version = import_file(write(tmp_path, text), catalogue=intake_catalogue, background=False)
    assert version.format == "bmecat"
    assert version.error_count == 0 and version.warning_count == 0, version.report
    assert version.status in {Status.PENDING_REVIEW, Status.PUBLISHED}
    items = {item.seller_item_id: item for item in version.items.all()}
    assert {key: (item.price, item.unit, item.currency) for key, item in items.items()} == {
        "P-1": (Decimal("54.90"), "XPK", "SEK"),
        "P-2": (Decimal("12.50"), "EA", "SEK"),
    }
    paper = items["P-1"]
    assert (paper.name, paper.description, paper.gtin) == (
        "Kopieringspapper A4",
        "500 ark per paket, 80 g",
        "7350000000016",
    )
    assert (paper.manufacturer, paper.manufacturer_part_number, paper.lead_time_days) == ("Nordpapper", "NP-80", 3)
    assert (paper.vat_rate, paper.min_order_quantity, paper.unspsc) == (Decimal("25"), Decimal("2"), "14111507")
    assert (paper.valid_from, paper.valid_to) == (datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))
    assert paper.keywords == ["papper", "kontor"]
    assert paper.image_urls == ["https://bilder.example.se/katalog/np80.jpg"]
    assert paper.line_number == line_of(text, "<PRODUCT>")


def test_bmecat_1_2_article_names_without_namespace(intake_catalogue, tmp_path):
    products = [product("A-1", "Pärm", "30", old_names=True), product("A-2", "Gem", "12", old_names=True)]
    text = bmecat(products, namespace=None, version="1.2")
    version = import_file(write(tmp_path, text), catalogue=intake_catalogue, background=False)
    assert version.error_count == 0, version.report
    assert dict(version.items.values_list("seller_item_id", "price")) == {"A-1": Decimal("30"), "A-2": Decimal("12")}


def test_update_products_updates_adds_and_deletes(intake_catalogue, live_version, tmp_path):
    before = live_snapshot(intake_catalogue)
    products = [
        product("KON-0000001", "Kopieringspapper A4", "51.00", mode="update"),
        product("NY-1", "Whiteboardpenna", "19.00", mode="new"),
        product("OLD-1", "Gem 28 mm", "12.00", mode="delete"),
    ]
    text = bmecat(products, transaction="T_UPDATE_PRODUCTS")
    version = import_file(write(tmp_path, text), catalogue=intake_catalogue, background=False)
    assert version.error_count == 0, version.report
    stored = dict(version.items.values_list("seller_item_id", "price"))
    assert stored == {"KON-0000001": Decimal("51.00"), "NY-1": Decimal("19.00"), "OLD-2": Decimal("30.00")}
    assert [i["line"] for i in issues(version, "HUB-UPDATE-UNKNOWN-ITEM")] == [line_of(text, 'mode="new"')]
    assert set(live_version.items.values_list("seller_item_id", "price")) == set(before[2:])


def test_gross_price_only_is_used_with_a_warning(intake_catalogue, tmp_path):
    gross = '<PRODUCT_PRICE price_type="gros_list"><PRICE_AMOUNT>80</PRICE_AMOUNT></PRODUCT_PRICE>'
    text = bmecat([product("P-1", "Penna", "", prices=gross)])
    version = import_file(write(tmp_path, text), catalogue=intake_catalogue, background=False)
    assert version.error_count == 0
    assert [i["line"] for i in issues(version, "BMECAT-PRICE-TYPE")] == [line_of(text, 'price_type="gros_list"')]
    assert version.items.get().price == Decimal("80")


DOCTYPE_ENTITY = '\n<!DOCTYPE BMECAT [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
LAUGHS = '\n<!DOCTYPE BMECAT [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'


def _line_after(text: str, anchor: str, needle: str) -> int:
    """Line of the first needle after anchor."""
    return text.count("\n", 0, text.index(needle, text.index(anchor))) + 1


def _product_line(text: str, pid: str) -> int:
    """Start line of the product with this SUPPLIER_PID."""
    return text.count("\n", 0, text.rfind("<PRODUCT>", 0, text.index(f">{pid}<"))) + 1


def _bad(case: str) -> tuple[str, str, int]:
    """(file text, expected code, the line the error must name)."""
    rows = [product("P-1", "Penna", "10"), product("P-2", "Pärm", "20")]
    if case == "external-entity":
        text = bmecat([product("P-1", "&secret;", "10")], prolog=DOCTYPE_ENTITY)
        return text, "BMECAT-DOCTYPE", line_of(text, "<!DOCTYPE")
    if case == "entity-expansion":
        text = bmecat([product("P-1", "&b;", "10")], prolog=LAUGHS)
        return text, "BMECAT-DOCTYPE", line_of(text, "<!DOCTYPE")
    if case == "external-dtd":
        text = bmecat(rows, prolog='\n<!DOCTYPE BMECAT SYSTEM "http://127.0.0.1:9/bmecat_new_catalog_1_2.dtd">')
        return text, "BMECAT-DOCTYPE", line_of(text, "<!DOCTYPE")
    if case == "malformed":
        text = bmecat(rows).replace("<DESCRIPTION_SHORT>Pärm</DESCRIPTION_SHORT>", "<DESCRIPTION_SHORT>Pärm")
        return text, "XML-MALFORMED", _line_after(text, "Pärm", "</PRODUCT_DETAILS>")
    if case == "price-update":
        text = bmecat(rows, transaction="T_UPDATE_PRICES")
        return text, "BMECAT-TRANSACTION", line_of(text, "<T_UPDATE_PRICES>")
    # Value errors name the product's start line, and the element.
    if case == "bad-price":
        text = bmecat([rows[0], product("P-2", "Pärm", "tolv")])
        return text, "HUB-NUMBER-INVALID", _product_line(text, "P-2")
    if case == "bad-unit":
        text = bmecat([product("P-1", "Penna", "10", unit="BOX")])
        return text, "HUB-UNIT-UNKNOWN", _product_line(text, "P-1")
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    ["external-entity", "entity-expansion", "external-dtd", "malformed", "price-update", "bad-price", "bad-unit"],
)
def test_bad_files_name_their_line_and_leave_the_live_catalogue(intake_catalogue, live_version, tmp_path, case):
    before = live_snapshot(intake_catalogue)
    text, code, line = _bad(case)
    version = import_file(write(tmp_path, text), catalogue=intake_catalogue, background=False)
    assert version.status == Status.INVALID
    found = issues(version, code)
    assert found, version.report
    assert found[0]["severity"] == "error"
    assert found[0]["line"] == line
    if code.startswith("HUB-"):
        assert found[0]["element"].startswith("PRODUCT/")
    assert "root:" not in str(version.report)  # nothing from /etc/passwd reached the report
    assert version.items.count() == 0
    assert live_snapshot(intake_catalogue) == before
