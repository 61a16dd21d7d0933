"""Spend: which agreement a line belongs to, whether that agreement was valid, and the monthly sums.

`MonthlySpend` is rebuilt per organisation and month from the lines, under a lock on the organisation's
row, so two transfers or an import and an override never write the same sums side by side.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import CharField, Count, F, Q, Sum, Value
from django.db.models.functions import Cast, Substr, TruncMonth
from django.utils import timezone

from catalogue.models import Agreement
from followup.models import MonthlySpend, Purchase, TransferredLine
from hub.organisations.models import BuyerOrganisation, Supplier

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def segment(unspsc: str) -> str:
    """'14111507' -> '14000000'; blank for anything that is not an 8-digit code."""
    unspsc = (unspsc or "").strip()
    return unspsc[:2] + "000000" if len(unspsc) == 8 and unspsc.isdigit() else ""


# ------------------------------------------------------------------------------------ transferred baskets


class Lookups:
    """Agreements (with their suppliers) and suppliers by the references and orgnrs of some basket lines."""

    def __init__(self, references, orgnrs) -> None:
        self.agreements = {
            a.reference: a
            for a in Agreement.objects.filter(reference__in=set(references)).prefetch_related("suppliers")
        }
        self.suppliers = {s.orgnr: s for s in Supplier.objects.filter(orgnr__in=set(orgnrs))}

    @classmethod
    def for_lines(cls, lines) -> Lookups:
        return cls([x.agreement_reference for x in lines], [x.supplier_orgnr for x in lines])

    def valid(self, agreement: Agreement | None, supplier: Supplier | None, day: datetime.date) -> bool:
        """On a valid agreement: the agreement was in force that day and the supplier is party to it."""
        if agreement is None or supplier is None or not agreement.is_valid_on(day):
            return False
        return any(party.pk == supplier.pk for party in agreement.suppliers.all())


def lines_to_keep(session, lines, when: datetime.datetime | None = None, *, lookups: Lookups | None = None):
    """The TransferredLine rows for a transferred basket's lines (not saved)."""
    when = when or timezone.now()
    day = timezone.localdate(when)
    lookups = lookups or Lookups.for_lines(lines)
    kept = []
    for line in lines:
        agreement = lookups.agreements.get(line.agreement_reference)
        supplier = lookups.suppliers.get(line.supplier_orgnr)
        kept.append(
            TransferredLine(
                organisation_id=session.organisation_id,
                buyer_system_id=session.buyer_system_id,
                buyer_system_name=session.buyer_system.name,
                session_id=session.pk,
                supplier=supplier,
                supplier_orgnr=line.supplier_orgnr,
                agreement=agreement,
                agreement_reference=line.agreement_reference,
                unspsc=line.item.unspsc,
                seller_item_id=line.seller_item_id,
                quantity=line.quantity,
                amount=(line.unit_price * line.quantity).quantize(CENT, rounding=ROUND_HALF_UP),
                on_agreement=lookups.valid(agreement, supplier, day),
                transferred_at=when,
                transferred_on=day,
            )
        )
    return kept


def record_transfer(session, lines) -> list[TransferredLine]:
    """Keep the lines of a transferred basket (called by the punchout signal) and bring the sums up to date."""
    if not lines:
        return []
    kept = lines_to_keep(session, lines)
    with transaction.atomic():
        TransferredLine.objects.bulk_create(kept)
        rebuild_monthly_spend(session.organisation_id, [kept[0].transferred_on])
    return kept


# ------------------------------------------------------------------------------------ monthly sums


def rebuild_monthly_spend(organisation_id: int, months: Iterable[datetime.date] | None = None) -> int:
    """Recompute the organisation's sums for the given months (None: every month). Returns rows written."""
    months = None if months is None else sorted({month_of(m) for m in months})
    Dimension = MonthlySpend.Dimension
    with transaction.atomic():
        # Serialises rebuilds of one organisation (PostgreSQL row lock; SQLite has one writer anyway).
        BuyerOrganisation.objects.select_for_update().filter(pk=organisation_id).first()
        existing = MonthlySpend.objects.filter(organisation_id=organisation_id)
        lines = TransferredLine.objects.filter(organisation_id=organisation_id)
        purchases = Purchase.objects.filter(organisation_id=organisation_id)
        if months is not None:
            existing = existing.filter(month__in=months)
            lines = lines.filter(_in_months("transferred_on", months))
            purchases = purchases.filter(_in_months("purchased_on", months))
        existing.delete()
        rows = []
        for source, queryset, day_field in (
            (MonthlySpend.Source.BASKET, lines, "transferred_on"),
            (MonthlySpend.Source.PURCHASE, purchases, "purchased_on"),
        ):
            keys = {
                Dimension.TOTAL: Value(""),
                Dimension.AGREEMENT: Cast("agreement_id", CharField()),
                Dimension.SUPPLIER: F("supplier_orgnr"),
                # Purchases carry no commodity code: their category is unknown (blank).
                Dimension.CATEGORY: Substr("unspsc", 1, 2) if source == MonthlySpend.Source.BASKET else Value(""),
            }
            for dimension, key in keys.items():
                grouped = (
                    queryset.annotate(month_start=TruncMonth(day_field), group_key=key)
                    .values("month_start", "group_key", "on_agreement")
                    .annotate(total=Sum("amount"), n=Count("pk"))
                    .order_by()
                )
                for row in grouped:
                    value = row["group_key"] or ""
                    if dimension == Dimension.CATEGORY and value:
                        value = value + "000000" if len(value) == 2 and value.isdigit() else ""
                    rows.append(
                        MonthlySpend(
                            month=_as_date(row["month_start"]),
                            organisation_id=organisation_id,
                            source=source,
                            dimension=dimension,
                            key=value,
                            on_agreement=row["on_agreement"],
                            amount=row["total"] or Decimal("0"),
                            line_count=row["n"],
                        )
                    )
        MonthlySpend.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _in_months(field: str, months: list[datetime.date]) -> Q:
    condition = Q()
    for month in months:
        end = (month + datetime.timedelta(days=32)).replace(day=1)
        condition |= Q(**{f"{field}__gte": month, f"{field}__lt": end})
    return condition


def rebuild_all() -> int:
    return sum(
        rebuild_monthly_spend(pk) for pk in BuyerOrganisation.objects.order_by("pk").values_list("pk", flat=True)
    )


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value
