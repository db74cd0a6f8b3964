"""A watch request on a connection of its own, its body read in large pieces.

aiohttp's client runs Python code for every chunk of a body, and a watch at full speed is one chunk per
event; this takes everything received since the last look (up to a megabyte is buffered) and decodes it
with `proxy.wire.http1` in one call. A watch holds its connection for its whole life either way, so
nothing is lost by not pooling it.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Sequence
from typing import cast

from yarl import URL

from ..recording.records import Headers
from ..wire.http1 import ChunkedDecoder, FramingError, ResponseHead, parse_head

_HEAD_LIMIT = 1 << 20
_BUFFER_LIMIT = 1 << 20  # received and not yet taken: reading pauses above this


class BodyError(Exception):
    """A response body broke off or was malformed (message safe to show)."""


class StreamBroken(Exception):
    """The request cannot be sent as asked, or the answer is not an HTTP/1.x response (message safe to
    show)."""


class _Receiver(asyncio.Protocol):
    """What the socket delivers, kept as the bytes objects it came in (asyncio's StreamReader would copy
    each into a buffer and out again)."""

    def __init__(self) -> None:
        self._got: list[bytes] = []
        self._size = 0
        self._eof = False
        self._error: Exception | None = None
        self._waiter: asyncio.Future[None] | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._got.append(data)
        self._size += len(data)
        if self._size > _BUFFER_LIMIT and self.transport is not None:
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._error = exc
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def take(self) -> list[bytes]:
        """Everything received since the last call, waiting for something; [] once the server has closed."""
        while not self._got and not self._eof:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        got, self._got = self._got, []
        if self._size > _BUFFER_LIMIT and self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()
        self._size = 0
        if not got and self._error is not None:
            raise self._error
        return got


class StreamResponse:
    def __init__(self, head: ResponseHead, method: str, receiver: _Receiver, rest: bytes) -> None:
        self.status = head.status
        self.reason = head.reason
        self.headers = head.headers
        self._head = head
        self._length = head.body_length(method)
        self._receiver = receiver
        self._rest = rest  # body bytes that came with the head

    def header(self, name: str) -> str:
        return self._head.get(name)

    @property
    def content_length(self) -> int | None:
        return self._length

    def pieces(self) -> AsyncIterator[list[bytes]]:
        """The body, decoded, one list of pieces per wake-up; BodyError if it ends early or is malformed."""
        return cast(AsyncIterator[list[bytes]], self._body(False))  # without views: bytes only

    def views(self) -> AsyncIterator[Sequence[bytes | memoryview]]:
        return self._body(True)

    async def _body(self, views: bool) -> AsyncIterator[list[bytes] | list[memoryview]]:
        if self._length == 0:
            return
        take = self._receiver.take
        try:
            got = [self._rest] if self._rest else await take()
            if self._head.chunked:
                decoder = ChunkedDecoder()
                while got:
                    # Several socket reads since the last look are decoded as one: one pass, and no chunk cut
                    # in two at a read boundary to be joined again by the splitter (one memcpy; with views
                    # each read is decoded in turn, as the caller joins the pieces anyway).
                    if views:
                        out: list[bytes] | list[memoryview] = [v for data in got for v in decoder.feed_views(data)]
                    else:
                        out = decoder.feed(got[0] if len(got) == 1 else b"".join(got))
                    if out:
                        yield out
                    if decoder.done:
                        return
                    got = await take()
                raise BodyError("connection closed before the end of the chunked body")
            left = self._length
            while got:
                if left is not None:
                    n = sum(map(len, got))
                    if n >= left:
                        yield _first(got, left)
                        return
                    left -= n
                yield got
                got = await take()
            if left:
                raise BodyError(f"connection closed with {left} bytes of the body still to come")
        except FramingError as exc:
            raise BodyError(str(exc)) from None
        except OSError as exc:
            raise BodyError(str(exc) or type(exc).__name__) from None

    async def close(self) -> None:
        if self._receiver.transport is not None:
            self._receiver.transport.close()


def _first(got: list[bytes], n: int) -> list[bytes]:
    """The first n bytes of the pieces (a server that sends more than its Content-Length is cut off)."""
    out = []
    for d in got:
        if n <= 0:
            break
        out.append(d[:n])
        n -= len(d)
    return [d for d in out if d]


async def open_stream(base: str, ssl_context: ssl.SSLContext | bool, server_hostname: str | None,
                      method: str, target: str, headers: Headers, connect_timeout: float) -> StreamResponse:
    """Send a bodiless request to `base` (the kubeconfig's server URL, perhaps with a path prefix) and read
    the response's head. Raises OSError or TimeoutError when the server cannot be reached, StreamBroken
    when what it answers is not HTTP/1.x."""
    url = URL(base)
    if url.host is None:
        raise StreamBroken(f"no host in server URL {base!r}")
    if any("\r" in k + v or "\n" in k + v for k, v in headers):
        raise StreamBroken("a request header contains a line break")
    tls = url.scheme == "https"
    port = url.port or (443 if tls else 80)
    ctx = (ssl_context or ssl.create_default_context()) if tls else None
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(connect_timeout):
        transport, receiver = await loop.create_connection(
            _Receiver, url.host, port, ssl=ctx, server_hostname=(server_hostname or url.host) if tls else None)
    try:
        host = f"[{url.host}]" if ":" in url.host else url.host
        if url.explicit_port:
            host += f":{port}"
        lines = [f"{method} {url.raw_path.rstrip('/')}{target} HTTP/1.1", f"Host: {host}",
                 *(f"{k}: {v}" for k, v in headers)]
        text = "\r\n".join(lines) + "\r\n\r\n"
        try:  # aiohttp's server decoded the client's header bytes as latin-1: this gives them back as sent
            transport.write(text.encode("latin-1"))
        except UnicodeEncodeError:  # a value from elsewhere (a credential) beyond latin-1
            transport.write(text.encode("utf-8"))
        buf = b""
        while True:  # no time limit, as for any other request: the apiserver may be slow to answer
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > _HEAD_LIMIT:
                    raise StreamBroken("response head too large")
                got = await receiver.take()
                if not got:
                    raise StreamBroken("connection closed before a response")
                buf += b"".join(got)
                continue
            head, buf = parse_head(buf[:end + 4]), buf[end + 4:]
            if not 100 <= head.status < 200 or head.status == 101:
                break  # 1xx (e.g. 100 Continue) precede the real answer
        return StreamResponse(head, method, receiver, buf)
    except BaseException as exc:
        transport.close()
        if isinstance(exc, FramingError):
            raise StreamBroken(str(exc)) from None
        raise
