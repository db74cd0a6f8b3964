"""Which real client programs this machine has, for tests marked `clients`.

`@pytest.mark.clients("kubectl")` / `("node")`: tests/conftest.py skips the test, with the reason below,
when the program is missing, instead of letting it fail after a timeout. kubectl is the one `make
clients` installs into the virtualenv (from an x86-64 Linux wheel), else one on PATH.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "examples" / "node"
_VENV_KUBECTL = Path(sys.executable).parent / "kubectl"


def kubectl() -> str:
    """The kubectl to run (check `missing("kubectl")` first)."""
    return str(_VENV_KUBECTL) if _VENV_KUBECTL.exists() else (shutil.which("kubectl") or str(_VENV_KUBECTL))


def missing(program: str) -> str | None:
    """Why `program` cannot run here, or None when it can."""
    if program == "kubectl":
        if _VENV_KUBECTL.exists() or shutil.which("kubectl"):
            return None
        return "kubectl is not installed: `make clients` installs it (x86-64 Linux), or put one on PATH"
    if program == "node":
        if shutil.which("node") is None:
            return "Node.js is not installed (needed for the @kubernetes/client-node tests)"
        if not (NODE_DIR / "node_modules").is_dir():
            return f"{NODE_DIR.relative_to(ROOT)}/node_modules is missing: `make clients` installs it"
        return None
    raise ValueError(f"unknown client program {program!r} (kubectl or node)")
