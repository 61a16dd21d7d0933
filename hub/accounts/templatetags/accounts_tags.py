from django import template
from django.utils.http import urlencode

from hub.accounts.access import landing_url
from hub.accounts.links import localized_reverse, page_language

register = template.Library()


@register.simple_tag
def localized_url(name: str, *args, **kwargs) -> str:
    """{% localized_url 'accounts:login' %}: the route in the page's language."""
    return localized_reverse(name, args=args or None, kwargs=kwargs or None)


@register.simple_tag(takes_context=True)
def sign_in_url(context) -> str:
    """The login page, coming back to this page afterwards.

    Not from the sign-in pages themselves, nor from the start page: from there no page was asked
    for, so each role lands where it works (hub.accounts.access.landing_url).
    """
    url = localized_reverse("accounts:login")
    request = context.get("request")
    if request is None or request.path.startswith(url) or request.path in ("/", f"/{page_language()}/"):
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


@register.simple_tag(takes_context=True)
def home_for_user(context) -> str:
    """Where the signed-in user works (see hub.accounts.access.landing_url)."""
    return landing_url(context["request"].user)
