"""Shared test hygiene."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator

import pytest

from tests.procs import STARTED


@pytest.fixture(autouse=True)
def _no_stray_proxies() -> Iterator[None]:
    """A failing test must not leave a proxy it started running."""
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.returncode is None:  # by pid: the test's event loop, and its transports, may be gone
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
