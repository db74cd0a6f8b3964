"""The package installs under the import name `watchproxy` from the folder proxy/: every subpackage must be listed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_installed() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(("watchproxy", *p.parent.relative_to(ROOT / "proxy").parts))
             for p in (ROOT / "proxy").rglob("__init__.py")}
    assert found | {"watchproxy.bundled"} == listed  # recordings/: package data only, no modules
