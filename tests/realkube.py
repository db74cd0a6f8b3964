"""The real kube-apiserver (tests/peers/realkube) as a test's upstream: started once per session.

The stand-in in tests/fake_apiserver is kept for what a real server cannot do on demand; everything else is
checked against this one, which is the reference (docs/fidelity.md).
"""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

RUN = Path(__file__).resolve().parent / "peers" / "realkube" / "run"
READY = re.compile(rb"^realkube: ready (https://127\.0\.0\.1:\d+)$")
# Long enough for a cold build of the binary by `run` (make test builds it first, so this is the rare case).
START_SECONDS = 1800.0


@dataclass(frozen=True)
class RealKube:
    url: str
    dir: Path
    log: Path

    @property
    def admin_kubeconfig(self) -> Path:
        """Client-certificate credentials (system:masters)."""
        return self.dir / "admin.kubeconfig"

    @property
    def token_kubeconfig(self) -> Path:
        """A static bearer token in the kubeconfig (system:masters)."""
        return self.dir / "token.kubeconfig"

    @property
    def token_file(self) -> Path:
        return self.dir / "token"

    @property
    def ca_file(self) -> Path:
        return self.dir / "ca.crt"


class RealKubeError(RuntimeError):
    pass


@contextmanager
def realkube(workdir: Path, min_request_timeout: int) -> Iterator[RealKube]:
    """`run DIR --min-request-timeout S` until its ready line; SIGTERM and wait on the way out.

    Its log goes to a file beside DIR so a failure can quote the end of it; the ready line is read from
    stdout without sleeping, with a deadline so a server that never gets ready fails the session clearly.
    """
    log = workdir.parent / f"{workdir.name}.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([str(RUN), str(workdir), "--min-request-timeout", str(min_request_timeout)],
                                stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
    try:
        url = _await_ready(proc, log)
        yield RealKube(url=url, dir=workdir, log=log)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout:
            proc.stdout.close()


def _await_ready(proc: subprocess.Popen[bytes], log: Path) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + START_SECONDS
    line = b""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not sel.select(timeout=deadline - time.monotonic()):
                break
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            line += chunk
            for one in line.splitlines():
                if m := READY.match(one.strip()):
                    return m.group(1).decode()
    proc.kill()
    proc.wait()
    tail = log.read_text(errors="replace")[-3000:]
    raise RealKubeError(f"realkube did not get ready (exit {proc.returncode}); its log ends:\n{tail}")


def kubeconfig_with_user(kube: RealKube, path: Path, user: dict[str, object]) -> Path:
    """A kubeconfig for the real apiserver with the same cluster entry and another `user` (token file,
    exec plugin, …): each authentication a kubeconfig can carry, against the real server's checks."""
    import yaml

    config = yaml.safe_load(kube.admin_kubeconfig.read_text())
    config["users"] = [{"name": "admin", "user": user}]
    path.write_text(yaml.safe_dump(config))
    path.chmod(0o600)
    return path
