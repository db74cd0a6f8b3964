"""Start the application on a socket, report the URL, run until stopped, shut down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest
from aiohttp.web_server import Server

from ..wire.status import status_bytes
from .app import STATE, log
from .responder import QuietResponse


class _StatusHandler(RequestHandler):
    """Answers requests aiohttp cannot parse with a Kubernetes Status, and logs one line, no traceback."""

    def handle_error(self, request: BaseRequest, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        detail = getattr(exc, "message", None) or (str(exc) if exc else message) or "cannot parse"
        reason = " ".join(str(detail).split())[:200]
        log.info("malformed request from %s: %s", request.remote, reason)
        if request.writer.output_size > 0:
            raise ConnectionError("response already started")
        code = status if 400 <= status < 600 else 400
        text = f"malformed request: {reason}" if code < 500 else "watchproxy internal error"
        resp = QuietResponse(status=code, body=status_bytes(code, text), content_type="application/json")
        resp.force_close()
        return resp

    def log_exception(self, *args: Any, **kw: Any) -> None:
        """One line, never a traceback: a body that cannot be decoded (bad gzip) is raised again by aiohttp
        after the handler has answered it with a 400 Status."""
        exc = kw.get("exc_info")
        what = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}" if isinstance(exc, BaseException) \
            else (str(args[0]) if args else "error")
        log.info("connection error: %s", what)


class _StatusServer(Server):
    def __call__(self) -> RequestHandler:
        return _StatusHandler(self, loop=self._loop, **self._kwargs)


class _Runner(web.AppRunner):
    async def _make_server(self) -> Server:
        server = await super()._make_server()
        server.__class__ = _StatusServer  # same object, our handler factory
        return server


def parse_listen(listen: str) -> tuple[str, int]:
    """`127.0.0.1:8001`, `[::1]:0`, `:8001` (loopback) -> (host, port)."""
    host, sep, port = listen.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", listen
    host = host.strip("[]") or "127.0.0.1"
    try:
        p = int(port)
    except ValueError:
        raise ValueError(f"--listen {listen!r}: the port must be a number") from None
    if not 0 <= p <= 65535:
        raise ValueError(f"--listen {listen!r}: the port must be between 0 and 65535")
    return host, p


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before anything is created that a failed start must not leave behind
    (the recorder opens its file only once the port is its own)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)  # many clients at once


@contextlib.asynccontextmanager
async def running(app: web.Application, host: str, port: int,
                  sock: socket.socket | None = None) -> AsyncIterator[str]:
    """Serve `app` while the block runs; yields the URL (with the real port when port was 0). With `sock`
    (from `bind`), serve on that socket instead of binding `host:port`."""
    runner = _Runner(app, handler_cancellation=True, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site: web.BaseSite
        if sock is not None:
            site = web.SockSite(runner, sock, backlog=1024)
        else:
            site = web.TCPSite(runner, host, port, reuse_address=True, backlog=1024)  # many clients at once
        await site.start()
        server: Any = site._server  # the bound port is only known here
        bound = server.sockets[0].getsockname()
        yield url_of(host, int(bound[1]))
    finally:
        app[STATE].stopping = True
        await runner.cleanup()


async def until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
