"""What the protocol writers (cXML, OCI) need of one basket line, as plain values.

The writers stay free of the models: punchout.sessions fills a ReturnedLine from each BasketLine, and a test
or a bench can make one directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass
class ReturnedLine:
    seller_item_id: str  # the supplier's item number
    name: str
    quantity: Decimal
    unit: str  # UN/ECE Rec 20, as in the supplier's catalogue
    unit_price: Decimal  # the live agreement price per unit, excluding VAT
    currency: str
    vat_rate: Decimal
    agreement_reference: str
    supplier_name: str
    supplier_orgnr: str  # 10 digits
    auxiliary_id: str  # "agreement;supplier-orgnr": how an edit session finds the item again
    item_key: str  # the hub's key of the catalogue item
    unspsc: str = ""
    manufacturer: str = ""
    manufacturer_part_number: str = ""
    lead_time_days: int | None = None
