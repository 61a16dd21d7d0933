"""Swedish and English names for UNSPSC segments and families, so staff read names, not codes.

The names are data (`search/data/unspsc_categories.csv`, sourced in its header): no PyPI package
carries the UNSPSC list in Swedish, and the bilingual ones fetch a large database at run time.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

DATA_FILE = Path(__file__).resolve().parent / "data" / "unspsc_categories.csv"


@dataclass(frozen=True)
class CategoryName:
    sv: str
    en: str


@functools.cache
def names() -> dict[str, CategoryName]:
    """Every named segment and family, by 8-digit code."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        table: dict[str, CategoryName] = {}
        for row in rows:
            code = row["code"].strip()
            if len(code) != 8 or not code.isdigit() or code in table:
                raise ValueError(f"{DATA_FILE.name}: bad or repeated code {code!r}")
            table[code] = CategoryName(sv=row["sv"].strip(), en=row["en"].strip())
    return table


def is_code(code: str) -> bool:
    return len(code) == 8 and code.isdigit()


def segment_of(code: str) -> str:
    """'14111507' -> '14000000'."""
    return code[:2] + "000000"


def family_of(code: str) -> str:
    """'14111507' -> '14110000'."""
    return code[:4] + "0000"


def is_segment(code: str) -> bool:
    return is_code(code) and code.endswith("000000")


def is_family(code: str) -> bool:
    return is_code(code) and code.endswith("0000") and not code.endswith("000000")


def category_name(code: str, language: str | None = None) -> str | None:
    """The name of a segment or family in the language (default: the active one), or None if unknown."""
    entry = names().get(code)
    if entry is None:
        return None
    language = language or get_language() or "sv"
    return entry.en if language.startswith("en") else entry.sv


def category_label(code: str, language: str | None = None) -> str:
    """A facet label: the name, or 'Segment 14000000' / 'Familj 14110000' when the code is not in the table."""
    name = category_name(code, language)
    if name is not None:
        return name
    if is_segment(code):
        return _("Segment %(code)s") % {"code": code}
    return _("Familj %(code)s") % {"code": code}


@dataclass(frozen=True)
class CategoryPath:
    """Where a commodity code sits: its segment and family (names may be None when not in the table)."""

    code: str
    segment: str
    segment_name: str | None
    family: str
    family_name: str | None


def category_path(code: str | None, language: str | None = None) -> CategoryPath | None:
    """Segment and family of an item's UNSPSC code, for the product page; None for a missing or malformed code."""
    code = (code or "").strip()
    if not is_code(code):
        return None
    segment, family = segment_of(code), family_of(code)
    return CategoryPath(
        code=code,
        segment=segment,
        segment_name=category_name(segment, language),
        family=family,
        family_name=category_name(family, language) if family != segment else None,
    )
