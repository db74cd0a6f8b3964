"""examples/go: the Go operator author's way in (a controller-runtime controller tested against
`watchproxy replay` through the control API) must keep passing, so `make test` runs its `go test`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.procs import ROOT

EXAMPLE = ROOT / "examples" / "go"


def test_go_example_passes() -> None:
    env = {**os.environ, "WATCHPROXY": f"{sys.executable} -m watchproxy"}
    assert shutil.which("go"), "the Go toolchain (go 1.26) is needed to build the Go peers: not on PATH"
    done = subprocess.run(["go", "test", "-count=1", "./..."], cwd=EXAMPLE, env=env, capture_output=True,
                          text=True, timeout=1800, check=False)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert "ok  \twatchproxy.example/operator" in done.stdout
