"""The follow-up figures API for a buyer organisation's staff (a django-ninja Router, mounted by hub.api at
/api/v1/followup/; the schema is at /api/v1/openapi.json).

    GET /api/v1/followup/spend?from=YYYY-MM&to=YYYY-MM&by=agreement|supplier|category|month
    GET /api/v1/followup/compliance?from=&to=        avtalstrohet: the share on valid agreements, total and per month
    GET /api/v1/followup/unmet-demand?from=&to=&kind=zero|low&limit=   top zero-hit / low-hit searches

Authenticated with the organisation's token (`create_organisation_token ORGNR`, `Authorization: Bearer …`);
every call answers for `request.auth.organisation` only. The figures are followup.figures.Figures,
the same computation the dashboards, exports and the public page read. Amounts are strings with two decimals
("1234.50") and a currency; shares are percent with one decimal ("80.0"), null when nothing was spent.

A missing period is the last twelve months (as on the dashboard); a month not written YYYY-MM is a 422, a
period that ends before it starts or is longer than five years a 400, both with the bilingual error body.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from ninja import Field, Query, Router, Schema

from catalogue.api import ErrorOut, error
from catalogue.models import Agreement
from followup.figures import LOW_HIT_MAX, MAX_PERIOD_MONTHS, MONTH_PATTERN, Figures, Period, SpendRow, parse_month
from hub.organisations.api_tokens import OrganisationToken
from hub.organisations.models import OrganisationApiToken
from search.categories import category_label

CURRENCY = "SEK"  # what the basket lines and the finance files are kept in
CENT = Decimal("0.01")
MAX_SEARCHES = 100
AMOUNT_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"

router = Router(auth=OrganisationToken(), tags=["Uppföljning / Follow-up"])


class TokenRequest(HttpRequest):
    """A request ninja let through OrganisationToken (for type checking: ninja sets `auth`)."""

    auth: OrganisationApiToken


Dimension = Literal["agreement", "supplier", "category", "month"]
SearchKind = Literal["zero", "low"]
FROM = Query(None, alias="from", pattern=MONTH_PATTERN, description="First month, YYYY-MM (default: 11 months ago)")
TO = Query(None, alias="to", pattern=MONTH_PATTERN, description="Last month, YYYY-MM (default: this month)")


class OrganisationOut(Schema):
    name: str
    orgnr: str


class PeriodOut(Schema):
    from_month: str = Field(alias="from", description="YYYY-MM")
    to_month: str = Field(alias="to", description="YYYY-MM, inclusive")


class AmountsOut(Schema):
    amount: str = Field(pattern=AMOUNT_PATTERN, description="Spend excluding VAT, two decimals")
    on_agreement: str = Field(pattern=AMOUNT_PATTERN, description="Of which on a valid agreement")
    share_on_agreement: str | None = Field(
        pattern=r"^-?[0-9]+\.[0-9]$", description="Percent, one decimal; null when nothing was spent"
    )


class SpendRowOut(AmountsOut):
    key: str = Field(
        description="agreement: its reference ('' = no agreement); supplier: orgnr; category: UNSPSC segment "
        "('' = unknown); month: YYYY-MM"
    )
    label: str = Field(description="In Swedish")
    label_en: str


class SpendOut(Schema):
    organisation: OrganisationOut
    period: PeriodOut
    by: Dimension
    currency: str
    total: AmountsOut
    rows: list[SpendRowOut]


class MonthOut(AmountsOut):
    month: str = Field(description="YYYY-MM")


class ComplianceOut(Schema):
    organisation: OrganisationOut
    period: PeriodOut
    currency: str
    total: AmountsOut
    months: list[MonthOut] = Field(description="Every month of the period, also those without spend")


class UnmetSearchOut(Schema):
    query: str = Field(description="As searched, lower case; e-mail addresses, personnummer and phone numbers masked")
    count: int
    category: str = Field(description="The inferred UNSPSC category in Swedish, or ''")
    category_en: str
    category_code: str
    agreements: list[str] = Field(description="References of the agreements covering that category")


class UnmetDemandOut(Schema):
    organisation: OrganisationOut
    period: PeriodOut
    kind: SearchKind
    low_hit_max: int = Field(description="A low-hit search found 1 to this many items")
    results: list[UnmetSearchOut]


def period_or_error(first: str | None, last: str | None) -> Period | JsonResponse:
    """The period asked for; the last twelve months for what is missing, as the dashboard does."""
    default = Period.last_months(12)
    first_month, last_month = parse_month(first), parse_month(last)
    if (first and first_month is None) or (last and last_month is None):  # the schema's pattern lets none through
        return error(422, "Ange månader som ÅÅÅÅ-MM", "Give months as YYYY-MM", code="month_format")
    period = Period(first_month or default.first, last_month or default.last)
    if period.first > period.last:
        return error(
            400,
            f"Perioden börjar ({period.first:%Y-%m}) efter att den slutar ({period.last:%Y-%m})",
            f"The period starts ({period.first:%Y-%m}) after it ends ({period.last:%Y-%m})",
            code="period_reversed",
        )
    if period.month_count() > MAX_PERIOD_MONTHS:
        return error(
            400,
            f"Högst {MAX_PERIOD_MONTHS} månader åt gången",
            f"At most {MAX_PERIOD_MONTHS} months at a time",
            code="period_too_long",
        )
    return period


def amount_text(amount: Decimal) -> str:
    return str(Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP))


def amounts(row: SpendRow) -> dict:
    return {
        "amount": amount_text(row.total),
        "on_agreement": amount_text(row.on_agreement),
        "share_on_agreement": None if row.share is None else str(row.share),
    }


def _head(request: TokenRequest, period: Period) -> dict:
    organisation = request.auth.organisation
    return {
        "organisation": {"name": organisation.name, "orgnr": organisation.orgnr},
        "period": _period_json(period),
    }


def _period_json(period: Period) -> dict:
    return {"from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"}


def _rows_in(language: str, figures: Figures, by: str) -> list[SpendRow]:
    with translation.override(language):
        return figures.by_month() if by == "month" else figures.by(by)


def _keys(by: str, rows: list[SpendRow]) -> dict:
    """The figures' keys as callers know them: an agreement by its reference, not the hub's row id."""
    if by == "month":
        return {row.key: f"{row.key:%Y-%m}" for row in rows}
    if by == "agreement":
        ids = [int(str(row.key)) for row in rows if row.key]
        references = dict(Agreement.objects.filter(pk__in=ids).values_list("pk", "reference"))
        # An agreement deleted since keeps its row id (its label says the same).
        return {row.key: references.get(int(str(row.key)), row.label) if row.key else "" for row in rows}
    return {row.key: str(row.key) for row in rows}


@router.get(
    "/spend",
    url_name="spend",
    summary="Inköp per avtal, leverantör, kategori eller månad / Spend per agreement, supplier, category or month",
    response={200: SpendOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    by_alias=True,
)
def spend(
    request: TokenRequest,
    first: str | None = FROM,
    last: str | None = TO,
    by: Dimension = Query("agreement", description="What the spend is shown per"),
):
    """The organisation's spend in the period, largest first (by month: every month in order)."""
    period = period_or_error(first, last)
    if isinstance(period, JsonResponse):
        return period
    figures = Figures(period, request.auth.organisation)
    rows = _rows_in("sv", figures, by)
    english = {row.key: row.label for row in _rows_in("en", figures, by)}
    keys = _keys(by, rows)
    return {
        **_head(request, period),
        "by": by,
        "currency": CURRENCY,
        "total": amounts(figures.total()),
        "rows": [
            {"key": keys[row.key], "label": row.label, "label_en": english.get(row.key, row.label), **amounts(row)}
            for row in rows
        ],
    }


@router.get(
    "/compliance",
    url_name="compliance",
    summary="Avtalstrohet, totalt och per månad / Contract compliance, in total and per month",
    response={200: ComplianceOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    by_alias=True,
)
def compliance(request: TokenRequest, first: str | None = FROM, last: str | None = TO):
    """The share of the organisation's spend on valid agreements (agreement in force that day, supplier party
    to it), for the period and for each month of it."""
    period = period_or_error(first, last)
    if isinstance(period, JsonResponse):
        return period
    figures = Figures(period, request.auth.organisation)
    return {
        **_head(request, period),
        "currency": CURRENCY,
        "total": amounts(figures.total()),
        "months": [{"month": f"{row.key:%Y-%m}", **amounts(row)} for row in figures.by_month()],
    }


@router.get(
    "/unmet-demand",
    url_name="unmet-demand",
    summary="Sökningar utan eller med få träffar / Searches with no or few results",
    response={200: UnmetDemandOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    by_alias=True,
)
def unmet_demand(
    request: TokenRequest,
    first: str | None = FROM,
    last: str | None = TO,
    kind: SearchKind = Query("zero", description=f"zero: no results; low: 1 to {LOW_HIT_MAX} results"),
    limit: int = Query(20, ge=1, le=MAX_SEARCHES),
):
    """The most frequent searches made for the organisation (by its signed-in staff, or in its punchout
    sessions) that found nothing, or little. The search log keeps the organisation, never the person."""
    period = period_or_error(first, last)
    if isinstance(period, JsonResponse):
        return period
    rows = Figures(period, request.auth.organisation).searches(zero_hit=kind == "zero", limit=limit)
    return {
        **_head(request, period),
        "kind": kind,
        "low_hit_max": LOW_HIT_MAX,
        "results": [
            {
                "query": row.query,
                "count": row.count,
                "category": _category_in("sv", row.category_code),
                "category_en": _category_in("en", row.category_code),
                "category_code": row.category_code,
                "agreements": [ref for ref in row.agreements.split(", ") if ref],
            }
            for row in rows
        ],
    }


def _category_in(language: str, code: str) -> str:
    if not code:
        return ""
    with translation.override(language):
        return category_label(code)
