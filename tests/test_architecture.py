"""The house rules of the layout, checked on the source (issue 11).

Data flows one way: shared vocabulary -> io -> tasks -> judge -> analysis / trope_analysis -> cli.
A module may import (at module level or inside a function) only from its own layer or the layers
before it; the report never imports trope_analysis (its caller hands it the trope section); and
module-level imports form no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Layers in the order data flows. A module's layer is its longest matching prefix.
LAYERS: dict[str, int] = {
    "pct_tasks": 0,  # __init__ (version only)
    "pct_tasks.labels": 0,
    "pct_tasks.errors": 0,
    "pct_tasks.sentences": 0,  # the one sentence splitter (judge and tropes)
    "pct_tasks.minilm": 1,
    "pct_tasks.io": 1,
    "pct_tasks.models": 1,  # obtaining real models (SmolLM2 from PyPI) for runs and tests
    "pct_tasks.tasks": 2,
    # Reading logged samples means reading answers the way the tasks parse them.
    "pct_tasks.io.records": 2,
    "pct_tasks.judge": 3,
    "pct_tasks.analysis": 4,
    "trope_analysis": 4,
    "pct_tasks.cli": 5,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    files = [*ROOT.joinpath("pct_tasks").rglob("*.py"), *ROOT.joinpath("trope_analysis").rglob("*.py")]
    return {_module_name(p): p for p in files}


def _layer(module: str) -> int | None:
    best = None
    for prefix, layer in LAYERS.items():
        if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, layer)
    return None if best is None else best[1]


def _imports(path: Path) -> list[tuple[str, bool, int]]:
    """(imported module, at module level?, line) for every project import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    # Imports under `if TYPE_CHECKING:` at module level are for annotations only.
    type_only = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name.split(".")[0] in ("pct_tasks", "trope_analysis"):
                found.append((name, id(node) in top_level, node.lineno))
    return found


SOURCES = _sources()


def test_every_module_has_a_layer():
    assert [m for m in SOURCES if _layer(m) is None] == []


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_imports_flow_one_way(module):
    own = _layer(module)
    backward = []
    for name, _, line in _imports(SOURCES[module]):
        target = _layer(name)
        if target is not None and target > own:
            backward.append(f"line {line}: {name}")
        if module.startswith("pct_tasks.") and not module.startswith("pct_tasks.cli") \
                and name.startswith("trope_analysis"):
            backward.append(f"line {line}: {name} (only the CLI may call trope_analysis)")
    assert backward == [], f"{module} imports against the flow"


def test_no_import_cycles_at_module_level():
    graph: dict[str, set[str]] = {m: set() for m in SOURCES}
    for module, path in SOURCES.items():
        for name, top, _ in _imports(path):
            if not top:
                continue
            # "from pkg import submodule" names the submodule; otherwise the module itself.
            target = name if name in SOURCES else name.rsplit(".", 1)[0]
            if target in SOURCES and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [node, nxt]) if nxt in stack
                              else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, stack + [node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == []
