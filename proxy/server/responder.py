"""The engines' Responder over an aiohttp StreamResponse, careful to match the apiserver's wire form."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
import struct
from collections.abc import Callable, Sequence

from aiohttp import hdrs, web
from aiohttp.http import HttpVersion11, StreamWriter

from ..engines.base import ClientGone
from ..recording.records import Headers
from .sendround import SocketWrite

# Framing is aiohttp's job: recorded values of these would contradict what is actually sent.
_FRAMING = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})
# RFC 9110: a field name is a token; a value has no control characters but tab. A recorded header that is
# neither (a corrupted or hand-edited recording) is skipped, not sent: it would break the response.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
log = logging.getLogger("watchproxy")


def sendable(name: str, value: str) -> bool:
    return bool(_TOKEN.fullmatch(name)) and not _BAD_VALUE.search(value)
# aiohttp's StreamWriter.write drains (waits while the transport is paused) once this much went out.
_DRAIN_EVERY = 0x10000
_FRAMING_MAX = 32  # what chunked framing adds to a write, at most


class _Framer:
    """Chunked framing of the last body written, kept: a change fanned out to a thousand watches is one
    bytes object, framed once instead of a thousand times. One tuple, replaced whole, so that replays on
    loops in other threads never see one body with another's framing."""

    last: tuple[bytes | memoryview, bytes] = (b"", b"")

    @staticmethod
    def pieces(data: bytes | memoryview) -> tuple[bytes, bytes | memoryview, bytes]:
        """Exactly what StreamWriter._write_chunked_payload puts on the wire for one write."""
        return b"%x\r\n" % len(data), data, b"\r\n"

    @classmethod
    def frame(cls, data: bytes | memoryview) -> bytes:
        last = cls.last
        if last[0] is data:
            return last[1]
        framed = b"".join(cls.pieces(data))  # copied once
        cls.last = (data, framed)
        return framed


class _Response(web.StreamResponse):
    """A StreamResponse that does not announce itself: the apiserver sends no `Server` header."""

    server_header: str | None = None

    async def _prepare_headers(self) -> None:
        await super()._prepare_headers()
        self._headers.popall(hdrs.SERVER, None)
        if self.server_header:
            self._headers[hdrs.SERVER] = self.server_header


class QuietResponse(web.Response):
    """A whole response (Status bodies, control API) without aiohttp's `Server` header."""

    async def _prepare_headers(self) -> None:
        await super()._prepare_headers()
        self._headers.popall(hdrs.SERVER, None)


class AiohttpResponder:
    __slots__ = ("_fd", "_now_max", "_transport", "_writer", "aborted", "request", "response")

    def __init__(self, request: web.Request) -> None:
        self.request = request
        self.response: _Response | None = None
        self.aborted = False
        self._writer: StreamWriter | None = None  # set while writes may bypass StreamResponse.write
        self._transport: asyncio.Transport | None = None
        self._now_max = 0  # the largest body that cannot pause the transport when nothing is queued
        self._fd = -1  # the connection's socket, if its transport is the loop's plain one (no TLS)

    @property
    def started(self) -> bool:
        return self.response is not None

    async def start(self, status: int, reason: str, headers: Headers, *,
                    content_length: int | None = None) -> None:
        if reason and _BAD_VALUE.search(reason):
            reason = ""  # aiohttp's own phrase for the status instead
        resp = _Response(status=status, reason=reason or None)
        for k, v in headers:
            if not sendable(k, v):
                log.warning("not sending a recorded header that is not valid HTTP: %r", f"{k}: {v}"[:120])
                continue
            lk = k.lower()
            if lk == "server":
                resp.server_header = v
            elif lk not in _FRAMING:
                resp.headers.add(k, v)
        if content_length is not None:
            resp.content_length = content_length
        elif self.request.version >= HttpVersion11:
            resp.enable_chunked_encoding()
        # else HTTP/1.0: no chunking there; the body runs until the connection closes, as Go's server does
        self.response = resp
        try:
            writer = await resp.prepare(self.request)
        except (ConnectionResetError, RuntimeError) as exc:
            raise ClientGone(str(exc)) from None
        transport = self.request.transport
        headers_out = not getattr(writer, "_headers_buf", None)  # aiohttp may hold them back for the body
        if isinstance(writer, StreamWriter) and writer.length is None and not resp.compression \
                and isinstance(transport, asyncio.Transport) and headers_out:
            self._writer = writer
            self._transport = transport  # the connection's for good; closing once the client has gone
            self._now_max = transport.get_write_buffer_limits()[1] - _FRAMING_MAX
            sock = transport.get_extra_info("socket")
            if sock is not None and transport.get_extra_info("sslcontext") is None \
                    and type(transport).__module__ == "asyncio.selector_events":
                self._fd = sock.fileno()

    def prepare_send(self, data: bytes) -> Callable[[], None] | None:
        """StreamResponse.write without its coroutine layers, for a body with no length to clip to and
        nothing to compress: the same bytes and framing, the same byte counts. Only while nothing is queued
        for the client, so that the write cannot pause the transport and aiohttp's drain would not wait.
        The write is the transport's own: a partial send or a client gone is its to handle (the rest is
        queued before anything written later; the connection is closed)."""
        if len(data) > self._now_max:
            return None
        transport, out = self._transport, self._claim(data)
        return None if transport is None or out is None else SocketWrite(transport, out, self._fd)

    def _room(self, data: bytes | memoryview) -> tuple[StreamWriter, asyncio.Transport] | None:
        """The connection's writer and transport if `data` may be written past aiohttp's layers now: a body
        with nothing queued for the client."""
        writer, transport = self._writer, self._transport
        if writer is None or transport is None or not data or transport.is_closing() \
                or transport.get_write_buffer_size():
            return None
        return writer, transport

    @staticmethod
    def _count(writer: StreamWriter, size: int) -> None:
        """A write of `size` bytes, counted as aiohttp counts one."""
        writer.output_size += size
        writer.buffer_size += size
        if writer.buffer_size > _DRAIN_EVERY:
            writer.buffer_size = 0  # as StreamWriter.write does before its drain

    def _claim(self, data: bytes | memoryview) -> bytes | memoryview | None:
        """The bytes to hand the transport for `data` if it can take them with nothing queued, counted;
        None if not."""
        room = self._room(data)
        if room is None:
            return None
        out = _Framer.frame(data) if room[0].chunked else data
        self._count(room[0], len(out))
        return out

    def _write_now(self, data: bytes | memoryview) -> bool:
        """`data` written at once if nothing is queued for the client: on a plain socket with one writev of
        the chunk framing around it (the recorder forwards a view of a read: no copy of it is made), else
        framed once and handed to the transport. The transport queues what the socket did not take."""
        if self._fd < 0:
            out = self._claim(data)
            if out is None or self._transport is None:
                return False
            self._transport.write(out)
            return True
        room = self._room(data)
        if room is None:
            return False
        writer, transport = room
        pieces = _Framer.pieces(data) if writer.chunked else (data,)
        size = sum(map(len, pieces))
        self._count(writer, size)
        try:
            taken = os.writev(self._fd, pieces)
        except OSError:  # full, or the connection is gone: the transport tries again and sees which
            taken = 0
        if taken < size:
            transport.write(b"".join(pieces)[taken:])
        return True

    async def send(self, data: bytes | memoryview) -> None:
        """A recorder forwards a whole socket read at a time (often more than the transport's high-water
        mark): while nothing is queued for the client it is written here, framed once, and aiohttp's drain
        awaited only if the client did not take it all, which is when StreamResponse.write would wait."""
        assert self.response is not None
        try:
            if self._write_now(data):
                if self._transport is not None and self._transport.get_write_buffer_size() and self._writer:
                    await self._writer.drain()
                return
            await self.response.write(data)
        except (ConnectionResetError, RuntimeError, OSError) as exc:
            raise ClientGone(str(exc)) from None

    async def send_frames(self, frames: Sequence[bytes]) -> None:
        await self.send(frames[0] if len(frames) == 1 else b"".join(frames))

    async def finish(self) -> None:
        self._writer = self._transport = None
        if self.response is None:
            return
        with contextlib.suppress(ConnectionResetError, RuntimeError, OSError):
            await self.response.write_eof()

    async def abort(self, reset: bool = True) -> None:
        """Reset the connection (RST, not FIN), as a crashed apiserver or broken network would; or close it
        (FIN), as net/http does after a handler's panic."""
        self.aborted = True
        self._writer = self._transport = None
        transport = self.request.transport
        if transport is None:
            return
        sock = transport.get_extra_info("socket")
        if sock is not None and reset:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    async def wait_closed(self) -> None:
        """Park until the client leaves: the server cancels the handler when the peer disconnects."""
        await asyncio.Event().wait()
