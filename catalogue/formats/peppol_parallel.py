"""The Peppol reader in a child process, so a big file's parse runs on one core and the hub's rules,
search_text and the insert on the other.

The child runs the ordinary PeppolReader (parse, lines moved into chunks, the chunk check (UBL XSD), chunk
files) and sends its raw lines in batches through a pipe, with every report issue it raised, the
header and the read position. The parent yields the lines as PeppolReader would: same lines, same
issues in the same order relative to the lines, same chunks. Needs no Django in the child.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

from catalogue.formats.base import CatalogueReader, RawLine
from catalogue.formats.peppol import PeppolReader
from catalogue.report import Issue, Report

LINES_PER_MESSAGE = 250


class _ForwardingReport(Report):
    """Keeps every issue for the parent, beyond the stored-issue cap too (the parent applies it)."""

    def __init__(self) -> None:
        super().__init__()
        self.outbox: list[Issue] = []

    def append(self, issue: Issue) -> None:
        self.outbox.append(issue)
        super().append(issue)

    def take(self) -> list[Issue]:
        issues, self.outbox = self.outbox, []
        return issues


def _read_in_child(path: str, options: dict, pipe) -> None:
    report = _ForwardingReport()
    reader = PeppolReader(Path(path), report, **options)
    batch: list[tuple] = []
    try:
        for raw in reader.lines():
            # Plain tuples pickle and unpickle about twice as fast as the dataclass.
            batch.append((raw.line, raw.action, raw.values, raw.where, raw.where_kind, raw.action_where))
            if len(batch) >= LINES_PER_MESSAGE:
                pipe.send(("lines", batch, report.take(), reader.header, reader.bytes_done))
                batch = []
        pipe.send(("lines", batch, report.take(), reader.header, reader.bytes_done))
        pipe.send(("done", reader.chunks, reader.ok))
    except BaseException as exc:  # any: the parent raises it (StandardsMissing and the like)
        pipe.send(("error", exc, report.take()))
    finally:
        pipe.close()


class ParallelPeppolReader(CatalogueReader):
    format = "peppol"

    def __init__(self, path: Path, report: Report, **options) -> None:
        """Takes PeppolReader's keyword options (chunk_lines, chunk_dir, chunk_check, write_chunks) and passes them on.

        The chunk check must pickle (a module-level function or a dataclass like XsdCheck): it runs in the child.
        """
        super().__init__(path, report)
        self.options = options
        self.ok = True

    def _in_this_process(self) -> Iterator[RawLine]:
        reader = PeppolReader(self.path, self.report, **self.options)
        for raw in reader.lines():
            self.header = reader.header
            self.bytes_done = reader.bytes_done
            yield raw
        self.header, self.chunks, self.ok = reader.header, reader.chunks, reader.ok
        self.bytes_done = self.bytes_total

    def lines(self) -> Iterator[RawLine]:
        context = multiprocessing.get_context("spawn")  # the parent may hold threads and a database connection
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(
            target=_read_in_child,
            args=(str(self.path), self.options, sending),
            name="catalogue-peppol-reader",
            daemon=True,
        )
        try:
            child.start()
        except (AssertionError, OSError):
            # A daemonic process may not have children, and a full process table refuses one: read here.
            receiving.close()
            sending.close()
            yield from self._in_this_process()
            return
        sending.close()
        try:
            while True:
                try:
                    message = receiving.recv()
                except EOFError:
                    raise RuntimeError("the Peppol reader process ended without an answer") from None
                kind = message[0]
                if kind == "lines":
                    _kind, raws, issues, header, bytes_done = message
                    self.header = header
                    for line, action, values, where, where_kind, action_where in raws:
                        yield RawLine(line, action, values, where, where_kind, action_where)
                    # After the batch's lines, as in PeppolReader: a chunk's check issues follow its lines.
                    for issue in issues:
                        self.report.append(issue)
                    self.bytes_done = bytes_done
                elif kind == "done":
                    self.chunks, self.ok = message[1], message[2]
                    return
                else:
                    _kind, exc, issues = message
                    for issue in issues:
                        self.report.append(issue)
                    raise exc
        finally:
            self.bytes_done = self.bytes_total
            receiving.close()
            child.join(timeout=5)
            if child.is_alive():
                child.terminate()
                child.join()
