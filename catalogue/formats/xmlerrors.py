"""libxml2's syntax errors as a plain reason (worded in the page's language) and where (line, column).

The parser's own text ("xmlParseEntityRef: no name", "AttValue: \" or ' expected") means nothing to a
supplier and is English inside a Swedish sentence, so it never reaches the report.
"""

from __future__ import annotations

import re

from lxml import etree

from catalogue.report import SOURCE_FILE, Report

_T = etree.ErrorTypes
# libxml2 error type -> reason key, worded in the page's language by catalogue.error_codes.XML_REASONS.
REASONS: dict[int, str] = {
    _T.ERR_TAG_NAME_MISMATCH: "tag-mismatch",
    _T.ERR_TAG_NOT_FINISHED: "tag-not-finished",
    _T.ERR_DOCUMENT_END: "content-after-end",
    _T.ERR_DOCUMENT_EMPTY: "no-xml",
    _T.ERR_ATTRIBUTE_NOT_STARTED: "attribute-unquoted",
    _T.ERR_ATTRIBUTE_WITHOUT_VALUE: "attribute-without-value",
    _T.ERR_ATTRIBUTE_REDEFINED: "attribute-twice",
    _T.ERR_LT_IN_ATTRIBUTE: "lt-in-attribute",
    _T.ERR_GT_REQUIRED: "gt-missing",
    _T.ERR_LTSLASH_REQUIRED: "end-tag-missing",
    _T.ERR_NAME_REQUIRED: "bare-ampersand",
    _T.ERR_ENTITYREF_SEMICOL_MISSING: "bare-ampersand",
    _T.ERR_UNDECLARED_ENTITY: "bare-ampersand",
    _T.ERR_INVALID_CHAR: "invalid-char",
    _T.ERR_INVALID_CHARREF: "invalid-charref",
    _T.ERR_RESERVED_XML_NAME: "xml-declaration-late",
    _T.ERR_STRING_NOT_CLOSED: "string-not-closed",
}
GENERIC = "not-well-formed"
_BYTES = re.compile(r"Bytes: (0x[0-9A-Fa-f]{2})")


def is_bare_ampersand(exc: etree.XMLSyntaxError) -> bool:
    """An & not written &amp; ("A & B"): libxml2 words it as an entity problem, but no DOCTYPE is involved."""
    return getattr(exc, "code", None) in {_T.ERR_NAME_REQUIRED, _T.ERR_ENTITYREF_SEMICOL_MISSING}


def position(exc: etree.XMLSyntaxError) -> tuple[int | None, int | None]:
    line = getattr(exc, "lineno", None) or None
    offset = getattr(exc, "offset", None)
    return line, (offset + 1 if isinstance(offset, int) and offset >= 0 else None)


def report_encoding_error(report: Report, exc: etree.XMLSyntaxError) -> None:
    line, column = position(exc)
    found = _BYTES.search(str(getattr(exc, "msg", "") or ""))
    detail = f"byte {found.group(1)}, " if found else ""
    report.error("FILE-ENCODING", source=SOURCE_FILE, line=line, encoding="UTF-8", detail=f"{detail}position {column}")


def report_syntax_error(report: Report, exc: etree.XMLSyntaxError) -> None:
    line, column = position(exc)
    code = getattr(exc, "code", None)
    reason = REASONS.get(code, GENERIC) if isinstance(code, int) else GENERIC
    report.error(
        "XML-MALFORMED",
        source=SOURCE_FILE,
        line=line,
        at_line=line or "?",
        at_column=column or "?",
        reason=reason,
    )
