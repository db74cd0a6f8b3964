"""A watch request on a connection of its own, its body read in large pieces.

aiohttp's client runs Python code for every chunk of a body, and a watch at full speed is one chunk per
event; this reads up to a megabyte at a time and decodes it with `proxy.wire.http1`. A watch holds its
connection for its whole life either way, so nothing is lost by not pooling it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator

from yarl import URL

from proxy.recording.records import Headers
from proxy.wire.http1 import ChunkedDecoder, FramingError, ResponseHead, parse_head

READ_SIZE = 1 << 20
_HEAD_LIMIT = 1 << 20


class StreamBroken(Exception):
    """The body could not be read to its end (message safe to show)."""


class StreamResponse:
    def __init__(self, head: ResponseHead, method: str, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
        self.status = head.status
        self.reason = head.reason
        self.headers = head.headers
        self._head = head
        self._length = head.body_length(method)
        self._reader = reader
        self._writer = writer

    def header(self, name: str) -> str:
        return self._head.get(name)

    @property
    def content_length(self) -> int | None:
        return self._length

    async def pieces(self) -> AsyncIterator[list[bytes]]:
        """The body, decoded, one list of pieces per read; StreamBroken if it ends early or is malformed."""
        read = self._reader.read
        try:
            if self._head.chunked:
                decoder = ChunkedDecoder()
                while not decoder.done:
                    data = await read(READ_SIZE)
                    if not data:
                        raise StreamBroken("connection closed before the end of the chunked body")
                    out = decoder.feed(data)
                    if out:
                        yield out
                return
            left = self._length
            while left is None or left > 0:
                data = await read(READ_SIZE if left is None else min(left, READ_SIZE))
                if not data:
                    if left is None:
                        return
                    raise StreamBroken(f"connection closed with {left} bytes of the body still to come")
                if left is not None:
                    left -= len(data)
                yield [data]
        except FramingError as exc:
            raise StreamBroken(str(exc)) from None
        except (OSError, asyncio.IncompleteReadError) as exc:
            raise StreamBroken(str(exc) or type(exc).__name__) from None

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError, asyncio.CancelledError):
            await self._writer.wait_closed()


async def open_stream(base: str, ssl_context: ssl.SSLContext | bool, server_hostname: str | None,
                      method: str, target: str, headers: Headers, connect_timeout: float) -> StreamResponse:
    """Send a bodiless request to `base` (the kubeconfig's server URL, perhaps with a path prefix) and read
    the response's head. Raises OSError or TimeoutError when the server cannot be reached, StreamBroken
    when what it answers is not HTTP/1.x."""
    url = URL(base)
    if url.host is None:
        raise StreamBroken(f"no host in server URL {base!r}")
    tls = url.scheme == "https"
    port = url.port or (443 if tls else 80)
    ctx = (ssl_context or ssl.create_default_context()) if tls else None
    async with asyncio.timeout(connect_timeout):
        reader, writer = await asyncio.open_connection(
            url.host, port, ssl=ctx, server_hostname=(server_hostname or url.host) if tls else None,
            limit=_HEAD_LIMIT)
    try:
        if any("\r" in k + v or "\n" in k + v for k, v in headers):
            raise StreamBroken("a request header contains a line break")
        host = f"[{url.host}]" if ":" in url.host else url.host
        if url.explicit_port:
            host += f":{port}"
        lines = [f"{method} {url.raw_path.rstrip('/')}{target} HTTP/1.1", f"Host: {host}",
                 *(f"{k}: {v}" for k, v in headers)]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        while True:  # no time limit, as for any other request: the apiserver may be slow to answer
            head = parse_head(await reader.readuntil(b"\r\n\r\n"))
            if not 100 <= head.status < 200 or head.status == 101:
                break  # 1xx (e.g. 100 Continue) precede the real answer
        return StreamResponse(head, method, reader, writer)
    except BaseException as exc:
        writer.close()
        if isinstance(exc, FramingError):
            raise StreamBroken(str(exc)) from None
        if isinstance(exc, asyncio.LimitOverrunError):
            raise StreamBroken("response head too large") from None
        if isinstance(exc, asyncio.IncompleteReadError):
            raise StreamBroken("connection closed before a response") from None
        raise
