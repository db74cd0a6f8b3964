"""A watch client for timing: a bare asyncio Protocol that only stamps and keeps what arrives.

With 1,000 watches receiving an event at the same instant, a client that parses as it goes (aiohttp: a
task per stream woken per read) would add its own queueing to every figure. Here `data_received` just
appends (arrival time, bytes); the HTTP head, chunked framing and event lines are taken apart afterwards,
each event timed by the arrival of its last byte.
"""

from __future__ import annotations

import asyncio
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


class _Protocol(asyncio.Protocol):
    def __init__(self, w: RawWatch, request: bytes) -> None:
        self.w = w
        self.request = request
        self.seen = 0
        self.tail = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.write(self.request)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.w.pieces.append((time.monotonic(), data))
        if self.w.head is not None and not self.w.head.done() and b"\r\n\r\n" in b"".join(
                p for _, p in self.w.pieces[-2:]):
            self.w.head.set_result(None)
        self.seen += (self.tail + data[:1]).count(b"}\n") + data.count(b"}\n")
        self.tail = data[-1:]
        if self.seen >= self.w.expect and self.w.done is not None and not self.w.done.done():
            self.w.done.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        for fut in (self.w.done, self.w.head):
            if fut is not None and not fut.done():
                fut.set_result(None)


async def open_watch(base_url: str, w: RawWatch) -> asyncio.Transport:
    """Connect and send the watch request (see `RawWatch.head` and `RawWatch.done`)."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (f"GET {w.target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n"
               f"Connection: close\r\n\r\n").encode()
    loop = asyncio.get_running_loop()
    w.done = loop.create_future()
    w.head = loop.create_future()
    transport, _ = await loop.create_connection(lambda: _Protocol(w, request), host, port)
    return transport
