"""The official Peppol rules (compiled Schematron XSLT 2.0) run with Saxon, mapped to report entries.

Big catalogues run in chunks (the header plus N lines) across worker processes. Each failed assert
keeps its rule id, flag, text and location; the location is rewritten to the line's position in the
whole file and mapped to the line number in the uploaded file, so a chunked run reports the same
failed asserts as a one-piece run.

This module does not need Django, so spawned workers start quickly.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from lxml import etree

from catalogue import safe_xml
from catalogue.formats.base import Chunk
from catalogue.validation import standards
from catalogue.validation.standards import rule_path

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='([^']*)'\]\[(\d+)\]")

# One compiled stylesheet per transaction per process (compiling T19 takes ~0.3 s).
_COMPILED: dict[str, tuple[object, object]] = {}


@dataclass(frozen=True)
class FailedAssert:
    rule: str
    flag: str  # "fatal" or "warning"
    text: str
    location: str  # XPath, with CatalogueLine positions counted in the whole file
    line: int | None
    in_header: bool

    def key(self) -> tuple[str, str, str]:
        return (self.rule, self.location, self.text)


def compiled(transaction: str = "T19"):
    """(processor, executable) for the transaction's rules, compiled once per process."""
    if transaction not in _COMPILED:
        from saxonche import PySaxonProcessor  # noqa: PLC0415 (Saxon's native image, only where rules run)

        processor = PySaxonProcessor(license=False)
        executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(rule_path(transaction)))
        _COMPILED[transaction] = (processor, executable)
    return _COMPILED[transaction]


def svrl_for_file(path: str | Path, transaction: str = "T19") -> bytes:
    _processor, executable = compiled(transaction)
    # The inputs are documents the hub serialised itself (no DOCTYPE), or test documents.
    return executable.transform_to_string(source_file=str(path)).encode("utf-8")


def svrl_for_text(text: str, transaction: str = "T19") -> bytes:
    processor, executable = compiled(transaction)
    node = processor.parse_xml(xml_text=text)
    return executable.transform_to_string(xdm_node=node).encode("utf-8")


def _steps(location: str) -> list[tuple[str, str, int]]:
    return [(m.group(2), m.group(1), int(m.group(3))) for m in _STEP.finditer(location)]


def _resolve(root: etree._Element, steps: list[tuple[str, str, int]]) -> etree._Element | None:
    """Follow /*:Name[namespace-uri()='ns'][n] steps from the document root."""
    if not steps:
        return None
    ns, name, position = steps[0]
    if root.tag != f"{{{ns}}}{name}" or position != 1:
        return None
    node = root
    for ns, name, position in steps[1:]:
        matches = [c for c in node.iterchildren(f"{{{ns}}}{name}")]
        if position > len(matches):
            return node
        node = matches[position - 1]
    return node


def failed_asserts(
    svrl: bytes, chunk_tree: etree._Element | None = None, chunk: Chunk | None = None
) -> list[FailedAssert]:
    """Failed asserts from SVRL; with a chunk, locations and lines are mapped to the whole file."""
    result = []
    svrl_root = etree.fromstring(svrl, safe_xml.parser())
    top_children = list(chunk_tree) if chunk_tree is not None else []
    line_positions = {}
    if chunk_tree is not None:
        count = 0
        for index, child in enumerate(top_children):
            if isinstance(child.tag, str) and etree.QName(child).localname == "CatalogueLine":
                count += 1
                line_positions[index] = count
    for fa in svrl_root.iter(f"{{{SVRL_NS}}}failed-assert"):
        location = fa.get("location", "")
        text = " ".join((fa.findtext(f"{{{SVRL_NS}}}text") or "").split())
        line = None
        in_header = "CatalogueLine[" not in location
        if chunk_tree is not None:
            node = _resolve(chunk_tree, _steps(location))
            if node is not None:
                line = _original_line(chunk_tree, top_children, node, chunk)
            if chunk is not None and not in_header:
                location = _globalise(location, chunk.first_line_index)
        result.append(FailedAssert(fa.get("id", ""), fa.get("flag", "fatal"), text, location, line, in_header))
    return result


def _original_line(root, top_children, node, chunk: Chunk | None) -> int | None:
    if node is root:
        return chunk.root_line if chunk else node.sourceline
    top = node
    while top.getparent() is not None and top.getparent() is not root:
        top = top.getparent()
    if chunk is None:
        return node.sourceline
    try:
        index = top_children.index(top)
    except ValueError:
        return None
    if index >= len(chunk.child_lines) or node.sourceline is None or top.sourceline is None:
        return None
    return chunk.child_lines[index] + (node.sourceline - top.sourceline)


_LINE_STEP = re.compile(r"(\*:CatalogueLine\[namespace-uri\(\)='[^']*'\]\[)(\d+)(\])")


def _globalise(location: str, first_line_index: int) -> str:
    return _LINE_STEP.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + first_line_index - 1}{m.group(3)}", location, 1)


def check_chunk(chunk: Chunk, transaction: str = "T19") -> list[FailedAssert]:
    """Run the official rules on one chunk file (in whatever process calls it)."""
    svrl = svrl_for_file(chunk.path, transaction)
    if b"failed-assert" not in svrl:
        return []  # the usual case: no need to parse the chunk again to map locations to lines
    tree = etree.parse(chunk.path, safe_xml.parser()).getroot()
    return failed_asserts(svrl, tree, chunk)


def _init_worker(standards_dir: str, transaction: str) -> None:
    os.environ["HUB_STANDARDS_DIR"] = standards_dir
    compiled(transaction)


def _check_chunk_in_worker(chunk: Chunk, transaction: str) -> list[dict]:
    return [asdict(fa) for fa in check_chunk(chunk, transaction)]


def merge(results: Iterable[list[FailedAssert]]) -> list[FailedAssert]:
    """Header asserts repeat in every chunk: keep each once. Sorted by line, then rule."""
    seen: set[tuple[str, str, str]] = set()
    merged = []
    for chunk_result in results:
        for fa in chunk_result:
            if fa.key() in seen:
                continue
            seen.add(fa.key())
            merged.append(fa)
    return sorted(merged, key=lambda fa: (fa.line or 0, fa.location, fa.rule))


class RulePool:
    """Worker processes for the official rules, started ahead of time.

    Spawning a worker and compiling the rules in it take about a second on this machine's cores;
    an importer starts the pool before its fast checks, so that happens beside them, not after.
    """

    def __init__(self, processes: int, transaction: str = "T19", standards_dir: str | None = None) -> None:
        if standards_dir is None:
            standards_dir = str(standards.standards_dir())
        self.processes = max(1, processes)
        self.transaction = transaction
        # spawn: Saxon (a GraalVM native image) must not be forked after it has started.
        self.executor = ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(standards_dir, transaction),
        )
        # One task per worker makes the pool start them all now (it spawns one per waiting task).
        self._ready = [self.executor.submit(_worker_ready) for _ in range(self.processes)]

    def wait_ready(self) -> None:
        """Block until every worker has started and compiled the rules."""
        for future in self._ready:
            future.result()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> RulePool:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _worker_ready() -> int:
    return os.getpid()


def run_chunks(
    chunks: list[Chunk],
    *,
    transaction: str = "T19",
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    standards_dir: str | None = None,
    pool: RulePool | None = None,
) -> list[FailedAssert]:
    """Run the rules on every chunk: in `pool`, else in `processes` new worker processes (1: in this one)."""
    processes = pool.processes if pool is not None else processes or default_processes()
    total = len(chunks)
    results: list[list[FailedAssert]] = [[] for _ in chunks]
    if pool is None and (processes <= 1 or total <= 1):
        for index, chunk in enumerate(chunks):
            results[index] = check_chunk(chunk, transaction)
            if progress:
                progress(index + 1, total)
        return merge(results)
    own_pool = pool is None
    if pool is None:
        pool = RulePool(min(processes, total), transaction, standards_dir)
    done = 0
    try:
        futures = {
            pool.executor.submit(_check_chunk_in_worker, chunk, transaction): i for i, chunk in enumerate(chunks)
        }
        for future in as_completed(futures):
            results[futures[future]] = [FailedAssert(**d) for d in future.result()]
            done += 1
            if progress:
                progress(done, total)
    finally:
        if own_pool:
            pool.close()
    return merge(results)


def default_processes() -> int:
    configured = os.environ.get("CATALOGUE_RULE_PROCESSES")
    if configured:
        return max(1, int(configured))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def validate_text(text: str, transaction: str = "T19") -> list[FailedAssert]:
    """Official rules on an in-memory document (unit tests, small documents)."""
    tree = etree.fromstring(text.encode("utf-8"), safe_xml.parser())
    return failed_asserts(svrl_for_text(text, transaction), tree, None)
