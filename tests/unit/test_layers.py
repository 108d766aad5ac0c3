"""The package's layers, held: the core imports only numpy and the standard library, a module
imports only from its own layer or lower ones, nothing imports an entry point or the
benchmarks, and no modules import each other in a circle (imports inside functions count).

Layers, lowest first (docs/LAYOUT.md): core, adapters, exercises, engine, reports, services,
then the entry points (cli, serve, the pages in ui/). The benchmarks stand outside.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "posecoach"

LAYER_OF_FOLDER = {"core": 0, "adapters": 1, "exercises": 2, "engine": 3, "reports": 4, "services": 5, "ui": 6}
# Modules still at the package root, by the layer they belong to, until they have moved.
LAYER_OF_ROOT_MODULE = {
    "posecoach": 0,
    "cli": 6, "serve": 6,
}
ENTRY_POINTS = ("posecoach.cli", "posecoach.serve", "posecoach.ui")
# Beside src/ in the checkout, never in the wheel: they may import anything of posecoach, and
# posecoach imports neither (`posecoach bench` runs `python -m benchmarks`, it does not import it).
OUTSIDE = ("benchmarks", "tools")

# Today's violations, as (importer, imported). Each step of the restructuring deletes the
# lines it fixes; the list is empty at its end. A new violation fails the test.
ALLOWED: set[tuple[str, str]] = set()
ALLOWED_CYCLES: set[frozenset[str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str) -> str:
    """The module a dotted import name lands in (a name inside a module counts as the module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def imports_of(module: str) -> set[str]:
    """Every module ``module`` imports, at the top or inside a function: posecoach's own by
    module name, others by their top-level package."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(resolve(alias.name) if alias.name.startswith("posecoach") else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if not target.startswith("posecoach"):
                found.add(target.split(".")[0])
                continue
            for alias in node.names:
                full = f"{target}.{alias.name}"
                found.add(full if full in MODULES else resolve(target))
    found.discard(module)
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYER_OF_FOLDER):
        return LAYER_OF_FOLDER[parts[1]]
    return LAYER_OF_ROOT_MODULE[parts[-1]]


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer(module)  # a KeyError names a new root module: give it a layer, or better a folder


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("posecoach.core")))
def test_the_core_imports_only_numpy_and_the_standard_library(module: str) -> None:
    foreign = {name for name in GRAPH[module]
               if not name.startswith("posecoach.core") and name != "numpy" and name not in sys.stdlib_module_names
               and name != "__future__"}
    assert not foreign, f"{module} imports {sorted(foreign)}"


def _entry(module: str) -> str | None:
    """The entry point ``module`` belongs to (cli, serve or ui), or None."""
    return next((p for p in ENTRY_POINTS if _within(module, (p,))), None)


def _violations() -> set[tuple[str, str]]:
    bad = set()
    for module, imported in GRAPH.items():
        for other in imported:
            if not other.startswith("posecoach"):
                continue
            if _within(other, ENTRY_POINTS) and _entry(other) != _entry(module) and \
                    (module, other) != ("posecoach.cli", "posecoach.serve"):  # the command line may start the page
                bad.add((module, other))
            elif layer(other) > layer(module):
                bad.add((module, other))
    return bad


def test_the_package_imports_neither_the_benchmarks_nor_the_tools() -> None:
    found = sorted(f"{module} -> {other}" for module, imported in GRAPH.items() for other in imported
                   if _within(other, OUTSIDE))
    assert not found, "posecoach importing what stands outside it (not in the wheel): " + ", ".join(found)


def test_imports_go_downward_only() -> None:
    new = _violations() - ALLOWED
    assert not new, "imports against the layers (lower layers may not import higher ones): " + ", ".join(
        f"{a} -> {b}" for a, b in sorted(new))


def test_the_allowed_violations_are_still_there() -> None:
    """A fixed violation is struck off the list, so the list only shrinks."""
    gone = ALLOWED - _violations()
    assert not gone, "fixed, strike off ALLOWED: " + ", ".join(f"{a} -> {b}" for a, b in sorted(gone))


def _cycles(graph: dict[str, set[str]] | None = None) -> set[frozenset[str]]:
    """Strongly connected groups of more than one module of ``graph`` (default: the package's;
    Tarjan's algorithm)."""
    graph = GRAPH if graph is None else graph
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: set[frozenset[str]] = set()
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.add(frozenset(group))

    for v in graph:  # the graph is shallow (tens of modules deep): the default recursion limit holds
        if v not in index:
            visit(v)
    return groups


def test_no_import_cycles() -> None:
    new = _cycles() - ALLOWED_CYCLES
    assert not new, "modules importing each other in a circle: " + "; ".join(" <-> ".join(sorted(g)) for g in new)


def test_the_allowed_cycles_are_still_there() -> None:
    gone = ALLOWED_CYCLES - _cycles()
    assert not gone, "broken, strike off ALLOWED_CYCLES: " + "; ".join(" <-> ".join(sorted(g)) for g in gone)


BENCHMARKS = SRC.parent / "benchmarks"


def _benchmark_graph() -> dict[str, set[str]]:
    """The benchmarks' imports of each other (``benchmarks.x`` names), at the top or inside a function."""
    names = {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__"): p
             for p in sorted(BENCHMARKS.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("benchmarks"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    found.add(full if full in names else node.module)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("benchmarks")}
        found.discard(name)
        graph[name] = {f for f in found if f in names}
    return graph


def test_the_benchmarks_import_no_cycle_and_their_support_only_support() -> None:
    graph = _benchmark_graph()
    assert "benchmarks.support.verdicts" in graph
    cycles = _cycles(graph)
    assert not cycles, "benchmarks importing each other in a circle: " + "; ".join(" <-> ".join(sorted(g)) for g in cycles)
    upward = sorted(f"{m} -> {o}" for m, imported in graph.items() if m.startswith("benchmarks.support.")
                    for o in imported if not o.startswith("benchmarks.support"))
    assert not upward, "the benchmarks' support importing a benchmark: " + ", ".join(upward)
