"""What the spreadsheet and CSV readers share: headings to fields, rows to RawLines."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from openpyxl.utils import get_column_letter

from catalogue.formats.base import RawLine
from catalogue.formats.columns import ACTION_FIELD, COLUMNS, column_for, line_action
from catalogue.report import SOURCE_FILE, Report


def map_headings(cells: Sequence[object], report: Report, row: int = 1) -> dict[int, tuple[str, str]] | None:
    """Column index -> (field, label). None (errors reported) when required headings are missing."""
    mapping: dict[int, tuple[str, str]] = {}
    seen: set[str] = set()
    ok = True
    for index, cell in enumerate(cells):
        if cell in (None, ""):
            continue
        column = column_for(cell)
        letter = get_column_letter(index + 1)
        if column is None:
            report.warning("SHEET-UNKNOWN-HEADING", source=SOURCE_FILE, line=row, column=letter, heading=str(cell))
            continue
        if column.field in seen:
            report.error("SHEET-DUPLICATE-HEADING", source=SOURCE_FILE, line=row, column=letter, heading=str(cell))
            ok = False
            continue
        seen.add(column.field)
        mapping[index] = (column.field, f"{column.heading} ({letter})")
    for column in COLUMNS:
        if column.required and column.field not in seen:
            report.error("SHEET-MISSING-HEADING", source=SOURCE_FILE, line=row, heading=column.heading)
            ok = False
    return mapping if ok else None


# A leading apostrophe marks text in spreadsheets; catalogue.export writes one before = + - @ so that no
# program runs the value as a formula. It is not part of the value.
NEUTRALISED_PREFIXES = tuple("'" + prefix for prefix in ("=", "+", "-", "@"))


def rows_to_lines(
    rows: Iterable[tuple[int, Sequence[object]]], mapping: dict[int, tuple[str, str]]
) -> Iterator[RawLine]:
    for number, cells in rows:
        if all(c in (None, "") or (isinstance(c, str) and not c.strip()) for c in cells):
            continue  # blank rows are common at the end of a sheet
        raw = RawLine(line=number, where_kind="column")
        for index, (field, label) in mapping.items():
            value = cells[index] if index < len(cells) else None
            if isinstance(value, str):
                value = value.strip()
                if value.startswith(NEUTRALISED_PREFIXES):
                    value = value[1:]
            if field == ACTION_FIELD:
                # Ny / Ändra / Ta bort become the Peppol line actions; an unknown word stays as typed
                # and hub_rules.build_item reports it on its row.
                raw.action = line_action(value) or str(value)
                raw.action_where = label
                continue
            if value in (None, ""):
                continue
            raw.values[field] = value
            raw.where[field] = label
        yield raw
