"""libxml2's syntax errors as plain Swedish and English: what is wrong, and where (line, column).

The parser's own text ("xmlParseEntityRef: no name", "AttValue: \" or ' expected") means nothing to a
supplier and is English inside a Swedish sentence, so it never reaches the report.
"""

from __future__ import annotations

import re

from lxml import etree

from catalogue.validation.report import SOURCE_FILE, Report

_T = etree.ErrorTypes
_AMPERSAND = ("ett &-tecken som inte är skrivet &amp;", "an & that is not written &amp;")
REASONS: dict[int, tuple[str, str]] = {
    _T.ERR_TAG_NAME_MISMATCH: ("starttaggen och sluttaggen passar inte ihop", "a start tag and its end tag differ"),
    _T.ERR_TAG_NOT_FINISHED: (
        "ett element avslutas aldrig; filen kan vara avkortad",
        "an element is never closed; the file may be cut short",
    ),
    _T.ERR_DOCUMENT_END: (
        "det finns innehåll efter dokumentets slut",
        "there is content after the end of the document",
    ),
    _T.ERR_DOCUMENT_EMPTY: ("filen innehåller inget XML", "the file contains no XML"),
    _T.ERR_ATTRIBUTE_NOT_STARTED: ("ett attributvärde saknar citattecken", "an attribute value has no quotes"),
    _T.ERR_ATTRIBUTE_WITHOUT_VALUE: ("ett attribut saknar värde", "an attribute has no value"),
    _T.ERR_ATTRIBUTE_REDEFINED: ("samma attribut står två gånger", "the same attribute appears twice"),
    _T.ERR_LT_IN_ATTRIBUTE: ("tecknet < står i ett attributvärde", "the character < is inside an attribute value"),
    _T.ERR_GT_REQUIRED: ("en tagg avslutas inte med >", "a tag does not end with >"),
    _T.ERR_LTSLASH_REQUIRED: ("en sluttagg saknas", "an end tag is missing"),
    _T.ERR_NAME_REQUIRED: _AMPERSAND,
    _T.ERR_ENTITYREF_SEMICOL_MISSING: _AMPERSAND,
    _T.ERR_UNDECLARED_ENTITY: _AMPERSAND,
    _T.ERR_INVALID_CHAR: ("ett tecken som inte är tillåtet i XML", "a character that is not allowed in XML"),
    _T.ERR_INVALID_CHARREF: (
        "en teckenreferens som inte är tillåten i XML",
        "a character reference not allowed in XML",
    ),
    _T.ERR_RESERVED_XML_NAME: (
        "XML-deklarationen <?xml ...?> får bara stå först i filen",
        "the XML declaration <?xml ...?> may only come first in the file",
    ),
    _T.ERR_STRING_NOT_CLOSED: ("en text saknar avslutande citattecken", "a quoted text is not closed"),
}
GENERIC = ("filen är inte välformad XML", "the file is not well-formed XML")
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
    reason_sv, reason_en = REASONS.get(getattr(exc, "code", None), GENERIC)
    report.error(
        "XML-MALFORMED",
        source=SOURCE_FILE,
        line=line,
        at_line=line or "?",
        at_column=column or "?",
        reason_sv=reason_sv,
        reason_en=reason_en,
    )
