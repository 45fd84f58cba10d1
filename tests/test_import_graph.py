"""No module of `workshop` imports a module that imports it back, at any depth, and the write
side never imports the read side.

The graph counts every import the code can run: at module level and inside functions, and
`from package import name` where `name` is a submodule counts as importing that submodule.
A cycle held apart only by an import inside a function is still a cycle (docs: ARCHITECTURE.md,
"move the shared piece instead").
"""

from __future__ import annotations

import ast
from pathlib import Path

import workshop

PACKAGE = "workshop"
ROOT = Path(workshop.__file__).parent

# The read side: the snapshot, sync, searches and views; it changes nothing.
READ_SIDE = ("workshop.reads",)
# The write side and what it stands on: the use cases (ops and their handlers, joining,
# imports) with the pieces they share with the reads (row shapes, the board state, visibility,
# the log), the plain rules and the tables. None of it may import the read side, directly or
# through another module; only the adapters (web, realtime, cli) and the demo use both.
WRITE_SIDE = ("workshop.ops", "workshop.services", "workshop.domain", "workshop.models")


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (a package is its `__init__`)."""
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join(base + ([target] if target else []))


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The modules of the package that `module` imports anywhere in its source."""
    found: set[str] = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = (_resolve_relative(module, is_package, node.level, node.module)
                    if node.level else node.module or "")
            # `from pkg import sub` imports the submodule `pkg.sub` when there is one,
            # otherwise it takes a name defined in `pkg` itself.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            if target in known:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the package modules it imports (parents of a package are not implied)."""
    modules = module_names()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the strongly connected components, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def cycle_path(graph: dict[str, set[str]], members: list[str]) -> list[str]:
    """One concrete loop through a component, start → … → start, for a readable failure."""
    inside = set(members)
    start = members[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        node = frontier.pop(0)
        for successor in sorted(graph[node] & inside):
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return list(reversed(path)) + [start]
            if successor not in previous:
                previous[successor] = node
                frontier.append(successor)
    return members


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle as a path: components of more than one module, and self-imports."""
    cycles = []
    for component in strongly_connected(graph):
        if len(component) > 1:
            cycles.append(cycle_path(graph, component))
        elif component[0] in graph[component[0]]:
            cycles.append([component[0], component[0]])
    return cycles


def on_side(module: str, prefixes: tuple[str, ...]) -> bool:
    """Whether the module is one of the prefixes or inside one of them."""
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def crossings(graph: dict[str, set[str]], sources: tuple[str, ...],
              targets: tuple[str, ...]) -> list[list[str]]:
    """For each module of `sources` that reaches a module of `targets` through any chain of
    imports, the shortest such chain, source → … → target."""
    found = []
    for start in sorted(m for m in graph if on_side(m, sources)):
        previous: dict[str, str] = {start: start}
        frontier = [start]
        while frontier:
            node = frontier.pop(0)
            if on_side(node, targets):
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                found.append(list(reversed(path)))
                break
            for successor in sorted(graph[node]):
                if successor not in previous:
                    previous[successor] = node
                    frontier.append(successor)
    return found


def test_the_graph_sees_imports_inside_functions_and_submodules(tmp_path):
    """The walker counts a function-level `from pkg import sub` as importing `pkg.sub`."""
    source = tmp_path / "a.py"
    source.write_text("import workshop.db\n"
                      "def f():\n"
                      "    from workshop.services import ops\n"
                      "    from . import b\n"
                      "    from .c import name\n"
                      "    from ..domain.board import reduce\n")
    known = {"workshop.db", "workshop.services", "workshop.services.ops",
             "workshop.services.b", "workshop.services.c", "workshop.domain.board",
             "workshop.services.unused"}
    assert imports_of("workshop.services.a", source, known) == {
        "workshop.db", "workshop.services.ops", "workshop.services.b", "workshop.services.c",
        "workshop.domain.board"}


def test_find_cycles_reports_each_loop_with_its_path():
    """A two-module loop, a three-module loop and a self-import are each reported."""
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"f"}, "g": set()}
    assert find_cycles(graph) == [["a", "b", "a"], ["c", "d", "e", "c"], ["f", "f"]]


def test_the_package_has_no_import_cycles():
    """No module imports a module that imports it back, at any depth."""
    graph = import_graph()
    cycles = find_cycles(graph)
    loops = [component for component in strongly_connected(graph)
             if len(component) > 1 or component[0] in graph[component[0]]]
    report = "\n".join(
        f"{' -> '.join(path)}\n    every import among {', '.join(component)}:\n"
        + "".join(f"      {m} -> {t}\n" for m in component for t in sorted(graph[m])
                  if t in component)
        for path, component in zip(cycles, loops, strict=True))
    assert not cycles, f"import cycles in {PACKAGE}:\n{report}"


def test_crossings_follow_imports_at_any_depth():
    """A write module that reaches the read side only through a shared module is reported,
    with the chain; one that does not, and a read module importing the write side, are not."""
    graph = {"w.ops": {"shared.rows"}, "shared.rows": {"r.snapshot"}, "r.snapshot": {"w.log"},
             "w.log": set(), "w.rules": {"w.log"}, "r": set(), "w2": {"r"}}
    assert crossings(graph, ("w", "w2", "shared"), ("r",)) == [
        ["shared.rows", "r.snapshot"], ["w.ops", "shared.rows", "r.snapshot"], ["w2", "r"]]
    assert crossings(graph, ("w.rules", "w.log"), ("r",)) == []
    assert not on_side("w2", ("w",)) and on_side("w.ops", ("w",)) and on_side("w", ("w",))


def test_each_side_names_modules_that_exist():
    """A renamed package cannot leave the sides' test passing with nothing to check."""
    modules = module_names()
    for prefix in READ_SIDE + WRITE_SIDE:
        assert any(on_side(module, (prefix,)) for module in modules), \
            f"{prefix} is no module of {PACKAGE}: update READ_SIDE / WRITE_SIDE"
    assert not set(READ_SIDE) & set(WRITE_SIDE)


def test_the_write_side_never_imports_the_read_side():
    """No write module imports a read module, directly or through others, at any depth
    (issue 26, "Reads apart from writes"): what both need is a shared piece in services."""
    found = crossings(import_graph(), WRITE_SIDE, READ_SIDE)
    assert not found, ("the write side imports the read side (move the piece both need out "
                       "of workshop/reads):\n" + "\n".join(" -> ".join(c) for c in found))
