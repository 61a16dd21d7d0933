"""Peppol addresses: the Punch Out 3 start and basket fetch, and the shop's Peppol Order (T01) download.

The protocol is in punchout.protocols.peppol and docs/punchout.md. The start is posted by the shopper's
browser (the token stays out of URLs and logs); the fetch is server to server with the shared secret in the
Authorization header, never in the URL.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from punchout import orders, sessions, throttle
from punchout.models import PunchoutSession
from punchout.protocols import peppol
from punchout.views import frame_policy, outside_locale_redirects, shop_page, shop_url

logger = logging.getLogger(__name__)


def _start_refused(request: HttpRequest, error: peppol.StartRefused | None, status: int, reason: str) -> HttpResponse:
    system = error.system if error is not None else None
    context = {
        "reason_template": "punchout/_peppol_refused_reason.html",
        "reason": reason,
        "technical_detail": error.detail if error is not None else "",
    }
    response = render(request, "punchout/refused.html", context, status=status)
    return outside_locale_redirects(frame_policy(request, response, system), request)


@csrf_exempt
def start(request: HttpRequest) -> HttpResponse:
    """POST /punchout/peppol/start/ with `token`: a signed, single-use start token opens the shop."""
    if request.method != "POST":
        response = _start_refused(request, None, 405, "method")
        response["Allow"] = "POST"
        return response
    if throttle.is_blocked(request):
        response = _start_refused(request, None, 429, "throttled")
        response["Retry-After"] = str(settings.PUNCHOUT_SETUP_COOLOFF_SECONDS)
        return response
    try:
        start_request = peppol.read_start_token(request.POST.get("token", ""))
        session, key = peppol.open_session(start_request)
    except peppol.StartRefused as refused:
        logger.info("Peppol punchout start refused (%s)", refused.reason)
        if refused.status == 401:
            throttle.record_failure(request)
        return _start_refused(request, refused, refused.status, refused.reason)
    except peppol.NotConfigured:
        logger.error("Peppol punchout start refused: HUB_PEPPOL_ID is not set")
        return _start_refused(request, None, 503, "not_configured")
    logger.info("Peppol session %s opened", session.pk)
    response = HttpResponseRedirect(reverse("punchout:shop", args=[key]), status=303)
    return outside_locale_redirects(frame_policy(request, response, session.buyer_system), request)


def _bearer(request: HttpRequest) -> str:
    scheme, _, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


@require_GET
def basket(request: HttpRequest, basket_id: str) -> HttpResponse:
    """GET /punchout/peppol/basket/<id>/ with `Authorization: Bearer <shared secret>`: the T77 document."""
    if throttle.is_blocked(request):
        response = HttpResponse("Too many refused requests; try again later\n", status=429, content_type="text/plain")
        response["Retry-After"] = str(settings.PUNCHOUT_SETUP_COOLOFF_SECONDS)
        return outside_locale_redirects(response, request)
    try:
        document = peppol.fetch_basket(basket_id, _bearer(request))
    except peppol.FetchRefused as refused:
        if refused.status == 401:
            throttle.record_failure(request)
        response = HttpResponse(refused.detail + "\n", status=refused.status, content_type="text/plain")
        if refused.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="punchout"'
        return outside_locale_redirects(response, request)
    response = HttpResponse(document, content_type="application/xml; charset=UTF-8")
    response["Cache-Control"] = "no-store"
    return outside_locale_redirects(response, request)


@require_GET
@shop_page
def order_download(request: HttpRequest, session: PunchoutSession, key: str, orgnr: str) -> HttpResponse:
    """The basket's lines from one supplier as a Peppol BIS Order 3 (T01) document, to download."""
    lines, changed = sessions.refresh_basket(session)
    if changed:
        return HttpResponseRedirect(shop_url(key, meddelande="changed") + "#varukorg", status=303)
    try:
        document = orders.order_document(session, lines, orgnr)
    except ValueError:
        return HttpResponseRedirect(shop_url(key) + "#varukorg", status=303)
    response = HttpResponse(document, content_type="application/xml; charset=UTF-8")
    response["Content-Disposition"] = f'attachment; filename="{orders.order_filename(session, orgnr)}"'
    return response
