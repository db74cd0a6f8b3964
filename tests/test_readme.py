"""The README's examples, run as written, from a directory outside the repository against the package
installed normally (tests/installed.py).

Run here: the pytest example (20 times in a row: a CI job must pass every time, not print `1 passed` and
then abort at exit), the scenario, bundled-recordings and inspect commands. Not run here: `record` (needs
a cluster: tests/test_record_*.py), the Replay section's `kubectl get pods -w` on the fixed port 8001 and
the curl lines (tests/test_faults.py, tests/test_clients_emulate.py), `check` (tests/test_check.py) and
the `make` targets.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.installed import ROOT, Installed

RUNS = 20


def blocks(lang: str) -> dict[str, str]:
    """Code blocks of one language in the README, by the heading they are under."""
    found: dict[str, str] = {}
    heading = ""
    for m in re.finditer(r"^(#+ [^\n]*)$|^```(\w*)\n(.*?)^```$", (ROOT / "README.md").read_text(), re.M | re.S):
        if m.group(1):
            heading = m.group(1).lstrip("# ").strip()
        elif m.group(2) == lang:
            found[heading] = m.group(3)
    return found


def commands(block: str) -> list[str]:
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_the_pytest_example_passes_every_time(installed: Installed, tmp_path: Path) -> None:
    (tmp_path / "test_example.py").write_text(blocks("python")["Testing a reconnect in CI"])
    # Two runs at a time (each its own interpreter, whose exit is what failed); hypothesis's plugin is
    # left out only because loading it takes longer than the test.
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
            "test_example.py"]
    for batch in range(0, RUNS, 2):
        procs = [subprocess.Popen(argv, cwd=tmp_path, env=installed.env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        for i, proc in enumerate(procs):
            output, _ = proc.communicate(timeout=120)
            run = batch + i + 1
            assert proc.returncode == 0 and "1 passed" in output, f"run {run}: exit {proc.returncode}\n{output}"
            assert "Traceback" not in output and "Fatal Python error" not in output, f"run {run}:\n{output}"


def test_the_scenario_bundled_and_inspect_examples(installed: Installed, tmp_path: Path) -> None:
    sh = blocks("sh")
    lines = [*commands(sh["Scenarios without a cluster"]), *commands(sh["Bundled recordings"]),
             *commands(sh["Inspect"])]
    assert len(lines) == 9
    for line in lines:
        if line.startswith("watchproxy replay "):
            _replay_until_ctrl_c(installed, line, tmp_path)
            continue
        done = installed.run(["bash", "-c", line], tmp_path)
        assert done.returncode == 0, f"{line}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        assert done.stdout and not done.stderr, f"{line}:\n{done.stdout}\n{done.stderr}"
    assert {p.name for p in tmp_path.iterdir()} >= {"nginx-deploy.msgpack", "session.svg", "shared.msgpack"}


def _replay_until_ctrl_c(installed: Installed, line: str, cwd: Path) -> None:
    proc = subprocess.Popen(["bash", "-c", f"exec {line}"], cwd=cwd, env=installed.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in first and "nginx-deploy" in first, first + proc.stderr.read()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out.strip().startswith("watchproxy replay: served 0 requests"), out
    assert err == "", err
