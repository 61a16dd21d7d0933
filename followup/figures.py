"""The follow-up figures, computed: spend, avtalstrohet (share on valid agreements), unmet demand, catalogue health.

Spend comes from MonthlySpend (kept summed), so each figure is one small GROUP BY whatever the number of
lines. The dashboards, their exports and the public page's live block all read these functions.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

import swedish_text
from catalogue.models import Agreement, Catalogue, CatalogueItem, CatalogueVersion
from followup.models import MonthlySpend, SearchMonth, SearchMonthCounted
from followup.spend import month_of
from hub.organisations.identifiers import format_orgnr
from hub.organisations.models import BuyerOrganisation, Supplier
from search.categories import category_label, names, segment_of
from search.models import SearchLog

DIMENSIONS = ("agreement", "supplier", "category", "organisation")  # what spend is shown per
LOW_HIT_MAX = 3  # a search with 1 to 3 results is a low-hit search
EXPIRING_WITHIN_DAYS = 90
MAX_PERIOD_MONTHS = 60  # five years at a time
# A month as YYYY-MM, years 1000-2999 (a period's end, the month after it, stays a valid date). The OpenAPI
# schema states the same pattern (followup.api).
MONTH_PATTERN = r"^[12][0-9]{3}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


def parse_month(value: str | None) -> datetime.date | None:
    """'2026-03' -> 2026-03-01; None for anything else."""
    if not value or not _MONTH.fullmatch(value):
        return None
    return datetime.date(int(value[:4]), int(value[5:7]), 1)


CENT = Decimal("0.01")


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months, first to last inclusive."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def last_months(cls, count: int = 12, today: datetime.date | None = None) -> Period:
        current = month_of(today or timezone.localdate())
        return cls(add_months(current, -(count - 1)), current)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 1))

    @property
    def end(self) -> datetime.date:
        """The first day after the period."""
        return add_months(self.last, 1)

    def months(self) -> list[datetime.date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = add_months(month, 1)
        return out

    def label(self) -> str:
        return f"{self.first:%Y-%m} \N{EN DASH} {self.last:%Y-%m}"

    def month_count(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1


@dataclass(frozen=True)
class SpendRow:
    key: object
    label: str
    total: Decimal
    on_agreement: Decimal

    def __post_init__(self) -> None:
        # Whole öre: SQLite sums decimals as floats, so SUM() comes back as e.g. 92065.8700000000.
        for name in ("total", "on_agreement"):
            object.__setattr__(self, name, Decimal(getattr(self, name)).quantize(CENT))

    @property
    def share(self) -> Decimal | None:
        """Avtalstrohet in percent, one decimal; None when nothing was spent."""
        if not self.total:
            return None
        return (self.on_agreement * 100 / self.total).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class SearchRow:
    query: str
    count: int
    category: str  # inferred category name, or ""
    agreements: str  # the agreements covering that category, or ""
    category_code: str = ""  # the inferred UNSPSC code, or ""


class Figures:
    """Figures for one period and one organisation (None: every organisation)."""

    def __init__(self, period: Period, organisation: BuyerOrganisation | None = None) -> None:
        self.period = period
        self.organisation = organisation

    def _spend(self, dimension: str):
        rows = MonthlySpend.objects.filter(
            dimension=dimension, month__gte=self.period.first, month__lte=self.period.last
        )
        if self.organisation is not None:
            rows = rows.filter(organisation=self.organisation)
        return rows

    @staticmethod
    def _where(dimension: str) -> tuple[str, str]:
        """The kept dimension a figure reads, and the column it groups by."""
        if dimension == "organisation":
            return MonthlySpend.Dimension.TOTAL, "organisation_id"
        return dimension, "key"

    def _grouped(self, dimension: str, *fields: str):
        return (
            self._spend(dimension)
            .values(*fields)
            .annotate(total=Sum("amount"), valid=Sum("amount", filter=Q(on_agreement=True)))
            .order_by(*fields)
        )

    # -------------------------------------------------------------------------------- spend

    def total(self) -> SpendRow:
        sums = self._spend(MonthlySpend.Dimension.TOTAL).aggregate(
            total=Sum("amount"), valid=Sum("amount", filter=Q(on_agreement=True))
        )
        return SpendRow(None, _("Totalt"), sums["total"] or Decimal(0), sums["valid"] or Decimal(0))

    def by_month(self) -> list[SpendRow]:
        """Every month of the period, also the empty ones, so the trend reads right."""
        found = {
            _as_date(row["month"]): (row["total"], row["valid"] or Decimal(0))
            for row in self._grouped(MonthlySpend.Dimension.TOTAL, "month")
        }
        return [
            SpendRow(month, f"{month:%Y-%m}", *found.get(month, (Decimal(0), Decimal(0))))
            for month in self.period.months()
        ]

    def by(self, dimension: str) -> list[SpendRow]:
        """Spend per agreement, supplier, category or organisation, largest first."""
        kept, field = self._where(dimension)
        grouped = list(self._grouped(kept, field))
        labels = self._labels(dimension, [row[field] for row in grouped])
        rows = [
            SpendRow(row[field], labels.get(row[field], str(row[field])), row["total"], row["valid"] or Decimal(0))
            for row in grouped
        ]
        return sorted(rows, key=lambda row: (-row.total, row.label))

    def by_month_and(self, dimension: str) -> list[tuple[datetime.date, SpendRow]]:
        """Spend per month and dimension (the exports: 'over time' for every dimension)."""
        kept, field = self._where(dimension)
        rows = list(self._grouped(kept, "month", field))
        labels = self._labels(dimension, {row[field] for row in rows})
        return [
            (
                _as_date(row["month"]),
                SpendRow(row[field], labels.get(row[field], str(row[field])), row["total"], row["valid"] or Decimal(0)),
            )
            for row in rows
        ]

    def _labels(self, dimension: str, keys) -> dict:
        keys = set(keys)
        if dimension == "agreement":
            ids = {int(key) for key in keys if key}
            labels = {str(a.pk): f"{a.reference} {a.title}" for a in Agreement.objects.filter(pk__in=ids)}
            labels[""] = _("Inget avtal")
            return labels
        if dimension == "supplier":
            known = dict(Supplier.objects.filter(orgnr__in=keys).values_list("orgnr", "name"))
            return {key: known.get(key) or format_orgnr(key) for key in keys}
        if dimension == "category":
            return {key: category_label(key) if key else _("Okänd kategori") for key in keys}
        return dict(BuyerOrganisation.objects.filter(pk__in=keys).values_list("pk", "name"))

    # -------------------------------------------------------------------------------- unmet demand

    def searches(self, *, zero_hit: bool, limit: int = 20) -> list[SearchRow]:
        """The most frequent zero-hit (or low-hit: 1 to 3 results) searches of the period: the organisation's
        own (searches made for it: by its signed-in staff or in its punchout sessions), or hub-wide with
        anonymous visitors' when no organisation is chosen. The log knows no person. Closed months are read
        from SearchMonth, the month in progress from the log."""
        current = month_of(timezone.localdate())
        closed = [month for month in self.period.months() if month < current]
        count_search_months(closed)
        counts: dict[str, int] = defaultdict(int)
        kept = SearchMonth.objects.filter(zero_hit=zero_hit, month__in=closed)
        if self.organisation is not None:
            kept = kept.filter(organisation=self.organisation)
        for row in kept.values("text").annotate(n=Sum("count")).order_by():
            counts[row["text"]] += row["n"]
        if self.period.last >= current:
            for text, n in _counted_from_log(current, self.period.end, zero_hit, self.organisation):
                counts[text] += n
        top = sorted(counts.items(), key=lambda entry: (-entry[1], entry[0]))[:limit]
        inferrer = self._inferrer
        out = []
        for text, n in top:
            code = inferrer.category(text)
            out.append(
                SearchRow(
                    query=text,
                    count=n,
                    category=category_label(code) if code else "",
                    agreements=", ".join(inferrer.agreements(code)) if code else "",
                    category_code=code or "",
                )
            )
        return out

    @cached_property
    def _inferrer(self) -> CategoryInferrer:
        return CategoryInferrer()

    # -------------------------------------------------------------------------------- catalogue health

    def agreements_in_view(self):
        agreements = Agreement.objects.all()
        if self.organisation is not None:
            agreements = agreements.entitled(self.organisation)
        return agreements

    def items_per_agreement(self) -> list[dict]:
        live = CatalogueItem.objects.live().filter(version__catalogue__agreement__in=self.agreements_in_view())
        no_image = Q(image__isnull=True) & Q(image_urls=[])
        rows = (
            live.values("version__catalogue__agreement__reference", "version__catalogue__agreement__title")
            .annotate(
                items=Count("pk"),
                without_image=Count("pk", filter=no_image),
                without_classification=Count("pk", filter=Q(unspsc="") & Q(cpv="")),
                without_eco_label=Count("pk", filter=Q(eco_labels=[])),
            )
            .order_by("version__catalogue__agreement__reference")
        )
        return [
            {
                "agreement": f"{row['version__catalogue__agreement__reference']} "
                f"{row['version__catalogue__agreement__title']}",
                "items": row["items"],
                "without_image": row["without_image"],
                "without_classification": row["without_classification"],
                "without_eco_label": row["without_eco_label"],
            }
            for row in rows
        ]

    def price_changes_by_month(self) -> list[dict]:
        """Price increases and decreases in the versions published each month (from each version's diff)."""
        versions = CatalogueVersion.objects.filter(
            published_at__gte=_aware(self.period.first),
            published_at__lt=_aware(self.period.end),
            catalogue__agreement__in=self.agreements_in_view(),
        ).values_list("published_at", "diff_summary")
        months: dict[datetime.date, list[int]] = {month: [0, 0, 0] for month in self.period.months()}
        for published_at, summary in versions:
            month = month_of(timezone.localtime(published_at).date())
            if month in months:
                months[month][0] += int((summary or {}).get("price_increases") or 0)
                months[month][1] += int((summary or {}).get("price_decreases") or 0)
                months[month][2] += 1
        return [
            {"month": f"{month:%Y-%m}", "increases": inc, "decreases": dec, "versions": n}
            for month, (inc, dec, n) in months.items()
        ]

    def waiting_for_review(self) -> list[CatalogueVersion]:
        return list(
            CatalogueVersion.objects.filter(
                status=CatalogueVersion.Status.PENDING_REVIEW, catalogue__agreement__in=self.agreements_in_view()
            )
            .select_related("catalogue__supplier", "catalogue__agreement")
            .order_by("uploaded_at")[:50]
        )

    def expiring_catalogues(self, today: datetime.date | None = None) -> list[dict]:
        """Live catalogues whose agreement or version ends within EXPIRING_WITHIN_DAYS days."""
        today = today or timezone.localdate()
        horizon = today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
        catalogues = (
            Catalogue.objects.filter(live_version__isnull=False, agreement__in=self.agreements_in_view())
            .filter(Q(agreement__valid_to__lte=horizon) | Q(live_version__valid_to__lte=horizon))
            .select_related("supplier", "agreement", "live_version")
            .order_by("agreement__valid_to")
        )
        out = []
        for catalogue in catalogues:
            live = catalogue.live_version  # never None here (filtered above)
            ends = [d for d in (catalogue.agreement.valid_to, live.valid_to if live else None) if d]
            out.append(
                {
                    "supplier": catalogue.supplier.name,
                    "agreement": catalogue.agreement.reference,
                    "ends": min(ends),
                    "days_left": (min(ends) - today).days,
                }
            )
        return out


class CategoryInferrer:
    """The UNSPSC category a search most likely meant: the category whose Swedish or English name shares a
    word form (compound part, stem) with the query; then the agreements whose catalogues or declared
    categories cover it. Words shorter than four letters are ignored (too many false matches)."""

    def __init__(self) -> None:
        self.forms: list[tuple[str, set[str]]] = []
        for code, name in names().items():
            forms = _forms(f"{name.sv} {name.en}")
            if forms:
                self.forms.append((code, forms))
        self.covering: dict[str, set[str]] = defaultdict(set)
        for agreement in Agreement.objects.all():
            for code in (agreement.categories or "").replace(";", ",").split(","):
                code = code.strip()
                if len(code) == 8 and code.isdigit():
                    self.covering[segment_of(code)].add(agreement.reference)
        live = (
            CatalogueItem.objects.live()
            .exclude(unspsc="")
            .values_list("unspsc", "version__catalogue__agreement__reference")
            .distinct()
        )
        for unspsc, reference in live.iterator(chunk_size=5000):
            self.covering[segment_of(unspsc)].add(reference)

    def category(self, query: str) -> str | None:
        wanted = _forms(query)
        if not wanted:
            return None
        best = max(self.forms, key=lambda entry: (len(entry[1] & wanted), entry[0].endswith("000000")), default=None)
        if best is None or not best[1] & wanted:
            return None
        return best[0]

    def agreements(self, code: str) -> list[str]:
        return sorted(self.covering.get(segment_of(code), ()))


def _logged(first: datetime.date, end: datetime.date, zero_hit: bool):
    """The log's zero-hit (or low-hit) searches made from `first` up to `end`, with their lower-cased text."""
    logs = SearchLog.objects.filter(created_at__gte=_aware(first), created_at__lt=_aware(end))
    logs = logs.filter(zero_hit=True) if zero_hit else logs.filter(result_count__gte=1, result_count__lte=LOW_HIT_MAX)
    return logs.annotate(text=Lower("query"))


def _counted_from_log(
    first: datetime.date, end: datetime.date, zero_hit: bool, organisation: BuyerOrganisation | None = None
) -> list[tuple[str, int]]:
    """How often each text was searched: for one organisation, or for everyone (None)."""
    logs = _logged(first, end, zero_hit)
    if organisation is not None:
        logs = logs.filter(organisation=organisation)
    rows = logs.values("text").annotate(n=Count("pk")).order_by()
    return [(row["text"], row["n"]) for row in rows]


def count_search_months(months: list[datetime.date]) -> None:
    """Count the closed months not counted yet into SearchMonth (once per month, on first need)."""
    done = set(SearchMonthCounted.objects.filter(month__in=months).values_list("month", flat=True))
    for month in sorted(set(months) - done):
        end = add_months(month, 1)
        with transaction.atomic():
            _created, new = SearchMonthCounted.objects.get_or_create(month=month)
            if not new:
                continue  # another request counted it meanwhile
            SearchMonth.objects.bulk_create(
                [
                    SearchMonth(
                        month=month,
                        organisation_id=row["organisation_id"],
                        zero_hit=zero_hit,
                        text=row["text"][:200],
                        count=row["n"],
                    )
                    for zero_hit in (True, False)
                    for row in _logged(month, end, zero_hit)
                    .values("organisation_id", "text")
                    .annotate(n=Count("pk"))
                    .order_by()
                ],
                batch_size=2000,
            )


def forget_search_months() -> None:
    """Drop the counted months (after writing log rows into the past, as the demo and bench data do)."""
    SearchMonth.objects.all().delete()
    SearchMonthCounted.objects.all().delete()


def _forms(text: str) -> set[str]:
    return {form for form in swedish_text.normalise(text).split() if len(form) >= 4}


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
