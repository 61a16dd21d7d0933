"""The hub's open JSON API: one django-ninja NinjaAPI at /api/v1/ with each app's Router.

    /api/v1/openapi.json   the OpenAPI schema
    /api/v1/docs           Swagger UI, from the hub's own static files (ninja is an installed app), no CDN
    /api/v1/catalogues/…   catalogue.api: supplier uploads and status, with the supplier's bearer token
    /api/v1/search, autocomplete, items/<id>, agreements   search.api: what the session may see
    /api/v1/followup/…     followup.api: a buyer organisation's follow-up figures, with the organisation's token

Every refusal is the bilingual error body of catalogue.api.error ({"error": {"sv", "en", "message"}}),
also those ninja raises itself (no token, a parameter it cannot read, a 404).

The URL names stay as they were before ninja ("catalogue-api:upload", "search_api:autocomplete", …):
each router's patterns are included under the namespace named in ROUTERS; ninja's own (the schema,
the docs) are under "api".
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Router, Swagger
from ninja.errors import AuthenticationError, ValidationError

from catalogue import api as catalogue_api
from followup import api as followup_api
from search import api as search_api

api = NinjaAPI(
    title="E-handelshubben API",
    version="1",
    description=(
        "Sök i katalogerna, ladda upp kataloger (leverantörens API-nyckel). "
        "Search the catalogues and upload catalogues (the supplier's API token). "
        "Uppföljning för beställarorganisationens personal (organisationens API-nyckel). "
        "Follow-up figures for a buyer organisation's staff (the organisation's API token). "
        'Felsvar / errors: {"error": {"sv", "en", "message"}}.'
    ),
    urls_namespace="api",
    # Without deep links each operation's summary is one button, not a button holding a link (axe: nested-interactive).
    docs=Swagger(settings={"deepLinking": False}),
)

# (path under /api/v1/, router, URL namespace its operations' url_names are reversed in)
ROUTERS: tuple[tuple[str, Router, str], ...] = (
    ("catalogues/", catalogue_api.router, "catalogue-api"),
    ("", search_api.router, "search_api"),
    ("followup/", followup_api.router, "followup-api"),
)
for prefix, router, _namespace in ROUTERS:
    api.add_router(prefix, router)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: AuthenticationError):
    return catalogue_api.unauthorised()


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError):
    return catalogue_api.error(422, "Ogiltiga parametrar", "Invalid parameters", detail=[_plain(e) for e in exc.errors])


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return catalogue_api.error(404, "Finns inte", "Not found")


def _plain(problem: dict) -> dict:
    return {key: problem[key] for key in ("loc", "msg", "type") if key in problem}


def _api_urlconf(view):
    """An API answer stays as it is: no redirect of a JSON 404 to /sv/... by LocaleMiddleware.

    LocaleMiddleware retries a 404 under the language prefix when that path resolves, and Wagtail's
    catch-all resolves every path. It reads request.urlconf in its response phase, so pointing it at this
    module's patterns (no i18n_patterns, no /api/v1/ prefix: nothing it tries resolves) switches that off.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        # A documented request attribute (read by the URL resolver, set by middleware) that django-stubs leaves out.
        request.urlconf = __name__  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


@csrf_exempt  # changes nothing; a POST to a wrong address gets the JSON 404, not the CSRF page
def _unknown_path(request: HttpRequest, rest: str = ""):
    return catalogue_api.error(404, "Adressen finns inte i API:et", "No such address in the API")


def _url_names(router: Router) -> set[str]:
    """The url_names the router's operations set (ninja names the others itself, never with these)."""
    return {
        name
        for view in router.path_operations.values()
        for op in view.operations
        if (name := getattr(op, "url_name", None))
    }


def _wrapped(pattern: URLPattern | URLResolver) -> URLPattern:
    """The pattern with its view under _api_urlconf; ninja builds its URLs with path(), so never a resolver."""
    if not isinstance(pattern, URLPattern):
        raise TypeError(f"Expected a URL pattern from django-ninja, got {pattern!r}")
    return URLPattern(pattern.pattern, _api_urlconf(pattern.callback), pattern.default_args, pattern.name)


def _grouped_patterns() -> list:
    patterns, _app_name, _namespace = api.urls
    wrapped = [_wrapped(p) for p in patterns]
    groups = []
    for _prefix, router, namespace in ROUTERS:
        names = _url_names(router)
        groups.append(path("", include(([p for p in wrapped if p.name in names], namespace))))
        wrapped = [p for p in wrapped if p.name not in names]
    return [
        *groups,
        path("", include((wrapped, "ninja"), namespace=api.urls_namespace)),
        # Anything else under /api/v1/ (a version number that is not a number, a typo) is a JSON 404 too, not
        # the site's HTML page.
        re_path(r"^(?P<rest>.*)$", _api_urlconf(_unknown_path)),
    ]


urlpatterns = _grouped_patterns()
