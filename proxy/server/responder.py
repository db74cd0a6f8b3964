"""The engines' Responder over an aiohttp StreamResponse, careful to match the apiserver's wire form."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct

from aiohttp import hdrs, web
from aiohttp.http import HttpVersion11

from proxy.engines.base import ClientGone
from proxy.recording.records import Headers

# Framing is aiohttp's job: recorded values of these would contradict what is actually sent.
_FRAMING = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})


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
    def __init__(self, request: web.Request) -> None:
        self.request = request
        self.response: _Response | None = None
        self.aborted = False

    @property
    def started(self) -> bool:
        return self.response is not None

    async def start(self, status: int, reason: str, headers: Headers, *,
                    content_length: int | None = None) -> None:
        resp = _Response(status=status, reason=reason or None)
        for k, v in headers:
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
            await resp.prepare(self.request)
        except (ConnectionResetError, RuntimeError) as exc:
            raise ClientGone(str(exc)) from None

    async def send(self, data: bytes) -> None:
        assert self.response is not None
        try:
            await self.response.write(data)
        except (ConnectionResetError, RuntimeError, OSError) as exc:
            raise ClientGone(str(exc)) from None

    async def finish(self) -> None:
        if self.response is None:
            return
        with contextlib.suppress(ConnectionResetError, RuntimeError, OSError):
            await self.response.write_eof()

    async def abort(self) -> None:
        """Reset the connection (RST, not FIN), as a crashed apiserver or broken network would."""
        self.aborted = True
        transport = self.request.transport
        if transport is None:
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    async def wait_closed(self) -> None:
        """Park until the client leaves: the server cancels the handler when the peer disconnects."""
        await asyncio.Event().wait()
