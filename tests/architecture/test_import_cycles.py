"""No import cycle inside a package.

A cycle between modules of one package (``a`` imports ``b``, ``b`` imports ``a``,
often through an import inside a function) means neither can be read, tested or
moved without the other. Imports between packages are import-linter's layers
contract (pyproject.toml); this test looks inside each package, function-level
imports included (only ``if TYPE_CHECKING:`` imports are left out).

``KNOWN_CYCLES`` lists the cycles the code had when this test was written. It may
only shrink: a new cycle fails, and so does an entry that no longer matches a
cycle (remove or shrink it once the cycle is broken).
"""

from __future__ import annotations

from itertools import pairwise

import grimp
import pytest

PACKAGES = ["config", "demo", "ops", "interaction", "search", "cms", "themes"]
PACKAGES += ["accounts", "core", "sites"]

KNOWN_CYCLES = [
    {
        "cms.consultations",
        "cms.feeds",
        "cms.forms",
        "cms.models",
        "cms.models.content",
        "cms.models.site_pages",
        "cms.publishing",
        "cms.selectors",
    },
]


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


def test_known_cycles_are_the_only_ones(graph):
    cycles = _cycles(graph)
    new = [
        component
        for component in cycles
        if not any(component <= known for known in KNOWN_CYCLES)
    ]
    assert not new, "import cycles inside a package:\n" + "\n\n".join(
        _describe(graph, component) for component in new
    )


def test_known_cycles_only_shrink(graph):
    cycles = [frozenset(component) for component in _cycles(graph)]
    stale = [known for known in KNOWN_CYCLES if frozenset(known) not in cycles]
    assert not stale, (
        "KNOWN_CYCLES lists cycles the code no longer has; replace them with what"
        f" is left ({[sorted(c) for c in cycles]}):\n"
        + "\n".join(str(sorted(known)) for known in stale)
    )
