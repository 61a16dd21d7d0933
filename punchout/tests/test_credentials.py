"""Shared secrets: a password hash on disk, a constant-time check, and a fast path only after a success."""

from __future__ import annotations

from unittest import mock

from punchout import credentials


def test_a_verified_secret_is_checked_quickly_the_next_time_and_a_wrong_one_never_is(settings):
    stored = credentials.hash_shared_secret("rätt")
    credentials.VERIFIED_FINGERPRINTS.clear()

    with mock.patch.object(credentials, "check_password", wraps=credentials.check_password) as slow:
        assert credentials.shared_secret_matches("rätt", stored) is True
        assert credentials.shared_secret_matches("rätt", stored) is True
        assert slow.call_count == 1  # the second time from the remembered HMAC
        assert credentials.shared_secret_matches("fel", stored) is False
        assert slow.call_count == 2  # a wrong secret takes the slow path
        assert credentials.shared_secret_matches("rätt", None) is False  # unknown sender: the dummy check
        assert slow.call_count == 3
    assert "rätt" not in repr(credentials.VERIFIED_FINGERPRINTS)


def test_a_changed_secret_is_not_remembered_under_the_new_hash(settings):
    credentials.VERIFIED_FINGERPRINTS.clear()
    old = credentials.hash_shared_secret("gammal")
    assert credentials.shared_secret_matches("gammal", old)

    new = credentials.hash_shared_secret("ny")

    assert credentials.shared_secret_matches("gammal", new) is False
    assert credentials.shared_secret_matches("ny", new) is True
