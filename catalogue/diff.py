"""What a new catalogue version changes compared with the live one.

Items are matched on the supplier's item ID (seller_item_id). The work is done by the
database (anti-joins for added/removed, one join for changed), so two versions of 100k
items compare in a few seconds; see bench/catalogue_diff_bench.py.

The agreement price of an item is its price in the catalogue's *baseline version*: the
first version of the catalogue that was ever published (the prices tendered when the
agreement started). A later version is compared both with the live version (the step)
and with the baseline (the drift), so many small increases cannot add up unnoticed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, models
from django.db.models import QuerySet

from catalogue.models import Catalogue, CatalogueItem, CatalogueVersion

# Fields compared for "changed". Identity (version, line number) and derived text are left out.
COMPARED_FIELDS: tuple[str, ...] = (
    "name",
    "description",
    "gtin",
    "manufacturer",
    "manufacturer_part_number",
    "unspsc",
    "cpv",
    "unit",
    "price",
    "currency",
    "base_quantity",
    "vat_category",
    "vat_rate",
    "min_order_quantity",
    "max_order_quantity",
    "pack_size",
    "lead_time_days",
    "eco_labels",
    "keywords",
    "image_urls",
    "valid_from",
    "valid_to",
)
PRICE_FIELDS = {"price", "base_quantity", "currency"}
HUNDRED = Decimal("100")


@dataclass
class ItemChange:
    """One item present in both versions with at least one differing field."""

    seller_item_id: str
    name: str
    new_item_id: int
    old_item_id: int
    fields: list[str]
    old_unit_price: Decimal
    new_unit_price: Decimal
    currency: str
    price_change_percent: Decimal | None  # None: the old price was 0 or the currency changed
    agreement_unit_price: Decimal | None = None
    agreement_change_percent: Decimal | None = None

    @property
    def price_changed(self) -> bool:
        return bool(PRICE_FIELDS.intersection(self.fields)) and self.new_unit_price != self.old_unit_price

    @property
    def direction(self) -> str:
        """'up', 'down' or '' — templates show it with an icon and words, not colour alone."""
        if self.new_unit_price > self.old_unit_price:
            return "up"
        if self.new_unit_price < self.old_unit_price:
            return "down"
        return ""


@dataclass
class CatalogueDiff:
    version_id: int
    base_version_id: int | None
    agreement_version_id: int | None
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0
    price_increases: int = 0
    price_decreases: int = 0
    # Largest increase per unit, in percent, against the live version and against the agreement price.
    # None when nothing rose; an increase from 0 kr or a currency change counts as unbounded (see `unbounded`).
    max_increase_percent: Decimal | None = None
    max_increase_vs_agreement_percent: Decimal | None = None
    unbounded_increases: int = 0
    changes: list[ItemChange] = field(default_factory=list, repr=False)

    def summary(self) -> dict:
        """JSON-safe counts stored on the version (CatalogueVersion.diff_summary)."""
        data = asdict(self)
        data.pop("changes")
        for key in ("max_increase_percent", "max_increase_vs_agreement_percent"):
            if data[key] is not None:
                data[key] = str(data[key])
        return data


def baseline_version(version: CatalogueVersion) -> CatalogueVersion | None:
    """The catalogue's first ever published version: its prices are the agreement prices."""
    return (
        CatalogueVersion.objects.filter(catalogue_id=version.catalogue_id, published_at__isnull=False)
        .exclude(pk=version.pk)
        .order_by("number")
        .first()
    )


def live_version(version: CatalogueVersion) -> CatalogueVersion | None:
    """The version the new one would replace (None for a catalogue's first version)."""
    # Read it fresh: a cached Catalogue instance may predate the last publication.
    live_id = Catalogue.objects.filter(pk=version.catalogue_id).values_list("live_version_id", flat=True).first()
    if live_id is None or live_id == version.pk:
        return None
    return CatalogueVersion.objects.get(pk=live_id)


def added_items(new: CatalogueVersion, old: CatalogueVersion | None) -> QuerySet[CatalogueItem]:
    items = CatalogueItem.objects.filter(version=new)
    if old is None:
        return items
    return items.exclude(seller_item_id__in=CatalogueItem.objects.filter(version=old).values("seller_item_id"))


def removed_items(new: CatalogueVersion, old: CatalogueVersion | None) -> QuerySet[CatalogueItem]:
    if old is None:
        return CatalogueItem.objects.none()
    return CatalogueItem.objects.filter(version=old).exclude(
        seller_item_id__in=CatalogueItem.objects.filter(version=new).values("seller_item_id")
    )


def _decimal(value) -> Decimal:
    # Raw cursors return float on SQLite and Decimal on PostgreSQL.
    if value is None:
        return Decimal("0")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _unit_price(price, base_quantity) -> Decimal:
    base = _decimal(base_quantity) or Decimal("1")
    return _decimal(price) / base


def _percent(old: Decimal, new: Decimal) -> Decimal | None:
    if old == 0:
        return None if new != 0 else Decimal("0")
    try:
        return ((new - old) / old * HUNDRED).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _column(name: str) -> str:
    """The quoted column of an item field."""
    field = CatalogueItem._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"CatalogueItem.{name} is not a field with a column")
    return connection.ops.quote_name(field.column)


def _changed_sql(with_agreement: bool) -> str:
    table = connection.ops.quote_name(CatalogueItem._meta.db_table)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    columns = [_column(name) for name in COMPARED_FIELDS]
    flags = [f"CASE WHEN n.{column} {distinct} o.{column} THEN 1 ELSE 0 END" for column in columns]
    any_change = " OR ".join(f"n.{column} {distinct} o.{column}" for column in columns)
    agreement_cols = "a.price, a.base_quantity, a.currency" if with_agreement else "NULL, NULL, NULL"
    agreement_join = (
        f"LEFT JOIN {table} a ON a.version_id = %s AND a.seller_item_id = n.seller_item_id" if with_agreement else ""
    )
    # Only table and column names from the model are interpolated; values are parameters.
    return (
        f"SELECT n.id, o.id, n.seller_item_id, n.name, n.price, n.base_quantity, n.currency, "  # noqa: S608
        f"o.price, o.base_quantity, o.currency, {agreement_cols}, {', '.join(flags)} "
        f"FROM {table} n JOIN {table} o ON o.version_id = %s AND o.seller_item_id = n.seller_item_id "
        f"{agreement_join} "
        f"WHERE n.version_id = %s AND ({any_change}) ORDER BY n.line_number"
    )


def _count(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def diff_versions(
    new: CatalogueVersion,
    old: CatalogueVersion | None = None,
    agreement: CatalogueVersion | None = None,
    *,
    use_live: bool = True,
    keep_changes: bool = True,
) -> CatalogueDiff:
    """Compare `new` with `old` (default: the live version) and with the baseline version.

    keep_changes=False keeps only the counts and maxima (what auto-approval needs).
    """
    if old is None and use_live:
        old = live_version(new)
    if agreement is None:
        agreement = baseline_version(new)
    result = CatalogueDiff(
        version_id=new.pk,
        base_version_id=old.pk if old else None,
        agreement_version_id=agreement.pk if agreement else None,
    )
    table = connection.ops.quote_name(CatalogueItem._meta.db_table)
    new_total = _count(f"SELECT COUNT(*) FROM {table} WHERE version_id = %s", [new.pk])  # noqa: S608
    if old is None:
        result.added = new_total
        return result

    anti_join = (
        f"SELECT COUNT(*) FROM {table} x WHERE x.version_id = %s AND NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {table} y WHERE y.version_id = %s AND y.seller_item_id = x.seller_item_id)"
    )
    result.added = _count(anti_join, [new.pk, old.pk])
    result.removed = _count(anti_join, [old.pk, new.pk])

    with_agreement = agreement is not None
    params = [old.pk] + ([agreement.pk] if agreement is not None else []) + [new.pk]
    with connection.cursor() as cursor:
        cursor.execute(_changed_sql(with_agreement), params)
        # Streamed in batches; with keep_changes=False only the counts are kept (bounded memory).
        while rows := cursor.fetchmany(2000):
            for row in rows:
                change = _item_change(row, result)
                result.changed += 1
                if keep_changes:
                    result.changes.append(change)
    result.unchanged = new_total - result.added - result.changed
    return result


def _item_change(row, result: CatalogueDiff) -> ItemChange:
    (new_id, old_id, seller_item_id, name, n_price, n_base, n_cur, o_price, o_base, o_cur, a_price, a_base, a_cur) = (
        row[:13]
    )
    flags = row[13:]
    fields = [name_ for name_, flag in zip(COMPARED_FIELDS, flags, strict=True) if flag]
    new_unit, old_unit = _unit_price(n_price, n_base), _unit_price(o_price, o_base)
    percent = _percent(old_unit, new_unit) if n_cur == o_cur else None
    change = ItemChange(
        seller_item_id=seller_item_id,
        name=name,
        new_item_id=new_id,
        old_item_id=old_id,
        fields=fields,
        old_unit_price=old_unit,
        new_unit_price=new_unit,
        currency=n_cur,
        price_change_percent=percent,
    )
    if a_price is not None:
        change.agreement_unit_price = _unit_price(a_price, a_base)
        if a_cur == n_cur:
            change.agreement_change_percent = _percent(change.agreement_unit_price, new_unit)
        drift = change.agreement_change_percent
        if drift is not None and drift > 0:
            current = result.max_increase_vs_agreement_percent
            result.max_increase_vs_agreement_percent = drift if current is None else max(current, drift)
    if PRICE_FIELDS.intersection(fields):
        if n_cur != o_cur or (percent is None and new_unit > old_unit):
            result.unbounded_increases += 1
            result.price_increases += 1
        elif percent is not None and new_unit > old_unit:  # None only where the branch above took it
            result.price_increases += 1
            if result.max_increase_percent is None or percent > result.max_increase_percent:
                result.max_increase_percent = percent
        elif new_unit < old_unit:
            result.price_decreases += 1
    return change
