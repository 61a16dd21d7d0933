"""Punchout endpoints and the shop pages (outside i18n_patterns: the language comes from the session).

The shop runs inside an iframe of the ordering system, on another site, where the hub's cookies are
third-party cookies that browsers block. So these pages set no cookie and read none: the session key
travels in the URL path (see docs/punchout.md), and the forms are CSRF-exempt because that key, which a
cross-site attacker cannot know, is what authorises them. Each page may be framed only by the buyer
system's registered origins (CSP frame-ancestors instead of the global X-Frame-Options DENY).
"""

from __future__ import annotations

import logging
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode, urlsplit

from csp.constants import NONE
from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from punchout import orders, sessions, throttle
from punchout.models import BuyerSystem, Protocol, PunchoutSession
from punchout.protocols import cxml, oci
from search.service import autocomplete, search
from search.views import query_from_request

logger = logging.getLogger(__name__)
CXML_CONTENT_TYPE = "text/xml; charset=UTF-8"
READ_CHUNK = 64 * 1024


# django-csp sets a response's own policy through its view decorators (csp_replace, csp_update). Here the
# directives depend on the session, known only inside the view, so the decorator is applied to a view that
# answers the response already made.
def replace_csp(request: HttpRequest, response: HttpResponse, directives: dict[str, list[str]]) -> None:
    """Replace these directives of the global policy for this response (e.g. frame-ancestors)."""
    csp_replace(directives)(lambda _request: response)(request)


def extend_csp(request: HttpRequest, response: HttpResponse, directives: dict[str, list[str]]) -> None:
    """Add these sources to the global policy's directives for this response (e.g. form-action)."""
    csp_update(directives)(lambda _request: response)(request)


def outside_locale_redirects(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    # LocaleMiddleware would retry a 404 under /sv/ (Wagtail's catch-all resolves every path); pointing it
    # at this app's own patterns, which use no language prefix, switches that off (as hub.api does for the API).
    request.urlconf = "punchout.urls"  # type: ignore[attr-defined]  # documented, but not in django-stubs
    return response


# ------------------------------------------------------------------------------------------ cXML setup


def _cxml_answer(request: HttpRequest, code: int, detail: str) -> HttpResponse:
    response = HttpResponse(cxml.status_response(code, detail), status=code, content_type=CXML_CONTENT_TYPE)
    return outside_locale_redirects(response, request)


def _read_limited(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` (read no further than that)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = request.read(READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


@csrf_exempt
def cxml_setup(request: HttpRequest) -> HttpResponse:
    """POST /punchout/cxml/: a PunchOutSetupRequest in, a PunchOutSetupResponse or a cXML Status out.

    The HTTP status equals the cXML Status code, so both a cXML client and a plain HTTP monitor see it.
    """
    if request.method != "POST":
        response = _cxml_answer(request, 405, "POST a cXML PunchOutSetupRequest to this address")
        response["Allow"] = "POST"
        return response
    if throttle.is_blocked(request):
        response = _cxml_answer(request, 429, "Too many refused setup requests from this address; try again later")
        response["Retry-After"] = str(settings.PUNCHOUT_SETUP_COOLOFF_SECONDS)
        return response
    body = _read_limited(request, settings.PUNCHOUT_MAX_REQUEST_BYTES)
    if body is None:
        # The rest of the body is never read; the server closes the connection.
        return _cxml_answer(request, 413, f"The request is larger than {settings.PUNCHOUT_MAX_REQUEST_BYTES} bytes")
    try:
        setup = cxml.parse_setup_request(body, request.encoding or _charset(request))
        session, token = sessions.open_cxml_session(setup)
    except cxml.CxmlError as error:
        # Only the code is logged: the detail may quote the request, never the secret, but stays out all the same.
        logger.info("cXML setup refused with %s", error.code)
        if error.code == 401:
            throttle.record_failure(request)
        return _cxml_answer(request, error.code, error.detail)
    except Exception:
        logger.exception("cXML setup failed")
        return _cxml_answer(request, 500, "The hub could not open the session; try again later")
    start_url = settings.HUB_BASE_URL + reverse("punchout:start", args=[token])
    response = HttpResponse(cxml.setup_response(start_url), content_type=CXML_CONTENT_TYPE)
    logger.info("cXML session %s opened (%s)", session.pk, session.operation)
    return outside_locale_redirects(response, request)


def _charset(request: HttpRequest) -> str | None:
    content_type = request.META.get("CONTENT_TYPE", "")
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return None


# ------------------------------------------------------------------------------------------ OCI start


def _oci_refused(request: HttpRequest, error: oci.OciError) -> HttpResponse:
    """The page the shopper sees (Swedish and English, as the language is not known yet)."""
    context = {"reason_template": "punchout/_oci_refused_reason.html", "reason": error.reason, "detail": error.detail}
    response = render(request, "punchout/refused.html", context, status=error.status)
    response["Cache-Control"] = "no-store"
    if error.frame_origins:
        replace_csp(request, response, {"frame-ancestors": list(error.frame_origins)})
        response.xframe_options_exempt = True
    return outside_locale_redirects(response, request)


def _params(values) -> dict[str, str]:
    return {name: values.get(name, "") for name in values}


@csrf_exempt
def oci_start(request: HttpRequest) -> HttpResponse:
    """GET or POST /punchout/oci/: the ordering system's catalogue call, in the shopper's browser.

    The login is USERNAME and PASSWORD in the posted form, or TOKEN (from /punchout/oci/token/). The shop
    opens at once (303 to its session-key address); a refusal is a page saying why, never an echo of a secret.
    """
    if request.method not in ("GET", "POST"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, POST"
        return outside_locale_redirects(response, request)
    if throttle.is_blocked(request):
        response = _oci_refused(request, oci.OciError(429, "throttled"))
        response["Retry-After"] = str(settings.PUNCHOUT_SETUP_COOLOFF_SECONDS)
        return response
    try:
        call = oci.parse_start(_params(request.GET), _params(request.POST) if request.method == "POST" else {})
        session, key = sessions.open_oci_session(call)
    except oci.OciError as error:
        logger.info("OCI start refused: %s", error.reason)  # the reason only: never a field's value
        if error.status == 401:
            throttle.record_failure(request)
        return _oci_refused(request, error)
    except sessions.SessionUnavailable as error:
        return _unavailable(request, error)
    logger.info("OCI session %s opened", session.pk)
    response = HttpResponseRedirect(reverse("punchout:shop", args=[key]), status=303)
    return outside_locale_redirects(frame_policy(request, response, session.buyer_system), request)


@csrf_exempt
@require_POST
def oci_token(request: HttpRequest) -> HttpResponse:
    """POST /punchout/oci/token/ (server to server, USERNAME and PASSWORD in the body): a signed start token
    that opens one session within PUNCHOUT_START_TOKEN_SECONDS, for ordering systems that start by GET."""
    if throttle.is_blocked(request):
        response = JsonResponse({"error": "Too many refused logins from this address; try again later"}, status=429)
        response["Retry-After"] = str(settings.PUNCHOUT_SETUP_COOLOFF_SECONDS)
        return outside_locale_redirects(response, request)
    if oci.has_password(_params(request.GET)):
        error = oci.OciError(400, "password_in_url")
        return outside_locale_redirects(JsonResponse({"error": oci.ENGLISH[error.reason]}, status=400), request)
    login = oci.StartRequest(
        hook_url="",
        target=oci.DEFAULT_TARGET,
        ok_code=oci.DEFAULT_OK_CODE,
        caller=oci.DEFAULT_CALLER,
        username=request.POST.get("USERNAME", "").strip(),
        password=request.POST.get("PASSWORD", "").strip(),
    )
    try:
        system, _single_use = sessions.authenticate_oci(login)
        if not system.speaks(Protocol.OCI):
            raise oci.OciError(403, "not_oci")
    except oci.OciError as error:
        logger.info("OCI token refused: %s", error.reason)
        if error.status == 401:
            throttle.record_failure(request)
        response = JsonResponse({"error": oci.ENGLISH[error.reason]}, status=error.status)
        return outside_locale_redirects(response, request)
    token, _nonce = oci.new_start_token(system.pk)
    response = JsonResponse({"token": token, "expires_in": settings.PUNCHOUT_START_TOKEN_SECONDS})
    response["Cache-Control"] = "no-store"
    return outside_locale_redirects(response, request)


# ------------------------------------------------------------------------------------------ shop pages


def frame_policy(request: HttpRequest, response: HttpResponse, system: BuyerSystem | None) -> HttpResponse:
    """A punchout page: framed only by the buyer system's registered origins, no referrer, never cached."""
    origins = list(system.frame_origins) if system is not None else []
    # The global policy says frame-ancestors 'none' and X-Frame-Options DENY; here the registered origins.
    replace_csp(request, response, {"frame-ancestors": origins or [NONE]})
    response.xframe_options_exempt = True
    response["Referrer-Policy"] = "no-referrer"  # the session key is in the path
    response["Cache-Control"] = "no-store"
    return response


def _unavailable(request: HttpRequest, error: sessions.SessionUnavailable) -> HttpResponse:
    status = 404 if error.reason == "unknown" else 410
    response = render(request, "punchout/unavailable.html", {"reason": error.reason}, status=status)
    return outside_locale_redirects(
        frame_policy(request, response, error.session.buyer_system if error.session else None), request
    )


def shop_page(view):
    """Find the session by the key in the path, speak its language, and frame it for its buyer system."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, key: str, *args, **kwargs) -> HttpResponse:
        try:
            session = sessions.session_for_key(key)
        except sessions.SessionUnavailable as error:
            return _unavailable(request, error)
        chosen = request.GET.get("lang")
        if chosen in dict(settings.LANGUAGES) and chosen != session.language:
            session.language = chosen
            session.save(update_fields=["language"])
        with translation.override(session.language):
            response = view(request, session, key, *args, **kwargs)
        return outside_locale_redirects(frame_policy(request, response, session.buyer_system), request)

    return wrapper


@require_GET
def start(request: HttpRequest, token: str) -> HttpResponse:
    """The StartPage URL: works once, then the shop lives at its own session key."""
    try:
        session, key = sessions.start(token)
    except sessions.SessionUnavailable as error:
        return _unavailable(request, error)
    response = HttpResponseRedirect(reverse("punchout:shop", args=[key]), status=303)
    return outside_locale_redirects(frame_policy(request, response, session.buyer_system), request)


def shop_url(key: str, **params: str) -> str:
    url = reverse("punchout:shop", args=[key])
    params = {name: value for name, value in params.items() if value}
    return f"{url}?{urlencode(params)}" if params else url


def _facet_groups(result) -> list[tuple[str, str, list]]:
    titles = (
        ("supplier", _("Leverantör")),
        ("agreement", _("Avtal")),
        ("eco_label", _("Miljömärkning")),
        ("price", _("Pris")),
    )
    return [(name, title, result.facets.get(name, [])) for name, title in titles if result.facets.get(name)]


@require_GET
@shop_page
def shop(request: HttpRequest, session: PunchoutSession, key: str) -> HttpResponse:
    # The search page's own parameters (q, page, supplier, agreement, …), run within the session's scope.
    query, _notes = query_from_request(request)
    query.q, query.page_size, query.log = query.q[:500], 20, False
    result = None if session.read_only else search(query, scope=session.scope())
    kept = request.GET.copy()
    for name in ("page", "lang", "meddelande"):
        kept.pop(name, None)
    lines, _changed = sessions.refresh_basket(session)
    context = {
        "session": session,
        "key": key,
        "q": query.q,
        "result": result,
        "facet_groups": _facet_groups(result) if result else [],
        "query_string": kept.urlencode(),
        "lines": lines,
        "totals": sessions.totals(lines),
        "order_suppliers": orders.suppliers(lines),
        "notice": request.GET.get("meddelande", ""),
        "other_language": "en" if session.language == "sv" else "sv",
    }
    return render(request, "punchout/shop.html", context)


@require_GET
@shop_page
def suggestions(request: HttpRequest, session: PunchoutSession, key: str) -> HttpResponse:
    """Suggestions while typing (static/js/search.js), from the session's scope only; each leads to a search."""
    found = [] if session.read_only else autocomplete(request.GET.get("q", "")[:200], scope=session.scope())[0]
    results = [{"id": s.id, "name": s.name, "supplier": s.supplier, "url": shop_url(key, q=s.name)} for s in found]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


def _refused(request: HttpRequest, session: PunchoutSession, key: str, reason: str) -> HttpResponse:
    status = 403 if reason in ("scope", "read_only") else 400
    lines = sessions.basket(session)
    context = {
        "session": session,
        "key": key,
        "q": "",
        "result": None,
        "lines": lines,
        "totals": sessions.totals(lines),
        "notice": reason,
        "other_language": "en" if session.language == "sv" else "sv",
    }
    return render(request, "punchout/shop.html", context, status=status)


@require_POST
@shop_page
def add(request: HttpRequest, session: PunchoutSession, key: str) -> HttpResponse:
    try:
        quantity = sessions.parse_quantity(request.POST.get("quantity", "1"))
        sessions.add_item(session, request.POST.get("item", ""), quantity)
    except sessions.BasketRefused as refused:
        return _refused(request, session, key, str(refused))
    url = shop_url(key, q=request.POST.get("q", "")[:500], meddelande="added")
    return HttpResponseRedirect(url + "#varukorg", status=303)


@require_POST
@shop_page
def update_basket(request: HttpRequest, session: PunchoutSession, key: str) -> HttpResponse:
    quantities: dict[int, Decimal] = {}
    try:
        for name in request.POST:
            if name.startswith("line-") and name[5:].isdigit():
                quantities[int(name[5:])] = sessions.parse_quantity(request.POST.get(name, ""))
        sessions.set_quantities(session, quantities)
    except sessions.BasketRefused as refused:
        return _refused(request, session, key, str(refused))
    return HttpResponseRedirect(shop_url(key, meddelande="updated") + "#varukorg", status=303)


def _return_page(request: HttpRequest, session: PunchoutSession, key: str, *, cancelled: bool) -> HttpResponse:
    try:
        form = sessions.transfer(session, cancelled=cancelled)
    except sessions.SessionUnavailable as error:
        return _unavailable(request, error)
    except sessions.BasketChanged:
        return HttpResponseRedirect(shop_url(key, meddelande="changed") + "#varukorg", status=303)
    context = {"session": session, "form": form, "cancelled": cancelled}
    response = render(request, "punchout/transfer.html", context)
    # The form goes to the buyer system's own (allow-listed) return address.
    parts = urlsplit(session.return_url)
    extend_csp(request, response, {"form-action": [f"{parts.scheme}://{parts.netloc}"]})
    return response


@require_POST
@shop_page
def transfer(request: HttpRequest, session: PunchoutSession, key: str) -> HttpResponse:
    return _return_page(request, session, key, cancelled=False)


@require_POST
@shop_page
def cancel(request: HttpRequest, session: PunchoutSession, key: str) -> HttpResponse:
    return _return_page(request, session, key, cancelled=True)
