"""Follow-up in the Wagtail admin: the dashboard, its exports, and the finance-system import with overrides."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalogue.models import Agreement
from followup import charts, exports
from followup.access import IMPORT_PERMISSION, VIEW_PERMISSION, NotAllowed, chosen_organisation, organisations_for
from followup.figures import LOW_HIT_MAX, MAX_PERIOD_MONTHS, Figures, Period, parse_month
from followup.models import Purchase, PurchaseImport
from followup.purchases import import_purchases, override_agreement
from hub.money import format_amount

PURCHASES_SHOWN = 100


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "followup/forbidden.html", status=403)


def _period(request: HttpRequest) -> tuple[Period, list[str]]:
    """The period from ?fran=YYYY-MM&till=YYYY-MM; the last twelve months when missing or wrong."""
    default = Period.last_months(12)
    problems = []
    first, last = parse_month(request.GET.get("fran")), parse_month(request.GET.get("till"))
    if (request.GET.get("fran") and first is None) or (request.GET.get("till") and last is None):
        problems.append(_("Ange månader som ÅÅÅÅ-MM; visar de senaste tolv månaderna"))
    first, last = first or default.first, last or default.last
    if first > last:
        problems.append(_("Perioden börjar efter att den slutar; visar de senaste tolv månaderna"))
        first, last = default.first, default.last
    if Period(first, last).month_count() > MAX_PERIOD_MONTHS:
        problems.append(_("Högst fem år åt gången; visar de senaste tolv månaderna"))
        first, last = default.first, default.last
    return Period(first, last), problems


def _share_text(share) -> str:
    return _("inga inköp") if share is None else f"{share} %".replace(".", ",")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        organisation = chosen_organisation(request.user, request.GET.get("organisation"))
        choices = organisations_for(request.user)
    except NotAllowed:
        return forbidden(request)
    period, problems = _period(request)
    figures = Figures(period, organisation)
    total = figures.total()
    months = figures.by_month()
    spend = {dimension: figures.by(dimension)[:15] for dimension in ("agreement", "supplier", "category")}
    if organisation is None:
        spend["organisation"] = figures.by("organisation")[:15]
    titles = {
        "agreement": _("Inköp per avtal"),
        "supplier": _("Inköp per leverantör"),
        "category": _("Inköp per kategori"),
        "organisation": _("Inköp per organisation"),
    }
    spend_sections = [
        {
            "key": key,
            "title": titles[key],
            "rows": rows,
            "chart": charts.bar_chart(titles[key], [(row.label, row.total, format_amount(row.total)) for row in rows]),
        }
        for key, rows in spend.items()
    ]
    trend_title = _("Avtalstrohet per månad")
    zero_hits = figures.searches(zero_hit=True)
    low_hits = figures.searches(zero_hit=False)
    health = figures.items_per_agreement()
    price_changes = figures.price_changes_by_month()
    query = request.GET.copy()
    context = {
        "page_title": _("Uppföljning"),
        "header_icon": "table",
        "period": period,
        "problems": problems,
        "organisation": organisation,
        "choices": choices,
        "show_all_option": organisation is None or choices.count() > 1,
        "total": total,
        "total_text": format_amount(total.total),
        "on_agreement_text": format_amount(total.on_agreement),
        "share_text": _share_text(total.share),
        "months": [{"row": row, "share_text": _share_text(row.share)} for row in months],
        "trend_chart": charts.line_chart(
            trend_title, [(row.label, row.share, _share_text(row.share)) for row in months]
        ),
        "spend_sections": spend_sections,
        "zero_hits": zero_hits,
        "low_hits": low_hits,
        "low_hit_max": LOW_HIT_MAX,
        "zero_chart": charts.bar_chart(
            _("Sökningar utan träffar"), [(row.query, row.count, str(row.count)) for row in zero_hits[:10]]
        ),
        "health": health,
        "health_chart": charts.bar_chart(
            _("Artiklar per avtal"), [(row["agreement"], row["items"], str(row["items"])) for row in health]
        ),
        "price_changes": price_changes,
        "price_chart": charts.bar_chart(
            _("Prishöjningar per månad"),
            [(row["month"], row["increases"], str(row["increases"])) for row in price_changes],
        ),
        "waiting": figures.waiting_for_review(),
        "expiring": figures.expiring_catalogues(),
        "query_string": query.urlencode(),
        "may_import": request.user.has_perm(IMPORT_PERMISSION),
    }
    return render(request, "followup/dashboard.html", context)


@require_GET
def export(request: HttpRequest, section: str, fmt: str) -> HttpResponse:
    if section not in exports.SECTIONS or fmt not in exports.FORMATS:
        return HttpResponse(status=404)
    try:
        organisation = chosen_organisation(request.user, request.GET.get("organisation"))
    except NotAllowed:
        return forbidden(request)
    period, _problems = _period(request)
    headings, rows = exports.table(section, Figures(period, organisation))
    body = exports.to_csv(headings, rows) if fmt == "csv" else exports.to_xlsx(headings, rows, title=section)
    response = HttpResponse(body, content_type=exports.FORMATS[fmt])
    name = f"uppfoljning-{section}-{period.first:%Y-%m}-{period.last:%Y-%m}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def purchases(request: HttpRequest) -> HttpResponse:
    """Upload a finance-system file; see the latest purchases, how each was matched, and override."""
    try:
        organisation = chosen_organisation(
            request.user, request.POST.get("organisation") or request.GET.get("organisation"), IMPORT_PERMISSION
        )
        choices = organisations_for(request.user, IMPORT_PERMISSION)
    except NotAllowed:
        return forbidden(request)
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if organisation is None:
            messages.error(request, _("Välj organisationen som filen kommer från"))
        elif upload is None:
            messages.error(request, _("Välj en fil (CSV eller .xlsx)"))
        else:
            result = import_purchases(upload.read(), upload.name or "", organisation, user=request.user)
            if result.ok:
                messages.success(
                    request,
                    _("%(rows)s inköp importerade, %(matched)s matchade mot avtal på leverantör och datum")
                    % {"rows": result.row_count, "matched": result.matched},
                )
                return redirect(f"{reverse('followup:purchases')}?organisation={organisation.pk}")
    shown = Purchase.objects.select_related("agreement", "supplier", "organisation").order_by("-purchased_on", "-pk")
    batches = PurchaseImport.objects.select_related("organisation")
    if organisation is not None:
        shown, batches = shown.filter(organisation=organisation), batches.filter(organisation=organisation)
    else:
        shown, batches = shown.filter(organisation__in=choices), batches.filter(organisation__in=choices)
    agreements = Agreement.objects.order_by("reference")
    context = {
        "page_title": _("Inköp från ekonomisystemet"),
        "header_icon": "upload",
        "organisation": organisation,
        "choices": choices,
        "result": result,
        "purchases": [{"purchase": p, "amount_text": format_amount(p.amount)} for p in shown[:PURCHASES_SHOWN]],
        "batches": batches[:10],
        "agreements": agreements,
        "may_view": request.user.has_perm(VIEW_PERMISSION),
    }
    return render(request, "followup/purchases.html", context, status=400 if result and not result.ok else 200)


@require_POST
def purchase_agreement(request: HttpRequest, purchase_id: int) -> HttpResponse:
    """Override the agreement a purchase was matched to (blank: on no agreement)."""
    try:
        allowed = organisations_for(request.user, IMPORT_PERMISSION)
    except NotAllowed:
        return forbidden(request)
    purchase = Purchase.objects.filter(organisation__in=allowed, pk=purchase_id).select_related("batch").first()
    if purchase is None:  # another organisation's purchase, or none at all
        return forbidden(request)
    agreement_id = request.POST.get("agreement") or ""
    agreement = None
    if agreement_id:
        agreement = Agreement.objects.filter(pk=agreement_id).first() if agreement_id.isdigit() else None
        if agreement is None:
            messages.error(request, _("Avtalet finns inte"))
            return redirect(f"{reverse('followup:purchases')}?organisation={purchase.organisation_id}")
    override_agreement(purchase, agreement)
    messages.success(
        request,
        _("Rad %(row)s i %(file)s: avtalet ändrat")
        % {"row": purchase.row_number, "file": purchase.batch.original_filename},
    )
    return redirect(f"{reverse('followup:purchases')}?organisation={purchase.organisation_id}")
