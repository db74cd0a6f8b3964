"""A round of fan-out writes (one emulated change due in a thousand watches) made on two threads.

Each write of such a round is a `send()` of about a kilobyte to its own idle connection: some 5 us in the
kernel, which releases the GIL, so a second thread halves the round's length however busy the other core is
(measured in docs/benchmarks.md). Only the bare `send()` goes to the helper thread; the event loop's thread
waits for it before doing anything else, so no other code writes to or closes those connections meanwhile.
What the kernel did not take whole (a client behind, a connection reset) is handed to the connection's
transport afterwards, on the loop's thread, before anything written later: the transport queues the rest,
or sees the error and closes, exactly as if it had made the write itself.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Sequence

# Fewer writes than this are made on the loop's thread alone: handing half of them over costs more.
MIN_SPLIT = 64


class SocketWrite:
    """A response's bytes ready for its connection, which had nothing queued when they were made ready.
    Called, it is the transport's own write; `fd` (-1: none) lets a round make it with a bare `send()`."""

    __slots__ = ("data", "fd", "transport")

    def __init__(self, transport: asyncio.Transport, data: bytes, fd: int) -> None:
        self.transport = transport
        self.data = data
        self.fd = fd
        if _helper is None and fd >= 0:
            get_helper()

    def __call__(self) -> None:
        self.transport.write(self.data)


def _send(writes: Sequence[tuple[int, SocketWrite]]) -> list[tuple[int, int]]:
    """`send()` each write's bytes; returns (index, bytes taken) of those not taken whole."""
    short = []
    write = os.write
    for i, w in writes:
        try:
            taken = write(w.fd, w.data)
        except OSError:  # full, or the connection is gone: its transport tries again and sees which
            taken = 0
        if taken < len(w.data):
            short.append((i, taken))
    return short


class _Helper:
    """The second thread: idle until given half of a round."""

    def __init__(self) -> None:
        self.busy = threading.Lock()  # a round at a time (replays on loops in other threads share it)
        self._go = threading.Semaphore(0)
        self._done = threading.Semaphore(0)
        self._job: Sequence[tuple[int, SocketWrite]] = ()
        self._short: list[tuple[int, int]] = []
        threading.Thread(target=self._run, name="watchproxy-fanout", daemon=True).start()

    def _run(self) -> None:
        while True:
            self._go.acquire()
            try:
                self._short = _send(self._job)
            finally:
                self._done.release()

    def start(self, job: Sequence[tuple[int, SocketWrite]]) -> None:
        self._job = job
        self._go.release()

    def finish(self) -> list[tuple[int, int]]:
        self._done.acquire()
        short, self._short, self._job = self._short, [], ()
        return short


_helper: _Helper | None = None
_helper_made = threading.Lock()


def get_helper() -> _Helper:
    """The helper thread, started on first use: by the first write made ready, ahead of the round's time
    (a thread takes a while to start: not while a round is due)."""
    global _helper
    if _helper is None:
        with _helper_made:
            if _helper is None:
                _helper = _Helper()
    return _helper


def send_round(writes: Sequence[Callable[[], None]]) -> dict[int, Exception]:
    """Make a round's writes, half of the bare sends on the helper thread; returns what failed, by index.
    Returns only once every write is made (or handed to its transport)."""
    direct = [(i, w) for i, w in enumerate(writes) if isinstance(w, SocketWrite) and w.fd >= 0]
    failed: dict[int, Exception] = {}
    for i, w in enumerate(writes):
        if not (isinstance(w, SocketWrite) and w.fd >= 0):
            try:
                w()
            except Exception as exc:
                failed[i] = exc
    helper = get_helper() if len(direct) >= MIN_SPLIT else None
    if helper is not None and helper.busy.acquire(blocking=False):
        try:
            half = len(direct) // 2
            helper.start(direct[half:])
            try:
                short = _send(direct[:half])
            finally:
                short += helper.finish()
        finally:
            helper.busy.release()
    else:
        short = _send(direct)
    for i, taken in short:
        w = writes[i]
        assert isinstance(w, SocketWrite)
        try:
            w.transport.write(w.data[taken:])
        except Exception as exc:
            failed[i] = exc
    return failed
