"""Shared secrets and session tokens: what is stored, and how it is compared.

A buyer system's shared secret is chosen by people and may be weak, so it is stored with Django's
password hashers (salted, slow; check_password compares in constant time). The start token and the
session key are random 256-bit values the hub makes itself, so a SHA-256 hash is enough and lets the
hub find the session by it. None of them is ever logged or written into a URL by the hub, except the
start token in the StartPage URL and the session key in the shop's path, which is what they are for.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes

if TYPE_CHECKING:
    from punchout.models import BuyerSystem

# Checked when no buyer system matches, so an unknown sender takes as long as a wrong secret.
_DUMMY_SECRET_HASH: str | None = None


def hash_shared_secret(secret: str) -> str:
    return make_password(secret)


# After a slow password-hash check succeeds, this process remembers an HMAC of the secret (keyed by
# SECRET_KEY, never the secret itself) for that stored hash, so the next setup request from the same
# system is answered in milliseconds. A wrong secret always takes the slow path, like an unknown sender.
# Public so that tests can empty it and see what it holds.
VERIFIED_FINGERPRINTS: dict[str, str] = {}
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
    remembered = VERIFIED_FINGERPRINTS.get(stored_hash)
    if remembered is not None and constant_time_compare(remembered, _fingerprint(secret)):
        return True
    if not check_password(secret, stored_hash):
        return False
    if len(VERIFIED_FINGERPRINTS) >= _VERIFIED_MAX:
        VERIFIED_FINGERPRINTS.clear()
    VERIFIED_FINGERPRINTS[stored_hash] = _fingerprint(secret)
    return True


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------ sealed secrets
# Peppol start tokens are signed by the buyer system with HMAC-SHA256 keyed by its shared secret, so the hub
# needs the secret itself to check them, not only its password hash. It keeps it sealed with Fernet
# (cryptography: AES-128-CBC and HMAC-SHA256, a fresh IV each time), under a key derived by HKDF from
# SECRET_KEY. MultiFernet also tries keys from SECRET_KEY_FALLBACKS, so a rotated SECRET_KEY keeps working.
# A database dump alone gives neither the secret nor a way to forge one.
_SEALING_CONTEXT = b"e-handelshubben punchout.sealed-secret v2"


class SealedSecretUnreadable(Exception):
    """The sealed secret was made with another SECRET_KEY (and no fallback matches), or it was altered."""


def _fernet(secret_key: str | bytes) -> Fernet:
    # Django allows SECRET_KEY as bytes too; force_bytes encodes a str as UTF-8, as before.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEALING_CONTEXT).derive(
        force_bytes(secret_key)
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _sealer() -> MultiFernet:
    """Seals with SECRET_KEY's key; opens with it or any key in SECRET_KEY_FALLBACKS."""
    return MultiFernet([_fernet(key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]])


def seal_secret(secret: str) -> str:
    return _sealer().encrypt(secret.encode("utf-8")).decode("ascii")


def open_sealed_secret(sealed: str) -> str:
    """The clear secret; tries SECRET_KEY, then SECRET_KEY_FALLBACKS (a rotated key keeps working)."""
    try:
        return _sealer().decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise SealedSecretUnreadable("sealed with another SECRET_KEY, or altered, or not a sealed secret") from None


def set_shared_secret(system: BuyerSystem, secret: str) -> None:
    """Store a new shared secret on a BuyerSystem: hashed (cXML, basket fetch) and sealed (Peppol tokens)."""
    system.shared_secret_hash = hash_shared_secret(secret)
    system.shared_secret_sealed = seal_secret(secret)
