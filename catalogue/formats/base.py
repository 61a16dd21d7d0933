"""The small interface every catalogue format implements: a file in, a header and raw lines out.

Readers only extract; `catalogue.validation.hub_rules` turns raw values into item fields and checks
them the same way for every format, so an error reads alike whether it came from XML or a sheet.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.report import Report

HEADER_ACTIONS = ("Add", "Replace", "Update", "Delete")
LINE_ACTIONS = ("Add", "Update", "Delete")


@dataclass(frozen=True)
class Chunk:
    """A self-contained document: the header and some lines, written to disk by the format reader."""

    path: str
    child_lines: tuple[int, ...]  # original source line of each top-level child, in order
    first_line_index: int  # 1-based position of the chunk's first CatalogueLine in the whole file
    line_count: int
    root_line: int = 1


@dataclass
class Header:
    action: str = "Replace"  # Add and Replace both give a complete new catalogue
    document_id: str = ""
    name: str = ""
    issue_date: str = ""
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    customization_id: str = ""
    profile_id: str = ""
    provider_ids: list[tuple[str, str]] = field(default_factory=list)  # (scheme, value)
    provider_name: str = ""
    receiver_ids: list[tuple[str, str]] = field(default_factory=list)
    receiver_name: str = ""
    contract_id: str = ""
    line: int | None = None


@dataclass
class RawLine:
    """One line as read: raw strings (or lists of strings) per CatalogueItem field."""

    line: int  # XML source line, or spreadsheet/CSV row
    action: str = "Add"
    values: dict[str, object] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)  # field -> column heading or XML element
    where_kind: str = "element"  # "element" (XML) or "column" (spreadsheets)
    action_where: str = ""


class CatalogueReader(ABC):
    """Reads one uploaded file. `lines()` streams; `header` is set once the first line is out."""

    format: str = ""

    def __init__(self, path: Path, report: Report) -> None:
        self.path = Path(path)
        self.report = report
        self.header: Header | None = None
        self.chunks: list[Chunk] = []  # documents for the official rules (Peppol only)
        self.bytes_total = self.path.stat().st_size
        self.bytes_done = 0

    @abstractmethod
    def lines(self) -> Iterator[RawLine]: ...

    def progress_fraction(self) -> float:
        return min(1.0, self.bytes_done / self.bytes_total) if self.bytes_total else 1.0

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (temporary chunk files live in the pipeline's directory)."""
