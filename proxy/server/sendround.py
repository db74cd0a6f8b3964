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

from ..engines.base import send_each

# Fewer writes than this are made on the loop's thread alone: handing half of them over costs more.
MIN_SPLIT = 64


class SocketWrite:
    """A response's bytes ready for its connection, which had nothing queued when they were made ready.
    Called, it is the transport's own write; `fd` (-1: none) lets a round make it with a bare `send()`."""

    __slots__ = ("data", "fd", "transport")

    def __init__(self, transport: asyncio.Transport, data: bytes | memoryview, fd: int) -> None:
        self.transport = transport
        self.data = data
        self.fd = fd

    def __call__(self) -> None:
        self.transport.write(self.data)


def _send(writes: Sequence[Callable[[], None]], lo: int, hi: int) -> tuple[list[tuple[int, int]], list[int]]:
    """`send()` the bytes of each socket write in writes[lo:hi]; returns (index, bytes taken) of those not
    taken whole, and the indices of the writes that are not a socket's (for the loop's thread to make)."""
    short: list[tuple[int, int]] = []
    others: list[int] = []
    write = os.write
    for i in range(lo, hi):
        w = writes[i]
        if type(w) is not SocketWrite or w.fd < 0:
            others.append(i)
            continue
        try:
            taken = write(w.fd, w.data)
        except OSError:  # full, or the connection is gone: its transport tries again and sees which
            taken = 0
        if taken < len(w.data):
            short.append((i, taken))
    return short, others


class _Helper:
    """The second thread: idle until given half of a round."""

    def __init__(self) -> None:
        self.busy = threading.Lock()  # a round at a time (replays on loops in other threads share it)
        self._go = threading.Semaphore(0)
        self._done = threading.Semaphore(0)
        self._job: tuple[Sequence[Callable[[], None]], int, int] = ((), 0, 0)
        self._out: tuple[list[tuple[int, int]], list[int]] = ([], [])
        threading.Thread(target=self._run, name="watchproxy-fanout", daemon=True).start()

    def _run(self) -> None:
        while True:
            self._go.acquire()
            try:
                self._out = _send(*self._job)
            finally:
                self._done.release()

    def start(self, writes: Sequence[Callable[[], None]], lo: int, hi: int) -> None:
        self._job = (writes, lo, hi)
        self._go.release()

    def finish(self) -> tuple[list[tuple[int, int]], list[int]]:
        self._done.acquire()
        out, self._out, self._job = self._out, ([], []), ((), 0, 0)
        return out


_helper: _Helper | None = None
_helper_made = threading.Lock()


def get_helper() -> _Helper:
    """The helper thread, started on first use (a replay that emulates starts it when it starts: a thread
    takes a while to start, which a round about to be due cannot spare)."""
    global _helper
    if _helper is None:
        with _helper_made:
            if _helper is None:
                _helper = _Helper()
    return _helper


def send_round(writes: Sequence[Callable[[], None]]) -> dict[int, Exception]:
    """Make a round's writes, the bare sends of the second half on the helper thread; returns what failed,
    by index. Returns only once every write is made (or handed to its transport). Nothing is looked at
    before the first send: each thread sorts its own half as it goes."""
    n = len(writes)
    helper = get_helper() if n >= MIN_SPLIT else None
    if helper is not None and helper.busy.acquire(blocking=False):
        try:
            half = n // 2
            helper.start(writes, half, n)
            try:
                short, others = _send(writes, 0, half)
            finally:
                more_short, more_others = helper.finish()
            short += more_short
            others += more_others
        finally:
            helper.busy.release()
    else:
        short, others = _send(writes, 0, n)
    failed = {others[j]: exc for j, exc in send_each([writes[i] for i in others]).items()}
    for i, taken in short:
        w = writes[i]
        assert isinstance(w, SocketWrite)
        try:
            w.transport.write(w.data[taken:])
        except Exception as exc:
            failed[i] = exc
    return failed
