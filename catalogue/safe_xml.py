"""How the hub opens any XML: entities are never resolved, no DTD is loaded, nothing is fetched.

Every XML reader in the hub (the catalogue formats, the official rules' SVRL output, the T58 Catalogue
Response, the code lists in the compiled rules) gets its parser here, so the policy is stated once.
A DOCTYPE in a supplier's file is refused before parsing (catalogue.formats), and syntax errors are
worded for people in catalogue.formats.xmlerrors.
"""

from __future__ import annotations

from lxml import etree

SAFE_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False}


def parser(*, huge_tree: bool = False) -> etree.XMLParser:
    """A parser for one document in memory. huge_tree only for the hub's own installed files."""
    return etree.XMLParser(**SAFE_OPTIONS, huge_tree=huge_tree)


def iterparse(source, **options) -> etree.iterparse:
    """Stream a document (a path or a binary file object) with the safe options; `options` as for lxml."""
    return etree.iterparse(source, **SAFE_OPTIONS, huge_tree=False, **options)
