"""The search log keeps what was searched, never who searched: no user, no IP, and no personal data typed
into the search box. Queries are redacted before the row is written (a pre_save receiver on SearchLog)."""

from __future__ import annotations

import re

from stdnum.se import personnummer

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 12 or 10 digits, with or without the dash/plus, checked as a personnummer (date and check digit) below.
PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
# Swedish phone numbers: +46 or 0, then 7-10 digits in groups.
PHONE = re.compile(r"(?<![\w])(?:\+46|0046|0)[\s-]?\d{1,3}(?:[\s-]?\d){5,8}(?!\d)")

EMAIL_MARK = "[e-post]"
PERSONAL_NUMBER_MARK = "[personnummer]"
PHONE_MARK = "[telefon]"


def _personal_number(match: re.Match) -> str:
    return PERSONAL_NUMBER_MARK if personnummer.is_valid(match.group(0)) else match.group(0)


def redact(text: str) -> str:
    """The query with e-mail addresses, valid personnummer and phone numbers replaced by a mark."""
    text = EMAIL.sub(EMAIL_MARK, text)
    text = PERSONAL_NUMBER.sub(_personal_number, text)
    return PHONE.sub(PHONE_MARK, text)


def redact_search_log(sender, instance, **kwargs) -> None:
    instance.query = redact(instance.query)[:200]
