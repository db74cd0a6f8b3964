"""Start the application on a socket, report the URL, run until stopped, shut down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest
from aiohttp.web_server import Server

from ..wire.status import status_bytes
from .app import STATE, log
from .limits import REFUSAL_LINGER, AcceptErrors, Limits, limits_for, raise_fd_limit, refusal
from .responder import QuietResponse


class _StatusHandler(RequestHandler):
    """Answers requests aiohttp cannot parse with a Kubernetes Status, and logs one line, no traceback.

    Also applies the connection limits (proxy.server.limits): a connection over the cap gets a 429 Status
    and is closed; one whose request headers do not arrive within the header timeout is closed (aiohttp's
    keep-alive timeout, set to the idle timeout, closes those that send nothing)."""

    limits: Limits | None = None
    _header_timer: asyncio.TimerHandle | None = None
    _refused: asyncio.Transport | None = None  # a connection over the cap, answered and about to close

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        limits, manager = self.limits, self._manager
        if limits is not None and manager is not None and len(manager.connections) >= limits.max_connections:
            # Answered without aiohttp: the 429, then our side closed; what the client sends meanwhile is
            # read and dropped (closing with it unread would reset the connection, and lose the answer).
            assert isinstance(transport, asyncio.Transport)
            self._refused = transport
            transport.write(refusal(limits.max_connections))
            if isinstance(manager, _StatusServer) and transport.can_write_eof() \
                    and limits.may_linger(len(manager.connections), manager.lingering):
                manager.lingering += 1  # each holds a descriptor: only a few at a time
                transport.write_eof()
                self._loop.call_later(REFUSAL_LINGER, transport.close)
            else:
                transport.close()
            return
        super().connection_made(transport)
        if limits is not None:
            self._header_timer = self._loop.call_later(limits.header_timeout, self._headers_late, 0)

    def eof_received(self) -> None:
        if self._refused is not None:
            self._refused.close()
            return
        super().eof_received()

    def data_received(self, data: bytes) -> None:
        if self._refused is not None:
            return
        if self._header_timer is None and self.limits is not None and self._current_request is None:
            self._header_timer = self._loop.call_later(self.limits.header_timeout, self._headers_late,
                                                       self._request_count)
        super().data_received(data)

    def _headers_late(self, count: int) -> None:
        self._header_timer = None
        if self._request_count == count and self._current_request is None and self.transport is not None:
            log.info("closed a connection whose request headers did not arrive within %g s",
                     self.limits.header_timeout if self.limits else 0)
            self.force_close()

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._refused is not None:
            if isinstance(self._manager, _StatusServer) and self._refused.can_write_eof():
                self._manager.lingering = max(0, self._manager.lingering - 1)
            return
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)

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
    limits: Limits | None = None
    lingering = 0  # refused connections kept open for their clients to read the 429

    def __call__(self) -> RequestHandler:
        handler = _StatusHandler(self, loop=self._loop, **self._kwargs)
        handler.limits = self.limits
        return handler


class _Runner(web.AppRunner):
    limits: Limits | None = None

    async def _make_server(self) -> Server:
        server = await super()._make_server()
        server.__class__ = _StatusServer  # same object, our handler factory
        assert isinstance(server, _StatusServer)
        server.limits = self.limits
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
    (the recorder opens its file only once the port is its own). `::` is every address, IPv6 and IPv4
    alike, as in Go (the apiserver's `--bind-address=::`); another IPv6 address is that address only."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    both = host == "::" and socket.has_dualstack_ipv6()
    return socket.create_server((host, port), family=family, backlog=1024,  # many clients at once
                                dualstack_ipv6=both)


@contextlib.asynccontextmanager
async def running(app: web.Application, host: str, port: int, sock: socket.socket | None = None,
                  shutdown_timeout: float = 2.0) -> AsyncIterator[str]:
    """Serve `app` while the block runs; yields the URL (with the real port when port was 0). With `sock`
    (from `bind`), serve on that socket instead of binding `host:port`.

    Stopping: the listener closes first, then the app's `on_shutdown` callbacks run (replay ends its open
    watches there), then requests still running get `shutdown_timeout` seconds before they are cut."""
    limits = limits_for(app[STATE].mode, raise_fd_limit())
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    accept_errors = AcceptErrors(previous)
    loop.set_exception_handler(accept_errors)
    runner = _Runner(app, handler_cancellation=True, access_log=None, keepalive_timeout=limits.idle_timeout,
                     shutdown_timeout=shutdown_timeout)
    runner.limits = limits
    if sock is None and host == "::":
        sock = bind(host, port)  # asyncio would bind IPv6 only
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
        if not accept_errors.failed:  # else asyncio's accept retries may still fire, on a closed socket
            loop.set_exception_handler(previous)


class StopSignals:
    """Ctrl-C and SIGTERM while serving: the first asks for a clean stop (`stop` is set); each later one
    calls `now` (stop without waiting any longer), quietly: a second Ctrl-C never prints a traceback."""

    def __init__(self) -> None:
        self.stop = asyncio.Event()
        self.now: Callable[[], object] | None = None

    def _signalled(self) -> None:
        if not self.stop.is_set():
            self.stop.set()
        elif self.now is not None:
            self.now()


@contextlib.asynccontextmanager
async def stop_signals() -> AsyncIterator[StopSignals]:
    """Handle SIGINT and SIGTERM for the whole block, including the shutdown that follows the first."""
    signals = StopSignals()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, signals._signalled)
    try:
        yield signals
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)

