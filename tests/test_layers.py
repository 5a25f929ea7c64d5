"""Layers point down: no import cycle in embedkit except the display hand-offs.

An object hands itself to its widget only when displayed (``Embeddings`` to the projector
and to its static plot, a trainer to its dashboard): those edges point up on purpose and
are the only ones allowed to (:data:`DISPLAY_HANDOFFS`). Everything else must form a
directed acyclic graph, so a new cycle or upward import fails here.

The import graph is read from the source (``ast``), imports inside functions included
and ``if TYPE_CHECKING:`` blocks left out, as in import-linter; importing a submodule
is an edge to that submodule, not to its package's ``__init__``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "embedkit"
LAYERED = ("embedkit.io", "embedkit.datasets")
DISPLAY_HANDOFFS = {
    ("embedkit.vectors", "embedkit.widgets.projector"),  # Embeddings._repr_mimebundle_
    ("embedkit.vectors", "embedkit.plot"),  # Embeddings.plot(): the static fallback
    ("embedkit.train.base", "embedkit.widgets.dashboard"),  # Trainer.dashboard()
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PKG.rglob("*.py") if "labextension" not in p.parts}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return getattr(test, "id", getattr(test, "attr", None)) == "TYPE_CHECKING"


def _imports(name: str, path: Path) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    todo: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                todo.extend(child.orelse)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - max(child.level - 1, 0)]
                stem = ".".join(base) if child.level else ""
                mod = ".".join(x for x in (stem, child.module or "") if x)
                subs = {f"{mod}.{a.name}" for a in child.names} & MODULES.keys()
                found.update(subs or {mod})
            todo.append(child)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _reaches(start: str, goal: str) -> list[str] | None:
    """A path of imports from ``start`` to ``goal``, or None."""
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop()
        for nxt in sorted(GRAPH[path[-1]]):
            if nxt == goal:
                return [*path, nxt]
            if nxt not in seen:
                seen.add(nxt)
                paths.append([*path, nxt])
    return None


@pytest.mark.parametrize("name", sorted(m for m in MODULES if m.startswith(LAYERED)))
def test_no_import_cycle_through(name):
    cycle = _reaches(name, name)
    assert cycle is None, " -> ".join(cycle or [])


def test_format_modules_sit_below_vectors():
    """The io format modules never import Embeddings: ``Embeddings.save`` imports them."""
    for name in (m for m in MODULES if m.startswith("embedkit.io._")):
        assert "embedkit.vectors" not in GRAPH[name], name
    assert "embedkit.io" not in GRAPH["embedkit.vectors"]


def test_submodules_never_import_their_package():
    for name in MODULES:
        package = name.rpartition(".")[0]
        if package in LAYERED:
            assert package not in GRAPH[name], f"{name} imports {package}"


def _cycles_without_handoffs() -> list[list[str]]:
    graph = {a: {b for b in bs if (a, b) not in DISPLAY_HANDOFFS} for a, bs in GRAPH.items()}
    found, state = [], dict.fromkeys(graph, 0)  # 0 new, 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state[nxt] == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif state[nxt] == 0:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if state[start] == 0:
            visit(start, [start])
    return found


def test_no_import_cycle_anywhere_but_display_handoffs():
    cycles = _cycles_without_handoffs()
    assert not cycles, "; ".join(" -> ".join(c) for c in cycles)


def test_handoffs_are_still_real_edges():
    """A hand-off that no longer exists must leave the allowed list (it would hide one)."""
    for a, b in DISPLAY_HANDOFFS:
        assert b in GRAPH[a], f"{a} no longer imports {b}: drop it from DISPLAY_HANDOFFS"


def test_lower_layers_never_import_train_or_widgets():
    # embedkit.scale sits above train (it maps the trainers' encoders over a cluster)
    upper = ("embedkit.train", "embedkit.widgets", "embedkit.scale")
    lower = [m for m in MODULES if not m.startswith(upper)]
    for name in lower:
        bad = {m for m in GRAPH[name] if m.startswith(("embedkit.train", "embedkit.widgets"))} - {
            b for a, b in DISPLAY_HANDOFFS if a == name
        }
        assert not bad, f"{name} imports {sorted(bad)}"


def test_import_embedkit_stays_light():
    """``import embedkit`` loads neither trainers, widgets nor heavy libraries."""
    code = (
        "import sys, embedkit\n"
        "heavy = ('embedkit.train', 'embedkit.widgets', 'embedkit.scale', 'torch', 'gensim',"
        " 'ipywidgets', 'anywidget', 'matplotlib', 'sentence_transformers', 'umap', 'ray',"
        " 'faiss')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy"
        " or m.startswith(heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
