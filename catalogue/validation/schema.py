"""The UBL 2.1 XSD as a check stage: run on each chunk document the Peppol reader builds.

The reader calls an XsdCheck in its chunk thread (or in its child process, which has no Django: the
check carries the standards folder with it) and reports what it returns under the line numbers of the
whole file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from catalogue.report import ERROR, SOURCE_XSD, Issue
from catalogue.validation.standards import standards_dir, xsd_path


@lru_cache(maxsize=2)
def catalogue_schema(folder: str) -> etree.XMLSchema:
    # The schema files are the hub's own installed, checksummed copies; their imports are relative paths.
    return etree.XMLSchema(file=str(xsd_path("Catalogue", Path(folder))))


@dataclass(frozen=True)
class XsdCheck:
    """UBL 2.1 Catalogue XSD errors of one chunk document. Picklable, for the reader's child process."""

    folder: str

    @classmethod
    def installed(cls) -> XsdCheck:
        return cls(str(standards_dir()))

    def __call__(self, chunk_root: etree._Element) -> list[Issue]:
        schema = catalogue_schema(self.folder)
        if schema.validate(chunk_root):
            return []
        return [
            Issue(
                ERROR, "XML-SCHEMA", {"detail": error.message}, SOURCE_XSD, error.line or None, None, error.path or None
            )
            for error in schema.error_log
        ]
