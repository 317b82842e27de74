"""The builder's layout follows its data flow, read from the import graph of its code (every import,
those inside functions and under TYPE_CHECKING included): a package imports only packages below it
(store < record < read < extract < index < data < site < the command line's modules), no module
imports itself through others, each package says in its docstring what goes in and what comes out,
and no module outgrows what a reader takes in at once."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

BUILDER = Path(__file__).resolve().parent.parent / "builder"

# lowest first: a package may import the packages before it, never one after it
LAYERS = ("store", "record", "read", "extract", "index", "data", "site")
TOP = ("pipeline", "add_report", "publish", "release", "cli", "__main__")  # the command line and the whole path, above every stage
MAX_LINES = 650  # "about 600": past it, a module is split along a seam a reader can see


def _module_name(path: Path) -> str:
    parts = path.relative_to(BUILDER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(BUILDER.rglob("*.py"))}


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The builder's modules that module `name` imports (anywhere in its code)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "builder")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            if origin.split(".")[0] != "builder":
                continue
            for alias in node.names:  # `from builder.read import workers` imports the module builder.read.workers
                found.add(f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin)
    return {m for m in found if m in modules and m != name}


def _rank(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return -1  # builder itself: its version
    if parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    assert parts[1] in TOP, f"{module}: a module outside the stages' packages and the command line's modules"
    return len(LAYERS)


GRAPH = {name: _imports(name, path, _modules()) for name, path in _modules().items()}


def test_the_graph_is_read():
    """The graph is not empty by a mistake of this test: it holds imports known to be there."""
    assert "builder.record.models" in GRAPH["builder.extract.to_record"]
    assert "builder.read.workers" in GRAPH["builder.pipeline"]  # `from .read import workers`
    assert "builder.record.checks" in GRAPH["builder.extract.to_record"]  # imported inside a function


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_package_imports_one_above_it(module):
    upward = sorted(m for m in GRAPH[module] if _rank(m) > _rank(module))
    assert not upward, f"{module} imports {upward}, above it in {LAYERS + ('pipeline/cli',)}"


def test_no_import_circles():
    """Tarjan's strongly connected components of the module graph: each must be a single module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not circles, f"modules that import each other: {circles}"


@pytest.mark.parametrize("package", LAYERS)
def test_each_package_says_what_goes_in_and_out(package):
    doc = ast.get_docstring(ast.parse((BUILDER / package / "__init__.py").read_text(encoding="utf-8"))) or ""
    assert "In:" in doc and "Out:" in doc, f"builder/{package}/__init__.py: its docstring says what goes in and out"


def test_no_module_outgrows_a_reading():
    long = {str(p.relative_to(BUILDER.parent)): n for p in BUILDER.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: split along a seam a reader can see: {long}"
