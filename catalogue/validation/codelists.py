"""Peppol code lists (UN/ECE Rec 20 units, ISO 4217 currencies, ...) read from the installed official rules.

The compiled T19 rules carry every code list they check as an `xsl:variable`, so the hub reads the
same lists as the official validator and ships no copies of its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from catalogue import safe_xml
from catalogue.validation.standards import rule_path

XSL_NS = "http://www.w3.org/1999/XSL/Transform"
_TOKENIZE = re.compile(r"tokenize\('([^']*)'")


@lru_cache(maxsize=8)
def code_lists(transaction: str = "T19") -> dict[str, frozenset[str]]:
    # The hub's own installed, checksummed rule file: large, so huge_tree.
    tree = etree.parse(str(rule_path(transaction)), safe_xml.parser(huge_tree=True))
    lists: dict[str, frozenset[str]] = {}
    for variable in tree.iter(f"{{{XSL_NS}}}variable"):
        name = variable.get("name", "")
        match = _TOKENIZE.match(variable.get("select", ""))
        if name.startswith("cl") and match:
            lists[name[2:]] = frozenset(match.group(1).split())
    return lists


def units() -> frozenset[str]:
    """UN/ECE Recommendation 20 (and 21) unit codes."""
    return code_lists()["UNECERec20"]


def currencies() -> frozenset[str]:
    """ISO 4217 currency codes."""
    return code_lists()["ISO4217"]


def tax_categories() -> frozenset[str]:
    return code_lists().get("UNCL5305", frozenset({"S", "Z", "E", "AE", "K", "G", "O", "L", "M", "B"}))
