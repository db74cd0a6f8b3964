"""Each layer imports only from the layers below it (design.md): the order is checked, not hoped for."""

from __future__ import annotations

import ast
from pathlib import Path

PROXY = Path(__file__).resolve().parent.parent / "proxy"
LAYERS = {
    "recording": 1, "wire": 2, "clock": 3, "apiserver": 3.5, "engines": 4, "report": 4, "synth": 4, "server": 5,
    "cli": 6, "commands": 6, "testing": 6, "pytest_plugin": 6, "check": 6, "__main__": 6,
}
# Within layer 4, the engines, reports and scenarios stay independent of one another.
SIBLINGS_APART = {"engines", "report", "synth"}


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def absolute(package: tuple[str, ...], node: ast.ImportFrom) -> str:
    """The module a `from` import names, with relative imports resolved against the importing package."""
    if node.level == 0:
        return node.module or ""
    base = package[:len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def test_imports_only_go_down() -> None:
    bad = []
    for path in PROXY.rglob("*.py"):
        rel = path.relative_to(PROXY.parent).with_suffix("")
        me = unit_of(".".join(rel.parts))
        if me in ("", "__init__"):
            continue
        package = rel.parts[:-1] if rel.name != "__init__" else rel.parts
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [absolute(package, node)] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                if not name.startswith("proxy.") or unit_of(name) in ("", "__init__"):
                    continue
                other = unit_of(name)
                if other == me:
                    continue
                if LAYERS[other] > LAYERS[me] or (LAYERS[other] == LAYERS[me] and {me, other} <= SIBLINGS_APART):
                    bad.append(f"{rel} (layer {LAYERS[me]}) imports {name} (layer {LAYERS[other]})")
    assert not bad, "\n".join(bad)


def test_every_unit_has_a_layer() -> None:
    units = {p.stem if p.is_file() else p.name for p in PROXY.iterdir()
             if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))}
    assert units - {"__init__"} <= set(LAYERS), units - set(LAYERS)
