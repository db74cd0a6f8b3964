"""No two modules of the package import each other, directly or round a loop (TYPE_CHECKING imports
included): a loop means two modules share one piece of knowledge that belongs in a third."""

from __future__ import annotations

import ast
from pathlib import Path

PROXY = Path(__file__).resolve().parent.parent / "proxy"


def _module(path: Path) -> str:
    rel = path.relative_to(PROXY.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    me = _module(path)
    package = me.split(".") if path.name == "__init__.py" else me.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
            for alias in node.names:  # `from . import x` names a module when x is one
                candidate = f"{base}.{alias.name}"
                out.add(candidate if candidate in known else base)
    return {m for m in out if m in known and m != me}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return [*stack[stack.index(n):], n]
            if n not in state and (found := visit(n)) is not None:
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)) is not None:
            return found
    return None


def test_no_import_cycles() -> None:
    files = list(PROXY.rglob("*.py"))
    known = {_module(f) for f in files}
    # a package's __init__ re-exporting its modules is not a loop of knowledge
    graph = {_module(f): {m for m in _imports(f, known) if not (f.name == "__init__.py"
                                                                 and m.startswith(_module(f) + "."))}
             for f in files}
    assert _cycle(graph) is None
