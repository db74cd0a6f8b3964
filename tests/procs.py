"""Real client programs as subprocesses, with their output read line by line as it comes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from watchproxy.server.sessions import RecordSession, ReplaySession

from tests.tools import kubectl, missing

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "tests" / "clients"
NODE_DIR = ROOT / "examples" / "node"
KUBECTL = Path(kubectl())  # the virtualenv's (`make clients`), else one on PATH
# Client peers in other languages, built by `make peers` (tests/peers/<language>).
PEERS = ROOT / ".cache" / "peers"
JAVA_PEERS = PEERS / "java" / "java-peers.jar"  # fabric8 and kubernetes-client/java
KUBE_RS = PEERS / "kube-peer"
JOSDK = PEERS / "josdk" / "josdk-peer.jar"  # the Java Operator SDK, with the fabric8 it brings
GOCLIENTS = PEERS / "goclients"
# The main class of each Java peer's names (tests/peers/java), the rest of the name is its mode.
JAVA_MAINS = {"fabric8-": "watchproxy.peer.Fabric8Peer", "client-java-": "watchproxy.peer.ClientJavaPeer"}
# A test peer starts faster and takes less of a shared machine with the client compiler and a small heap.
JAVA = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"]


class ClientProcess:
    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None) -> None:
        self.argv = list(argv)
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, **(env or {})}, cwd=ROOT)
        self.lines: list[str] = []
        self.stderr: list[str] = []
        self._cond = threading.Condition()
        self._readers = [threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True),
                         threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr), daemon=True)]
        for r in self._readers:
            r.start()

    def _read(self, stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self._cond:
                into.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_for(self, pred: Callable[[list[str]], bool], timeout: float = 60.0, what: str = "output") -> None:
        """Until `pred(lines)` holds (re-checked on every new line), or fail with what was printed."""
        give_up = time.monotonic() + timeout
        with self._cond:
            while not pred(self.lines):
                left = give_up - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not any(r.is_alive() for r in self._readers)):
                    if pred(self.lines):
                        return
                    raise AssertionError(f"{what} not seen from {self.argv[-1]}; stdout={self.lines[-20:]} "
                                         f"stderr={self.stderr[-20:]} exit={self.proc.poll()}")
                self._cond.wait(min(left, 1.0))

    def wait_line(self, text: str, timeout: float = 60.0) -> None:
        self.wait_for(lambda lines: text in lines, timeout, repr(text))

    def wait_exit(self, timeout: float = 60.0) -> int:
        rc = self.proc.wait(timeout)
        for r in self._readers:
            r.join(5)
        return rc

    def terminate(self, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait_exit(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)

    def printed(self, code: int = 0) -> list[str]:
        """What a client that ends by itself printed, once it exited with `code`."""
        try:
            assert self.wait_exit() == code, (self.lines[-5:], self.stderr[-20:])
            return self.lines
        finally:
            self.kill()


def run_kubectl(kubeconfig: str | Path, *args: str, stdin: str = "", ok: bool = True,
                timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """kubectl against `kubeconfig` (`ok`: it must succeed), with a discovery cache of its own beside it: kubectl's
    default one, keyed by host and port, may hold another replay's discovery from an earlier run on the same port,
    and kubectl would not ask this one's."""
    cache = str(Path(kubeconfig).parent / "kubectl-cache")
    p = subprocess.run([str(KUBECTL), "--kubeconfig", str(kubeconfig), "--cache-dir", cache, *args], input=stdin,
                       capture_output=True, text=True, timeout=timeout)
    assert not ok or p.returncode == 0, (args, p.stderr)
    return p


def python_client(script: str, kubeconfig: str, *args: str) -> ClientProcess:
    return ClientProcess([sys.executable, str(CLIENTS / script), *args], {"KUBECONFIG": kubeconfig,
                                                                          "PYTHONUNBUFFERED": "1"})


def peer_argv(peer: str) -> list[str]:
    """The command line of a client peer by name (tests and tests/clients/make_report.py share these).

    fabric8-inform, fabric8-watch: fabric8's informer and plain watch (Java); client-java-inform, client-java-watch,
    client-java-watch-bookmarks: the same of the official kubernetes-client/java; client-java-writes and
    fabric8-writes: their writes;
    kube-rs: kube::runtime::watcher (Rust), kube-rs-streaming with streaming lists, kube-rs-metadata of
    metadata only, kube-rs-controller a Controller with writes, kube-rs-crd one of its own custom resource,
    kube-rs-writes a program's writes; aio-watch:
    kubernetes_asyncio's Watch; kopf: a kopf operator; josdk: a Java Operator SDK operator;
    go-<sub>: tests/peers/goclients."""
    py = [sys.executable, "-u"]
    if peer.startswith("go-"):
        return [str(GOCLIENTS), peer.removeprefix("go-")]
    for prefix, main in JAVA_MAINS.items():
        if peer.startswith(prefix):
            return [*JAVA, "-cp", str(JAVA_PEERS), main, peer.removeprefix(prefix)]
    return {"kube-rs": [str(KUBE_RS)],
            "kube-rs-streaming": [str(KUBE_RS), "streaming"],
            "kube-rs-metadata": [str(KUBE_RS), "metadata"],
            "kube-rs-controller": [str(KUBE_RS), "controller"],
            "kube-rs-writes": [str(KUBE_RS), "writes"],
            "kube-rs-crd": [str(KUBE_RS), "crd"],
            "josdk": [*JAVA, "-jar", str(JOSDK), "gadgets"],  # gadgets: after their definition is installed
            "aio-watch": [*py, str(CLIENTS / "aio_watch.py")],
            "kopf": [*py, str(CLIENTS / "kopf_operator.py")]}[peer]


def peer_client(peer: str, kubeconfig: str) -> ClientProcess:
    return ClientProcess(peer_argv(peer), {"KUBECONFIG": kubeconfig})


def node_client(script: str, kubeconfig: str, home: str | None = None) -> ClientProcess:
    why = missing("node")
    if why:  # a test that forgot @pytest.mark.clients("node") still skips at once instead of timing out
        pytest.skip(why)
    env = {"KUBECONFIG": kubeconfig}
    if home:
        env["HOME"] = home
    return ClientProcess(["node", str(NODE_DIR / script)], env)


STARTED: list[asyncio.subprocess.Process] = []  # killed after each test by tests/conftest.py


async def start_proxy(*args: str) -> tuple[asyncio.subprocess.Process, str]:
    """`python -m proxy ARGS --listen 127.0.0.1:0` as a subprocess; returns it and its URL once it listens."""
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "watchproxy", *args, "--listen", "127.0.0.1:0",
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    STARTED.append(proc)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
    assert "listening on" in line, line
    return proc, line.split("listening on ", 1)[1].split(",", 1)[0]


async def until_logged(session: RecordSession | ReplaySession, check: Callable[[], bool], within: float = 60.0) -> None:
    """Until `check()` holds, re-checked whenever the proxy's request log changes (a request starts, is answered
    or ends)."""
    changed = asyncio.Event()
    session.log.listeners.append(changed.set)
    try:
        async with asyncio.timeout(within):
            while not check():
                await changed.wait()
                changed.clear()
    finally:
        session.log.listeners.remove(changed.set)
