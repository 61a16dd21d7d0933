"""The apps' imports point one way: swedish_text and hub's infrastructure ← organisations ← catalogue ← search
← punchout ← followup.

The project (hub: settings, urls, accounts, guidance, demo) sits on top and may import anything.
Every import counts, also one inside a function: a function-level import is still a dependency.
Tests are left out (a test may reach across to build its data).
"""

import ast
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# What each layer may import from the project's own packages (prefixes of dotted module names).
INFRASTRUCTURE = ("swedish_text", "hub.db", "hub.tasks", "hub.settings.environment", "hub.money")
ALLOWED = {
    "swedish_text": ("swedish_text",),
    "hub.organisations": (*INFRASTRUCTURE, "hub.organisations"),
    "catalogue": (*INFRASTRUCTURE, "hub.organisations", "catalogue"),
    "search": (*INFRASTRUCTURE, "hub.organisations", "catalogue", "search"),
    "punchout": (*INFRASTRUCTURE, "hub.organisations", "catalogue", "search", "punchout"),
    "followup": (*INFRASTRUCTURE, "hub.organisations", "catalogue", "search", "punchout", "followup"),
}
PROJECT_PACKAGES = ("swedish_text", "hub", "catalogue", "search", "punchout", "followup")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
                # `from catalogue import review` imports catalogue.review
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in PROJECT_PACKAGES}


def layer_of(module: str) -> str | None:
    for layer in sorted(ALLOWED, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def is_allowed(imported: str, allowed: tuple[str, ...]) -> bool:
    # `from hub import db` adds "hub" and "hub.db": the bare package name is not a dependency on its own.
    if imported in {"hub"}:
        return True
    return any(imported == prefix or imported.startswith(prefix + ".") for prefix in allowed)


def source_files():
    for package in ALLOWED:
        root = REPO_ROOT / package.replace(".", "/")
        for path in sorted(root.rglob("*.py")):
            relative = path.relative_to(REPO_ROOT).parts
            if "tests" in relative or "migrations" in relative:
                continue
            yield path


@pytest.mark.parametrize("path", list(source_files()), ids=lambda path: str(path.relative_to(REPO_ROOT)))
def test_imports_point_downward(path: Path) -> None:
    module = module_name(path)
    layer = layer_of(module)
    assert layer is not None, f"{module} is in no layer of ALLOWED"
    allowed = ALLOWED[layer]
    upward = sorted(name for name in imported_modules(path) if not is_allowed(name, allowed))
    assert upward == [], f"{module} imports {upward}; {layer} may import only {allowed}"


def test_the_check_sees_a_function_level_upward_import(tmp_path, monkeypatch) -> None:
    """The check itself can fail: an import of search inside a catalogue function is caught."""
    fake = REPO_ROOT / "catalogue" / "_architecture_probe.py"
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: "def f():\n    from search import indexing\n")
    assert imported_modules(fake) == {"search", "search.indexing"}
    assert not is_allowed("search.indexing", ALLOWED["catalogue"])


UNSAFE_XML_CALL = re.compile(r"etree\.(parse|fromstring|XML|iterparse|XMLParser)\((?!.*safe_xml)")


@pytest.mark.parametrize("package", ["catalogue", "search", "hub", "punchout", "swedish_text"])
def test_every_xml_parse_goes_through_safe_xml(package: str) -> None:
    """No resolved entities or fetched DTDs anywhere: lxml is called with catalogue.safe_xml's parser."""
    offenders = []
    for path in (REPO_ROOT / package).rglob("*.py"):
        if "tests" in path.parts or path.name == "safe_xml.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if UNSAFE_XML_CALL.search(line):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_xml_check_catches_a_bare_parse() -> None:
    assert UNSAFE_XML_CALL.search("tree = etree.parse(path)")
    assert UNSAFE_XML_CALL.search("etree.iterparse(handle, events=('end',))")
    assert not UNSAFE_XML_CALL.search("etree.fromstring(data, safe_xml.parser())")


STATUS_WRITE = re.compile(r"\.status\s*=[^=]|\.update\([^)]*\bstatus=|update_fields=\[[^\]]*\"status\"")


def test_catalogue_version_statuses_change_only_through_the_state_machine() -> None:
    """CatalogueVersion.transition is the one writer of a version's status (allowed moves declared once)."""
    writes = []
    for path in list((REPO_ROOT / "catalogue").rglob("*.py")) + list((REPO_ROOT / "search").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if STATUS_WRITE.search(line):
                writes.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    # Only transition() itself: its locked update and keeping the caller's instance in step.
    assert [entry.split(": ", 1)[1] for entry in writes] == [
        "type(self).objects.filter(pk=self.pk).update(status=new_status, **fields)",
        "self.status = new_status",
    ], writes
    assert all(entry.startswith("catalogue/models.py:") for entry in writes), writes


def module_graph() -> dict[str, set[str]]:
    """Each project module and the project modules it imports.

    An edge from a module to the package it lives in is left out: `from catalogue.formats import
    xmlerrors` inside catalogue/formats/peppol.py names the package, but depends on xmlerrors.
    """
    paths = {module_name(path): path for path in source_files()}
    graph = {}
    for name, path in paths.items():
        imported = imported_modules(path) & paths.keys()
        graph[name] = {other for other in imported if other != name and not name.startswith(other + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_go_round_in_a_cycle() -> None:
    assert cycles(module_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
