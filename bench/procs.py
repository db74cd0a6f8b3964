"""Processes under test: start, wait for their "listening on" line (bounded), measure, stop."""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
_URL = re.compile(r"listening on (http://[^\s,]+)")


def raise_nofile() -> tuple[int, int]:
    """Raise this process's open-file limit to the hard limit; returns (soft, hard) afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else 1 << 20
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def rss_bytes(pid: int) -> int:
    """Resident set size of a running process (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a running process has used."""
    return sum(cpu_times(pid))


def cpu_times(pid: int) -> tuple[float, float]:
    """(user, system) CPU time a running process has used: system is the kernel's work for it (copies,
    socket and file writes), which no change to the process's own code can remove."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def nofile_limit(pid: int) -> int:
    """The soft open-file limit of a running process."""
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 20.0) -> bool:
    """Poll until something accepts connections on 127.0.0.1:port (bounded)."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Server:
    """A server process whose stdout announces `listening on URL`. It inherits this process's open-file
    limit, so `raise_nofile()` here raises it there too.

    `ready_after` is the time from just before the process was started until that line was read.
    """

    def __init__(self, argv: Sequence[str], *, timeout: float = 60.0, env: dict[str, str] | None = None,
                 wait: bool = True) -> None:
        self.argv = list(argv)
        self.url = ""
        self.ready_after: float | None = None
        self.lines: list[str] = []
        self._ready = threading.Event()
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=self._err, cwd=ROOT, text=True,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if wait and not self.wait_ready(timeout):
            self._terminate()
            why = self.stderr()[-2000:]  # read before stop() closes it
            self.stop()
            raise RuntimeError(f"{' '.join(self.argv[:4])} did not start within {timeout:.0f}s: {why}")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            m = _URL.search(line)
            if m and not self._ready.is_set():
                self.ready_after = time.monotonic() - self.started
                self.url = m.group(1)
                self._ready.set()
        self._ready.set()

    def wait_ready(self, timeout: float) -> bool:
        self._ready.wait(timeout)
        return bool(self.url)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stderr(self) -> str:
        self._err.seek(0)
        return self._err.read().decode(errors="replace")

    def _terminate(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def stop(self, timeout: float = 15.0) -> int:
        self._terminate(timeout)
        self._reader.join(5)
        self._err.close()
        return int(self.proc.returncode)

    def kill(self) -> None:
        """Stop at once (SIGKILL): for a recording proxy whose file is thrown away, so that it does not spend
        seconds preparing the index of a recording nobody replays."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.stop()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def proxy_argv(*args: str) -> list[str]:
    return [PY, "-m", "watchproxy", *args]


def kubectl() -> str | None:
    """The kubectl next to this Python (make clients installs it there), else one on PATH."""
    local = Path(PY).parent / "kubectl"
    if local.exists() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which("kubectl")


def write_kubeconfig(path: Path, server: str) -> None:
    path.write_text(
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n- name: bench\n  cluster:\n    server: {server}\n"
        "users:\n- name: bench\n  user:\n    token: bench-token\n"
        "contexts:\n- name: bench\n  context:\n    cluster: bench\n    user: bench\n"
        "current-context: bench\n")


class KubectlProxy:
    """`kubectl proxy` in front of `server`, on a free port chosen here (readiness polled, bounded)."""

    def __init__(self, binary: str, kubeconfig: Path, timeout: float = 20.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([binary, "proxy", f"--port={self.port}", "--address=127.0.0.1",
                                      f"--kubeconfig={kubeconfig}"], stdout=self._err, stderr=self._err)
        if not wait_port(self.port, timeout):
            self.stop()
            raise RuntimeError("kubectl proxy did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._err.close()

    def __enter__(self) -> KubectlProxy:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
