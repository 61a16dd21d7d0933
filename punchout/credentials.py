"""Shared secrets and session tokens: what is stored, and how it is compared.

A buyer system's shared secret is chosen by people and may be weak, so it is stored with Django's
password hashers (salted, slow; check_password compares in constant time). The start token and the
session key are random 256-bit values the hub makes itself, so a SHA-256 hash is enough and lets the
hub find the session by it. None of them is ever logged or written into a URL by the hub, except the
start token in the StartPage URL and the session key in the shop's path, which is what they are for.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.utils.crypto import constant_time_compare, salted_hmac

# Checked when no buyer system matches, so an unknown sender takes as long as a wrong secret.
_DUMMY_SECRET_HASH: str | None = None


def hash_shared_secret(secret: str) -> str:
    return make_password(secret)


# After a slow password-hash check succeeds, this process remembers an HMAC of the secret (keyed by
# SECRET_KEY, never the secret itself) for that stored hash, so the next setup request from the same
# system is answered in milliseconds. A wrong secret always takes the slow path, like an unknown sender.
_VERIFIED: dict[str, str] = {}
_VERIFIED_MAX = 1000


def _fingerprint(secret: str) -> str:
    return salted_hmac("punchout.shared-secret", secret, algorithm="sha256").hexdigest()


def shared_secret_matches(secret: str, stored_hash: str | None) -> bool:
    """Constant time for a wrong secret and for an unknown sender alike (stored_hash None)."""
    global _DUMMY_SECRET_HASH
    if not stored_hash:
        if _DUMMY_SECRET_HASH is None:
            _DUMMY_SECRET_HASH = make_password(secrets.token_urlsafe(16))
        check_password(secret, _DUMMY_SECRET_HASH)
        return False
    remembered = _VERIFIED.get(stored_hash)
    if remembered is not None and constant_time_compare(remembered, _fingerprint(secret)):
        return True
    if not check_password(secret, stored_hash):
        return False
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[stored_hash] = _fingerprint(secret)
    return True


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
