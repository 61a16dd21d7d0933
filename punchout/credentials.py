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
import hmac
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


# ------------------------------------------------------------------------------------------ sealed secrets
# Peppol start tokens are signed by the buyer system with HMAC-SHA256 keyed by its shared secret, so the hub
# needs the secret itself to check them, not only its password hash. It keeps it sealed with a key derived
# from SECRET_KEY: an HMAC-SHA256 keystream (a fresh random nonce per sealing) and an HMAC-SHA256 tag over
# nonce and ciphertext (encrypt-then-MAC). A database dump alone gives neither the secret nor a way to forge.
SEALED_PREFIX = "v1$"
_NONCE_BYTES = 16
_TAG_BYTES = 32


class SealedSecretUnreadable(Exception):
    """The sealed secret was made with another SECRET_KEY (and no fallback matches), or it was altered."""


def _sealing_keys(secret_key: str) -> tuple[bytes, bytes]:
    encryption = salted_hmac("punchout.sealed-secret.encryption", b"", secret=secret_key, algorithm="sha256")
    authentication = salted_hmac("punchout.sealed-secret.authentication", b"", secret=secret_key, algorithm="sha256")
    return encryption.digest(), authentication.digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (
        hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        for counter in range(length // 32 + 1)
    )
    return b"".join(blocks)[:length]


def seal_secret(secret: str) -> str:
    from django.conf import settings

    encryption, authentication = _sealing_keys(settings.SECRET_KEY)
    plain = secret.encode("utf-8")
    nonce = secrets.token_bytes(_NONCE_BYTES)
    cipher = bytes(a ^ b for a, b in zip(plain, _keystream(encryption, nonce, len(plain)), strict=True))
    tag = hmac.new(authentication, nonce + cipher, hashlib.sha256).digest()
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + cipher + tag).decode("ascii")


def open_sealed_secret(sealed: str) -> str:
    """The clear secret; tries SECRET_KEY, then SECRET_KEY_FALLBACKS (a rotated key keeps working)."""
    from django.conf import settings

    if not sealed.startswith(SEALED_PREFIX):
        raise SealedSecretUnreadable("not a sealed secret")
    try:
        raw = base64.urlsafe_b64decode(sealed[len(SEALED_PREFIX) :].encode("ascii"))
    except ValueError:
        raise SealedSecretUnreadable("not base64") from None
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise SealedSecretUnreadable("too short")
    nonce, cipher, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        encryption, authentication = _sealing_keys(secret_key)
        if hmac.compare_digest(hmac.new(authentication, nonce + cipher, hashlib.sha256).digest(), tag):
            plain = bytes(a ^ b for a, b in zip(cipher, _keystream(encryption, nonce, len(cipher)), strict=True))
            return plain.decode("utf-8")
    raise SealedSecretUnreadable("sealed with another SECRET_KEY, or altered")


def set_shared_secret(system, secret: str) -> None:
    """Store a new shared secret on a BuyerSystem: hashed (cXML, basket fetch) and sealed (Peppol tokens)."""
    system.shared_secret_hash = hash_shared_secret(secret)
    system.shared_secret_sealed = seal_secret(secret)
