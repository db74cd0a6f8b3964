"""A watch client for timing: a bare socket reader that only stamps and keeps what arrives.

With 1,000 watches receiving an event at the same instant, a client that parses as it goes (aiohttp: a
task per stream woken per read) would add its own queueing to every figure. Here each read just appends
(arrival time, bytes); the HTTP head, chunked framing and event lines are taken apart afterwards, each
event timed by the arrival of its last byte. The arrival time is the kernel's (see `Reader`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
import struct
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class RawWatch:
    target: str  # path?query
    expect: int  # events to wait for (counted roughly while reading, exactly afterwards)
    pieces: list[tuple[float, bytes]] = field(default_factory=list)
    error: str = ""
    done: asyncio.Future[None] | None = None  # resolved once `expect` events arrived or the connection closed
    head: asyncio.Future[None] | None = None  # resolved once the response head arrived (or it closed)

    def events(self) -> tuple[float | None, int, list[tuple[float, bytes]]]:
        """(arrival of the response head, HTTP status, [(arrival of its last byte, event line)])."""
        data = b"".join(p for _, p in self.pieces)
        ends: list[int] = []  # cumulative end offset of each piece
        total = 0
        for _, p in self.pieces:
            total += len(p)
            ends.append(total)

        def when(offset: int) -> float:
            lo, hi = 0, len(ends) - 1
            while lo < hi:  # the first piece whose end is past `offset`
                mid = (lo + hi) // 2
                if ends[mid] > offset:
                    hi = mid
                else:
                    lo = mid + 1
            return self.pieces[lo][0]

        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            return None, 0, []
        status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
        head_at = when(head_end + 3)
        out: list[tuple[float, bytes]] = []
        pos = head_end + 4
        line = bytearray()
        while pos < len(data):
            eol = data.find(b"\r\n", pos)
            if eol < 0:
                break
            size = int(data[pos:eol].split(b";")[0], 16)
            if size == 0:
                break
            start = eol + 2
            body = data[start:start + size]
            i = 0
            while True:
                nl = body.find(b"\n", i)
                if nl < 0:
                    line += body[i:]
                    break
                line += body[i:nl]
                out.append((when(start + nl), bytes(line)))
                line.clear()
                i = nl + 1
            pos = start + size + 2
        return head_at, status, out


# Linux's SO_TIMESTAMPNS (asm-generic value) and the struct timespec it delivers; Python does not name them.
_SO_TIMESTAMPNS = 35
_TIMESPEC = struct.Struct("@qq")
_CMSG_SPACE = 4 * socket.CMSG_SPACE(_TIMESPEC.size)  # exactly one CMSG_SPACE gets nothing back here
_READ = 1 << 18


@functools.cache
def _realtime_offset() -> float:
    """time.time() - time.monotonic(), from the closest of a few paired readings."""
    best = min(((time.monotonic(), time.time(), time.monotonic()) for _ in range(50)), key=lambda r: r[2] - r[0])
    return best[1] - (best[0] + best[2]) / 2


class Reader:
    """Reads one watch socket on the event loop's readiness callbacks. Each read is stamped with the
    kernel's receive time of its last byte (SO_TIMESTAMPNS) where the system gives it: on loopback that is
    the moment the proxy's send put it in the socket, so the figure is the proxy's emission time, not when
    this process, busy with 999 other sockets, got round to reading it. Elsewhere: time.monotonic()."""

    def __init__(self, w: RawWatch, sock: socket.socket, offset: float | None) -> None:
        self.w = w
        self.sock = sock
        self.offset = offset
        self.seen = 0
        self.tail = b""

    def readable(self) -> None:
        while True:
            try:
                data, anc, _, _ = self.sock.recvmsg(_READ, _CMSG_SPACE)
            except BlockingIOError:
                return
            except OSError as exc:
                self.w.error = f"{type(exc).__name__}: {exc}"
                data, anc = b"", []
            if not data:
                self.close()
                return
            at = time.monotonic()
            for level, kind, payload in anc:
                if self.offset is not None and level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS:
                    sec, nsec = _TIMESPEC.unpack(payload[:_TIMESPEC.size])
                    at = sec + nsec / 1e9 - self.offset
            self.received(at, data)

    def received(self, at: float, data: bytes) -> None:
        w = self.w
        w.pieces.append((at, data))
        if w.head is not None and not w.head.done() and b"\r\n\r\n" in b"".join(p for _, p in w.pieces[-2:]):
            w.head.set_result(None)
        self.seen += (self.tail + data[:1]).count(b"}\n") + data.count(b"}\n")
        self.tail = data[-1:]
        if self.seen >= w.expect and w.done is not None and not w.done.done():
            w.done.set_result(None)

    def close(self) -> None:
        if self.sock.fileno() >= 0:
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
            self.sock.close()
        for fut in (self.w.done, self.w.head):
            if fut is not None and not fut.done():
                fut.set_result(None)


async def open_watch(base_url: str, w: RawWatch) -> Reader:
    """Connect and send the watch request (see `RawWatch.head` and `RawWatch.done`); close() the result."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (f"GET {w.target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n"
               f"Connection: close\r\n\r\n").encode()
    loop = asyncio.get_running_loop()
    w.done = loop.create_future()
    w.head = loop.create_future()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    offset: float | None = None
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
            offset = _realtime_offset()
    try:
        await loop.sock_connect(sock, (host, port))
        await loop.sock_sendall(sock, request)
    except BaseException:
        sock.close()
        raise
    reader = Reader(w, sock, offset)
    loop.add_reader(sock.fileno(), reader.readable)
    return reader
