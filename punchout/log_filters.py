"""Keep punchout start tokens and session keys out of the logs.

Django logs every 4xx and 5xx with the request path ("Forbidden: /punchout/s/<key>/lagg-till/"), and the
path is where the shop carries its session key. This filter, on the hub's log handlers, writes
"<hidden>" instead of the key or token.
"""

from __future__ import annotations

import logging
import re

SECRET_IN_PATH = re.compile(r"(/punchout/(?:s|start)/)[^/\s?#\"']+")
# An OCI call with the password (refused) or a start token in its query string, as an access log writes it.
SECRET_IN_QUERY = re.compile(r"([?&](?:PASSWORD|TOKEN)=)[^&\s#\"']*", re.IGNORECASE)


def redact(text: str) -> str:
    return SECRET_IN_QUERY.sub(r"\1<hidden>", SECRET_IN_PATH.sub(r"\1<hidden>", text))


class RedactPunchoutKeys(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
