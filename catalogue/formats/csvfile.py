"""CSV catalogues with Swedish headings: ';' or ',' separated, UTF-8 with or without BOM.

Bytes that are not UTF-8 are refused with their line number (a file saved as Windows-1252 shows
'Ã¥' in place of 'å' otherwise, which nobody notices until the catalogue is live).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from catalogue.formats.base import CatalogueReader, Header, RawLine
from catalogue.formats.tabular import map_headings, rows_to_lines
from catalogue.report import SOURCE_FILE, Report

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class CsvReader(CatalogueReader):
    format = "csv"

    def __init__(self, path: Path, report: Report, *, update: bool = False, **_options) -> None:
        super().__init__(path, report)
        # The supplier's choice of mode: a sheet has no header of its own to say Replace or Update.
        self.header_action = "Update" if update else "Replace"

    def _decoded_lines(self, handle) -> Iterator[str]:
        for number, raw in enumerate(handle, start=1):
            self.bytes_done += len(raw)
            if number == 1 and (raw.startswith(UTF16_BOMS) or raw.count(b"\x00") * 3 >= len(raw) > 1):
                # UTF-16 (Excel's "Unicode text"): every other byte is NUL; ask for UTF-8 instead of guessing.
                encoding = "UTF-16 LE" if raw.startswith(b"\xff\xfe") or raw[1:2] == b"\x00" else "UTF-16 BE"
                self.report.error("FILE-UTF16", source=SOURCE_FILE, line=1, encoding=encoding)
                self.ok = False
                return
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.report.error(
                    "FILE-ENCODING",
                    source=SOURCE_FILE,
                    line=number,
                    encoding="UTF-8",
                    detail=f"byte 0x{raw[exc.start]:02X}, position {exc.start + 1}",
                )
                self.ok = False
                return

    def lines(self) -> Iterator[RawLine]:
        self.ok = True
        with open(self.path, "rb") as handle:
            text_lines = self._decoded_lines(handle)
            first = next(text_lines, None)
            if first is None:
                if self.ok:
                    self.report.error("FILE-EMPTY", source=SOURCE_FILE)
                return
            delimiter = max((";", ",", "\t"), key=first.count)
            self.header = Header(action=self.header_action, line=1)

            def all_lines() -> Iterator[str]:
                yield first
                yield from text_lines

            reader = csv.reader(all_lines(), delimiter=delimiter)
            try:
                headings = next(reader)
            except csv.Error as exc:
                self.report.error("FILE-UNREADABLE", source=SOURCE_FILE, line=1, detail=str(exc))
                return
            mapping = map_headings(headings, self.report)
            if mapping is None:
                return

            def rows() -> Iterator[tuple[int, list[str]]]:
                while True:
                    try:
                        cells = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as exc:
                        self.report.error("FILE-UNREADABLE", source=SOURCE_FILE, line=reader.line_num, detail=str(exc))
                        return
                    yield reader.line_num, cells

            yield from rows_to_lines(rows(), mapping)
