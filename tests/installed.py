"""watchproxy installed the way a user installs it (a normal, non-editable install of this checkout), and
commands run against it from a directory outside the repository.

The install goes into a private target directory put first on PYTHONPATH; the dependencies come from the
test's own environment. That `import watchproxy` really loads the installed copy is checked, not assumed.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Installed:
    target: Path  # holds watchproxy/, its dist-info and bin/

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KUBECONFIG")}
        bins = os.pathsep.join((str(self.target / "bin"), str(Path(sys.executable).parent)))
        return {**env, "PYTHONPATH": str(self.target), "PATH": f"{bins}{os.pathsep}{env.get('PATH', '')}",
                "PYTHONDONTWRITEBYTECODE": "1"}

    def run(self, argv: Sequence[str], cwd: Path, timeout: float = 120.0,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        assert not cwd.resolve().is_relative_to(ROOT), "run outside the repository"
        return subprocess.run(list(argv), cwd=cwd, env={**self.env, **(env or {})}, capture_output=True,
                              text=True, timeout=timeout, check=False)

    def python(self, *args: str, cwd: Path, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        return self.run([sys.executable, *args], cwd, timeout)


def install(target: Path, lock: Path) -> Installed:
    """`pip install --no-deps --target TARGET .` of this checkout: a wheel built and installed, as a user
    gets it from an index. One build at a time (`lock`, a file every test worker shares): two builds in the same
    source tree break each other (setuptools' build directory)."""
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
                               "--disable-pip-version-check", "--target", str(target), str(ROOT)],
                              capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise AssertionError(f"pip install failed:\n{done.stdout}\n{done.stderr}")
    return Installed(target)


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    # (the base temporary directory's parent is the run's, which every xdist worker shares)
    inst = install(tmp_path_factory.mktemp("installed"), tmp_path_factory.getbasetemp().parent / "install.lock")
    where = inst.python("-c", "import watchproxy; print(watchproxy.__file__)", cwd=inst.target.parent)
    assert where.stdout.strip() == str(inst.target / "watchproxy" / "__init__.py"), where
    return inst
