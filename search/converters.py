"""Path converters for product addresses: /sv/sok/artikel/<avtal>/<leverantör>/<artikelnr>/.

Agreement references and supplier item ids are free text ("RA/2024:3", "K 100/5", "50%"). The
server hands Django the path already percent-decoded, so a "/" inside a key could not be told apart
from the path's own slashes. to_url therefore escapes "%" and "/" once more (reverse() then encodes
the "%", giving "%252F"); after the server's decoding to_python undoes that escape.
"""

from __future__ import annotations

from urllib.parse import unquote


class KeyConverter:
    """One free-text key in a path segment, at most 200 characters (longer is a 404, not a database error)."""

    regex = r"[^/]{1,600}"
    max_length = 200

    def to_python(self, value: str) -> str:
        key = unquote(value)
        if len(key) > self.max_length or "\x00" in key:
            raise ValueError("key too long or not text")
        return key

    def to_url(self, value: str) -> str:
        escaped = str(value).replace("%", "%25").replace("/", "%2F")
        if escaped in (".", ".."):
            # Browsers drop "." and ".." segments before sending the request.
            escaped = escaped.replace(".", "%2E")
        return escaped


class OrgnrConverter:
    """A Swedish organisation number, ten digits as stored (no hyphen)."""

    regex = r"[0-9]{10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


class RowIdConverter:
    """A database row id from the old numeric addresses; more than 18 digits cannot be a row (404, not 500)."""

    regex = r"[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
