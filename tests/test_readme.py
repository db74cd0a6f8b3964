"""The README's examples, run as written, from a directory outside the repository against the package
installed normally (tests/installed.py).

Run here: the pytest example (20 times in a row: a CI job must pass every time, not print `1 passed` and
then abort at exit); the scenario, bundled-recordings and inspect commands; a bundled replay with the
Faults section's curl lines against it (with `-sS --fail-with-body`, so
that an HTTP error fails the test); the Record and Replay sections with kubectl (against the stand-in
apiserver; `python my_controller.py` stands for any client and is left out); the operator example of
*Writes in emulate* with kubectl (`go run` stands for the controller and is left out). Not run here: `check`
(tests/test_check.py) and the `make` targets (the suite itself).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests import crds_differential as cd
from tests.fake_apiserver import FakeApiserver, make_pod
from tests.installed import ROOT, Installed
from tests.tools import kubectl

RUNS = 20
DEFAULT_PORT = 8001  # what the README's commands listen on


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


def _default_port_free() -> None:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", DEFAULT_PORT))
        except OSError:
            pytest.skip(f"port {DEFAULT_PORT}, which the README's commands use, is taken on this machine")


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
    assert len(lines) == 10
    for line in lines:
        if line.startswith("watchproxy replay "):
            continue  # a server: test_the_bundled_replay_and_the_fault_curl_lines
        done = installed.run(["bash", "-c", line], tmp_path)
        assert done.returncode == 0, f"{line}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        assert done.stdout and not done.stderr, f"{line}:\n{done.stdout}\n{done.stderr}"
    assert {p.name for p in tmp_path.iterdir()} >= {"nginx-deploy.msgpack", "session.svg", "shared.msgpack"}


@contextlib.asynccontextmanager
async def _started(installed: Installed, line: str, cwd: Path,
                   env: dict[str, str] | None = None) -> AsyncIterator[asyncio.subprocess.Process]:
    """A README line that runs until Ctrl-C, started as written; yields once it says it is listening."""
    proc = await asyncio.create_subprocess_exec("bash", "-c", f"exec {line}", cwd=cwd, env={**installed.env,
                                                                                          **(env or {})},
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        assert f"listening on http://127.0.0.1:{DEFAULT_PORT}" in first, first
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _ctrl_c(proc: asyncio.subprocess.Process) -> str:
    """Ctrl-C, then its summary line (it must exit 0 and print nothing on stderr)."""
    proc.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0 and err == b"", err.decode()
    return out.decode().strip().splitlines()[-1]


async def test_the_bundled_replay_and_the_fault_curl_lines(installed: Installed, tmp_path: Path) -> None:
    _default_port_free()
    replay = next(c for c in commands(blocks("sh")["Bundled recordings"]) if c.startswith("watchproxy replay"))
    async with _started(installed, replay, tmp_path) as proc:
        outputs = []
        for line in commands(blocks("sh")["Faults"]):
            done = await asyncio.to_thread(installed.run, ["bash", "-c", f"curl -sS --fail-with-body {line[5:]}"],
                                           tmp_path)
            assert line.startswith("curl ") and done.returncode == 0, f"{line}: {done.stdout} {done.stderr}"
            outputs.append(done.stdout)
        assert '"expire"' in outputs[0] and '"virtual_time"' in outputs[1] and '"requests"' in outputs[2]
        # control requests are not among those served
        assert await _ctrl_c(proc) == "watchproxy replay: served 0 requests, 0 misses"


async def _kubectl_until_a_row(line: str, cwd: Path, env: dict[str, str],
                               then: Callable[[], Awaitable[object]] | None = None) -> list[str]:
    """`KUBECONFIG=… kubectl get pods -w` as written, until it has printed the header and a pod's row (and
    `then()` has returned: e.g. until its watch is open, not only its list answered)."""
    assignment, rest = line.split(" ", 1)
    key, value = assignment.split("=", 1)
    argv = shlex.split(rest)
    assert argv[0] == "kubectl"
    proc = await asyncio.create_subprocess_exec(kubectl(), *argv[1:], cwd=cwd, env={**env, key: value},
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        while len(lines) < 2:
            got = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
            assert got, f"kubectl ended: {lines} {(await proc.stderr.read()).decode() if proc.stderr else ''}"
            lines.append(got.rstrip("\n"))
        if then is not None:
            await then()
    finally:
        proc.kill()
        await proc.wait()
    return lines


@pytest.mark.clients("kubectl")
async def test_the_record_and_replay_sections(installed: Installed, tmp_path: Path) -> None:
    _default_port_free()
    record = commands(blocks("sh")["Record"])
    replay = commands(blocks("sh")["Replay"])
    clients = [c for c in record[1:] if "kubectl" in c]  # `python my_controller.py` stands for any client
    async with FakeApiserver() as api:
        api.create(make_pod("web-0", phase="Running"))
        cluster = {"KUBECONFIG": str(api.write_kubeconfig(tmp_path / "cluster.kubeconfig"))}
        async with _started(installed, record[0], tmp_path, cluster) as recorder:
            # until kubectl's watch is open too: the replay below asks for it
            rows = await _kubectl_until_a_row(clients[0], tmp_path, installed.env,
                                              lambda: api.wait_for_watches(1, within=60))
            summary = await _ctrl_c(recorder)
    assert rows[0].split()[:3] == ["NAME", "READY", "STATUS"] and rows[1].startswith("web-0")
    assert summary.startswith("watchproxy record: recorded ") and "recordings/mysession.msgpack" in summary
    async with _started(installed, replay[0], tmp_path) as replayer:  # no cluster now
        replayed = await _kubectl_until_a_row(replay[1], tmp_path, installed.env)
        assert [r.split()[:4] for r in replayed] == [r.split()[:4] for r in rows]  # AGE moves on
        assert (await _ctrl_c(replayer)).startswith("watchproxy replay: served ")


async def test_the_operator_example(installed: Installed, tmp_path: Path) -> None:
    """The *Writes in emulate* block, with a CRD and a sample where an operator project keeps them (`go run`
    stands for the controller and is left out)."""
    _default_port_free()
    lines = commands(blocks("sh")["Writes in emulate"])
    crds, samples = tmp_path / "config" / "crd" / "bases", tmp_path / "config" / "samples"
    crds.mkdir(parents=True)
    samples.mkdir(parents=True)
    (crds / "widgets.yaml").write_text(json.dumps(cd._crd("readme.example.com", "widgets", "Widget")))
    (samples / "widget.yaml").write_text(json.dumps({**cd._widget("readme.example.com", "w1", replicas=2),
                                                     "metadata": {"name": "w1", "namespace": "default"}}))
    env: dict[str, str] = {}
    async with _started(installed, lines[0].split(" &")[0], tmp_path) as replayer:
        outputs = []
        for line in lines[1:]:
            if line.startswith("export "):
                key, value = line.removeprefix("export ").split("=", 1)
                env[key] = value
                continue
            if line.startswith("go run"):
                continue
            done = await asyncio.to_thread(installed.run, ["bash", "-c", line], tmp_path, 120.0, env)
            assert done.returncode == 0, f"{line}: {done.stdout} {done.stderr}"
            outputs.append(done.stdout)
        assert outputs == ["customresourcedefinition.apiextensions.k8s.io/widgets.readme.example.com created\n",
                           "customresourcedefinition.apiextensions.k8s.io/widgets.readme.example.com condition met\n",
                           "widget.readme.example.com/w1 created\n"]
        assert (await _ctrl_c(replayer)).startswith("watchproxy replay: served ")
