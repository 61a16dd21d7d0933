"""Live figures for the public follow-up page (hub.guidance's LiveFiguresBlock): the editor picks a figure,
a period and optionally an organisation; the numbers are computed at each view from the kept monthly sums."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup import charts
from followup.figures import Figures, Period
from hub.money import format_amount
from hub.organisations.models import BuyerOrganisation

FIGURES = (
    ("compliance_by_month", gettext_lazy("Avtalstrohet per månad")),
    ("compliance_by_organisation", gettext_lazy("Avtalstrohet per organisation")),
    ("spend_by_category", gettext_lazy("Inköp per kategori")),
    ("spend_by_agreement", gettext_lazy("Inköp per avtal")),
)
PERIODS = (
    ("last_12_months", gettext_lazy("De senaste tolv månaderna")),
    ("this_year", gettext_lazy("Innevarande år")),
    ("last_year", gettext_lazy("Förra året")),
)
MAX_ROWS = 12


def organisation_choices() -> list[tuple[str, str]]:
    """Every buyer organisation, for the block's chooser (blank: all organisations)."""
    return [(str(pk), name) for pk, name in BuyerOrganisation.objects.order_by("name").values_list("pk", "name")]


def period_for(key: str, today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    if key == "this_year":
        return Period(datetime.date(today.year, 1, 1), today.replace(day=1))
    if key == "last_year":
        return Period.year(today.year - 1)
    return Period.last_months(12, today)


@dataclass(frozen=True)
class LiveFigures:
    title: str
    period: Period
    subject: str
    label_heading: str
    value_heading: str
    rows: list[tuple[str, str]]  # label, value as shown
    chart: dict
    updated: datetime.datetime


def _share(row) -> tuple[Decimal | None, str]:
    share = row.share
    return share, (_("inga inköp") if share is None else f"{share} %".replace(".", ","))


def live_figures(figure: str, period_key: str, organisation_id: str | int | None = None) -> LiveFigures:
    organisation = None
    if organisation_id:
        organisation = BuyerOrganisation.objects.filter(pk=organisation_id).first()
    period = period_for(period_key)
    figures = Figures(period, organisation)
    title = dict(FIGURES).get(figure, FIGURES[0][1])
    if figure == "compliance_by_organisation":
        rows = [(row.label, *_share(row)) for row in figures.by("organisation")[:MAX_ROWS]]
        label_heading, value_heading = _("Organisation"), _("Andel på avtal")
    elif figure in ("spend_by_category", "spend_by_agreement"):
        dimension = "category" if figure == "spend_by_category" else "agreement"
        rows = [(row.label, row.total, format_amount(row.total)) for row in figures.by(dimension)[:MAX_ROWS]]
        label_heading = _("Kategori") if dimension == "category" else _("Avtal")
        value_heading = _("Inköp exkl. moms")
    else:
        rows = [(row.label, *_share(row)) for row in figures.by_month()]
        label_heading, value_heading = _("Månad"), _("Andel på avtal")
    is_share = figure != "spend_by_category" and figure != "spend_by_agreement"
    if is_share and figure == "compliance_by_month":
        chart = charts.line_chart(str(title), rows)
    else:
        chart = charts.bar_chart(str(title), rows, maximum=100 if is_share else None)
    chart["kind"] = "line" if is_share and figure == "compliance_by_month" else "bars"
    return LiveFigures(
        title=str(title),
        period=period,
        subject=organisation.name if organisation else _("alla organisationer"),
        label_heading=label_heading,
        value_heading=value_heading,
        rows=[(label, text) for label, _value, text in rows],
        chart=chart,
        updated=timezone.now(),
    )
