"""Failed punchout setups from one address are refused for a while, before any password-hash work.

A wrong shared secret costs a slow password-hash check (about 0.5 s of CPU with the production
hasher), so unthrottled guessing would also tie up the hub's cores. After PUNCHOUT_SETUP_FAILURE_LIMIT
refused setups (401) from one client address within PUNCHOUT_SETUP_COOLOFF_SECONDS, that address gets
429 with Retry-After until the window has passed. The client address is found as for sign-in throttling
(django-axes, HUB_PROXY_COUNT behind a proxy). Counts live in Django's cache: per process with the
default local-memory cache, shared when a shared cache is configured.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _key(request: HttpRequest) -> str:
    return f"punchout:setup-failures:{get_client_ip_address(request) or 'unknown'}"


def is_blocked(request: HttpRequest) -> bool:
    return cache.get(_key(request), 0) >= settings.PUNCHOUT_SETUP_FAILURE_LIMIT


def record_failure(request: HttpRequest) -> None:
    key = _key(request)
    # add() starts the window once; incr() keeps its expiry, so the window is fixed, not sliding.
    if not cache.add(key, 1, timeout=settings.PUNCHOUT_SETUP_COOLOFF_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=settings.PUNCHOUT_SETUP_COOLOFF_SECONDS)
