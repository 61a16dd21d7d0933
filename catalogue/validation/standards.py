"""Where the official rule files live. The one place that knows the layout of HUB_STANDARDS_DIR.

The T58 writer and the punchout (T77) reuse these lookups.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

PEPPOL_RELEASE = "2026.5"


class StandardsMissing(RuntimeError):
    """The rule package is not installed. The message tells the operator what to run."""


def standards_dir() -> Path:
    # Settings when Django is configured; the environment or var/standards in worker processes.
    if settings.configured:
        return Path(settings.HUB_STANDARDS_DIR)
    return Path(os.environ.get("HUB_STANDARDS_DIR", Path(__file__).resolve().parents[2] / "var" / "standards"))


def _existing(path: Path, what: str) -> Path:
    if not path.is_file():
        raise StandardsMissing(
            f"Regelfilen för {what} saknas ({path}). Kör `make standards` eller "
            f"`python scripts/fetch_standards.py var/standards`. / "
            f"The rule file for {what} is missing ({path}). Run `make standards` or "
            f"`python scripts/fetch_standards.py var/standards`."
        )
    return path


def rule_path(transaction: str, release: str = PEPPOL_RELEASE) -> Path:
    """The compiled official Peppol rules for a transaction, e.g. rule_path("T19")."""
    name = transaction.upper()
    return _existing(standards_dir() / "peppol" / release / "xslt" / f"PEPPOLBIS-{name}.xslt", f"Peppol {name}")


def xsd_path(document: str, folder: Path | None = None) -> Path:
    """The UBL 2.1 main schema for a document type, e.g. xsd_path("Catalogue"); `folder` without Django."""
    folder = folder or standards_dir()
    return _existing(folder / "ubl-2.1" / "maindoc" / f"UBL-{document}-2.1.xsd", f"UBL {document}")
