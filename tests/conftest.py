"""Shared test hygiene."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.installed import installed  # noqa: F401  (a session fixture: the package installed normally)
from tests.procs import ROOT, STARTED
from tests.realkube import RealKube
from tests.realkube import realkube as start_realkube
from tests.tools import missing


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Recording indexes saved by tests (and the proxies they start) stay out of the user's cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WATCHPROXY_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.clients("kubectl", "node")`: skip, saying why, when one of those programs is missing."""
    for mark in item.iter_markers("clients"):
        for program in mark.args:
            why = missing(program)
            if why:
                pytest.skip(why)


@pytest.fixture(autouse=True)
def _no_stray_proxies() -> Iterator[None]:
    """A failing test must not leave a proxy it started running."""
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.returncode is None:  # by pid: the test's event loop, and its transports, may be gone
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)


# The real apiserver's watch timeout base in tests: a few seconds, so its randomized close, in [S, 2S),
# happens inside a test.
REALKUBE_MIN_REQUEST_TIMEOUT = 4


@pytest.fixture(scope="session")
def realkube(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealKube]:
    """The real kube-apiserver + etcd (tests/peers/realkube), one per test worker. Never replaced by a stand-in:
    if it cannot be built or started, the tests that use it fail with its log."""
    with start_realkube(tmp_path_factory.mktemp("realkube") / "kube", REALKUBE_MIN_REQUEST_TIMEOUT) as kube:
        yield kube


@pytest.fixture(scope="session")
def goclients() -> Path:
    """The Go peer binary (tests/peers/goclients), built as `make peers-go` builds it (a no-op when it is up
    to date)."""
    assert shutil.which("go"), "the Go toolchain (go 1.26) is needed to build the Go peers: not on PATH"
    source, binary = ROOT / "tests" / "peers" / "goclients", ROOT / ".cache" / "peers" / "goclients"
    binary.parent.mkdir(parents=True, exist_ok=True)
    # one build at a time: two test workers building at once would both write the binary
    with (binary.parent / "goclients.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(["go", "build", "-o", str(binary), "."], cwd=source, capture_output=True,
                              text=True, timeout=1800, check=False)
    assert done.returncode == 0, f"building {source} failed:\n{done.stderr[-3000:]}"
    return binary
