"""No import cycle inside a package.

A cycle between modules of one package (``a`` imports ``b``, ``b`` imports ``a``,
often through an import inside a function) means neither can be read, tested or
moved without the other. Imports between packages are import-linter's layers
contract (pyproject.toml); this test looks inside each package, function-level
imports included (only ``if TYPE_CHECKING:`` imports are left out).

There is no allow-list: the last cycle (inside ``cms``) was broken, and a new one
fails. Break it by its direction (see README, "Architecture"), not with an import
moved into a function.
"""

from __future__ import annotations

from itertools import pairwise

import grimp
import pytest

PACKAGES = ["config", "demo", "ops", "interaction", "search", "cms", "themes"]
PACKAGES += ["accounts", "delivery", "subscriptions", "supervision", "syndication"]
PACKAGES += ["core", "sites"]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)


def _package(module: str) -> str:
    return module.split(".", 1)[0]


def _cycles(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected components of more than one module, each inside one
    package (Tarjan's algorithm, iterative)."""

    def successors(module: str) -> list[str]:
        return sorted(
            imported
            for imported in graph.find_modules_directly_imported_by(module)
            if _package(imported) == _package(module)
        )

    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(successors(root)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def _describe(graph: grimp.ImportGraph, component: set[str]) -> str:
    """One cycle through the component, with the import lines that make it."""
    start = min(component)
    for imported in sorted(graph.find_modules_directly_imported_by(start)):
        if imported not in component:
            continue
        back = graph.find_shortest_chain(importer=imported, imported=start)
        if back is None:
            continue
        chain = [start, *back]
        lines = []
        for importer, target in pairwise(chain):
            details = graph.get_import_details(importer=importer, imported=target)
            where = ", ".join(
                f"line {d['line_number']}: {d['line_contents']}" for d in details
            )
            lines.append(f"  {importer} -> {target}  ({where})")
        return "\n".join(lines)
    return "  " + " <-> ".join(sorted(component))


def test_no_import_cycle_inside_a_package(graph):
    cycles = _cycles(graph)
    assert not cycles, "import cycles inside a package:\n" + "\n\n".join(
        _describe(graph, component) for component in cycles
    )


def test_cycles_found_inside_a_package_only():
    """The check itself: a cycle inside one package is found, with the lines that
    make it; a loop that passes through another package is the layers contract's
    business, not this test's."""
    graph = grimp.ImportGraph()
    graph.add_import(
        importer="pkg.a", imported="pkg.b", line_number=3, line_contents="import b"
    )
    graph.add_import(
        importer="pkg.b", imported="pkg.c", line_number=4, line_contents="import c"
    )
    graph.add_import(
        importer="pkg.c", imported="pkg.a", line_number=9, line_contents="import a"
    )
    graph.add_import(importer="pkg.c", imported="other.x")
    graph.add_import(importer="other.x", imported="pkg.d")
    graph.add_import(importer="pkg.d", imported="other.x")

    assert _cycles(graph) == [{"pkg.a", "pkg.b", "pkg.c"}]
    described = _describe(graph, {"pkg.a", "pkg.b", "pkg.c"})
    assert "pkg.c -> pkg.a  (line 9: import a)" in described
