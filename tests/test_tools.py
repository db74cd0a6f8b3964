"""Tests that need kubectl or Node.js skip, saying why, when the program is missing (instead of failing
after a timeout), and the kubectl installer falls back to one on PATH off x86-64 Linux."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from tests import conftest, tools


def _script(name: str) -> Any:
    """A script of tests/clients (not a package) loaded as a module."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent / "clients" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


install_kubectl = _script("install_kubectl")


def test_missing_node_modules_is_a_reason_not_a_timeout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tools, "NODE_DIR", tmp_path / "examples" / "node")
    monkeypatch.setattr(tools, "ROOT", tmp_path)
    monkeypatch.setattr(tools.shutil, "which", lambda name: "/usr/bin/node")
    assert tools.missing("node") == "examples/node/node_modules is missing: `make clients` installs it"
    monkeypatch.setattr(tools.shutil, "which", lambda name: None)
    assert "Node.js is not installed" in (tools.missing("node") or "")


def test_kubectl_falls_back_to_path_and_else_says_why(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tools, "_VENV_KUBECTL", tmp_path / "kubectl")
    monkeypatch.setattr(tools.shutil, "which", lambda name: "/opt/bin/kubectl")
    assert tools.missing("kubectl") is None and tools.kubectl() == "/opt/bin/kubectl"
    monkeypatch.setattr(tools.shutil, "which", lambda name: None)
    assert "kubectl is not installed" in (tools.missing("kubectl") or "")


class _Item:
    def __init__(self, *programs: str) -> None:
        self.programs = programs

    def iter_markers(self, name: str) -> list[Any]:
        return [pytest.mark.clients(*self.programs).mark] if name == "clients" else []


def test_a_marked_test_is_skipped_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "missing", lambda program: "no node here" if program == "node" else None)
    conftest.pytest_runtest_setup(_Item("kubectl"))  # type: ignore[arg-type]
    with pytest.raises(pytest.skip.Exception, match="no node here"):
        conftest.pytest_runtest_setup(_Item("kubectl", "node"))  # type: ignore[arg-type]


@pytest.mark.parametrize(("system", "machine"), [("Darwin", "arm64"), ("Linux", "aarch64")])
def test_the_installer_falls_back_off_x86_64_linux(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, system: str,
                                                   machine: str) -> None:
    monkeypatch.setattr(install_kubectl.platform, "system", lambda: system)
    monkeypatch.setattr(install_kubectl.platform, "machine", lambda: machine)
    monkeypatch.setattr(install_kubectl.shutil, "which", lambda name: "/usr/local/bin/kubectl")
    assert install_kubectl.install(tmp_path / "kubectl").endswith("the tests use /usr/local/bin/kubectl")
    monkeypatch.setattr(install_kubectl.shutil, "which", lambda name: None)
    assert "the kubectl tests will be skipped" in install_kubectl.install(tmp_path / "kubectl")
    assert install_kubectl.main([str(tmp_path / "kubectl")]) == 0  # `make clients` goes on
    assert not (tmp_path / "kubectl").exists()
