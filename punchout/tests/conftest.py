"""The punchout tests' fixtures (defined in punchout/tests/fixtures.py), named here so pytest finds them."""

from punchout.tests.fixtures import (
    assert_valid_cxml,
    buyer_system,
    cxml_dtd,
    framed_ordering_system,
    oci_buyer_system,
    peppol_system,
    punchout_catalogue,
    receiver,
)

__all__ = [
    "assert_valid_cxml",
    "buyer_system",
    "cxml_dtd",
    "framed_ordering_system",
    "oci_buyer_system",
    "peppol_system",
    "punchout_catalogue",
    "receiver",
]
