"""The aiohttp application: every path goes to the engine, except the control API under /_watchproxy/.

Two guards sit in front, as in `kubectl proxy`: the Host header must name this machine (so a web page
cannot reach the cluster through the proxy by DNS rebinding), and the control API answers only to
loopback peers.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import logging
import weakref
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

from ..clock import Clock
from ..engines.base import ClientGone, Engine, Incoming, Responder
from ..engines.faults import FaultInjector
from ..engines.requestlog import RequestLog
from ..wire.request import unclassifiable
from ..wire.status import status_bytes
from .responder import AiohttpResponder, QuietResponse

log = logging.getLogger("watchproxy")
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "ip6-localhost"})
MAX_BODY = 3 * 1024 * 1024 + 1024  # the apiserver's own request size limit is 3 MiB
CONTROL_PREFIX = "/_watchproxy/"


@dataclass
class ProxyState:
    engine: Engine
    log: RequestLog
    mode: str
    clock: Clock | None = None
    faults: FaultInjector | None = None
    allowed_hosts: frozenset[str] = LOOPBACK_NAMES
    control: Callable[[web.Request], Awaitable[web.StreamResponse]] | None = None
    status_extra: Callable[[], dict[str, Any]] = field(default=lambda: {})
    # Where an engine writes the answer to a request, around the responder to the client (emulate: protobuf
    # for the clients that negotiate it); None: the responder itself.
    answers: Callable[[Incoming, Responder], Responder] | None = None
    stopping: bool = False
    # Client connections numbered as they open (the handler aiohttp keeps per connection is the key), so a
    # recording can tell two clients' identical requests apart.
    connections: weakref.WeakKeyDictionary[object, int] = field(default_factory=weakref.WeakKeyDictionary)
    opened: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def connection_number(self, handler: object) -> int:
        try:
            number = self.connections.get(handler)
            if number is None:
                number = self.connections[handler] = next(self.opened)
        except TypeError:  # a handler that cannot be weakly referenced: not numbered
            return 0
        return number


STATE = web.AppKey("watchproxy_state", ProxyState)


def status_response(code: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return QuietResponse(status=code, body=status_bytes(code, message), content_type="application/json",
                        headers=headers)


def is_loopback(addr: str | None) -> bool:
    if not addr:
        return False
    try:
        return ipaddress.ip_address(addr.split("%")[0]).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    h = host_header.strip().lower()
    if h.startswith("["):
        return h[1: h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


@web.middleware
async def guard(request: web.Request,
                handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    st = request.app[STATE]
    host = host_name(request.headers.get("Host", ""))
    if host not in st.allowed_hosts:
        log.warning("refused request with Host %r (not in the accepted host list)", host[:100])
        return status_response(403, f"watchproxy: Host {host!r} is not accepted; only "
                               f"{', '.join(sorted(st.allowed_hosts))} (see --accept-host)")
    try:
        return await handler(request)
    except web.HTTPException as exc:  # aiohttp's own answers (no route for CONNECT or `OPTIONS *`) as Status
        if exc.status < 400:
            raise
        if request.method == "CONNECT":
            return status_response(405, "watchproxy is not a forward proxy: CONNECT is not supported")
        return status_response(exc.status, f"{request.method} {request.raw_path[:200]!r}: {exc.reason}")


async def _read_body(request: web.Request) -> tuple[bytes, bool]:
    """The request body, and whether it came with a Content-Encoding that aiohttp decoded.

    aiohttp decodes gzip and deflate bodies as it reads them; the body is then forwarded and recorded
    decoded, without the Content-Encoding header (the apiserver reads no compressed requests anyway).
    Raises _StatusAnswer with the Status to answer for a body that cannot be read."""
    encoded = bool(request.headers.get("Content-Encoding", "").strip()) and request.can_read_body
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise _status_exc(413, "request body is larger than 3 MiB") from None
    except (RequestPayloadError, ValueError, EOFError, OSError) as exc:
        message = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise _status_exc(400, f"cannot read the request body: {message}") from None
    return body, encoded


class _StatusAnswer(Exception):
    def __init__(self, response: web.Response) -> None:
        self.response = response


def _status_exc(code: int, message: str) -> _StatusAnswer:
    return _StatusAnswer(status_response(code, message))


_REWRITTEN_WHEN_DECODED = frozenset({"content-encoding", "content-length"})


def _no_websocket_watch(target: str) -> web.Response:
    """A watch asked over a WebSocket is refused the way fabric8 expects of an apiserver without WebSocket
    support: a 200 that is no WebSocket, here ended at once with an empty body.

    Watches are recorded and replayed as HTTP streams. Forwarded without its Upgrade header, such a request
    would get a 200 watch stream, which a WebSocket client cannot take for a refusal until the stream ends
    (fabric8 on the JDK client waits out the whole watch); an empty 200 makes fabric8 fall back to a plain
    HTTP watch at once (BaseOperation.submitWatch: 200 and 503 mean "try HTTP", but its HTTP layer first
    retries a 503 with backoff for half a minute). Not logged as a watch: no watch was served."""
    log.info("GET %s over WebSocket -> 200, empty (watches are served over HTTP)", target)
    return QuietResponse(status=200, body=b"", content_type="application/json")


async def _proxy(request: web.Request) -> web.StreamResponse:
    st = request.app[STATE]
    url = request.rel_url
    doubt = unclassifiable(url.raw_path)
    if doubt:
        return status_response(400, f"watchproxy refuses a path with {doubt}: {url.raw_path[:200]!r}")
    try:
        body, decoded = await _read_body(request)
    except _StatusAnswer as answer:
        return answer.response
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.raw_headers)
    if decoded:
        headers = tuple((k, v) for k, v in headers if k.lower() not in _REWRITTEN_WHEN_DECODED)
    inc = Incoming(request.method, url.raw_path, url.raw_query_string, headers, body,
                   request.remote or "", st.connection_number(request.protocol))
    info = inc.info
    if info.verb == "watch" and request.headers.get("Upgrade", "").strip().lower() == "websocket":
        return _no_websocket_watch(inc.target)
    entry = st.log.open(inc.method, inc.path, inc.query, info.verb, info.resource, info.namespace)
    out = AiohttpResponder(request)
    writer = st.answers(inc, out) if st.answers is not None else out
    try:
        if st.faults is not None:
            await st.faults.serve(st.engine, inc, writer, entry)
        else:
            await st.engine.serve(inc, writer, entry)
    except asyncio.CancelledError:
        entry.ended("proxy-stopped" if st.stopping else "client-closed")
        raise
    except ClientGone:  # the client left while an engine still had something to send: not an error of ours
        entry.ended("proxy-stopped" if st.stopping else "client-closed")
    except Exception as exc:  # a bug must cost one request, never the proxy
        log.error("internal error serving %s %s: %s: %s", inc.method, inc.path, type(exc).__name__, exc)
        entry.ended("error", f"{type(exc).__name__}: {exc}")
        if out.response is None:
            return status_response(500, f"watchproxy internal error: {type(exc).__name__}")
        await out.abort()
    finally:
        # One line per request, never its headers (they may carry credentials on their way upstream).
        log.info("%s %s -> %s %s, %d events, %s", inc.method, inc.target, entry.status or "-", entry.end or "open",
                 entry.events, entry.answered_by or "-")
    if out.response is None:
        return status_response(500, "watchproxy internal error: the engine sent no response")
    return out.response


async def _control(request: web.Request) -> web.StreamResponse:
    st = request.app[STATE]
    if not is_loopback(request.remote):
        return status_response(403, "the watchproxy control API answers only on loopback")
    if st.control is None:
        return status_response(404, f"no control API in {st.mode} mode")
    return await st.control(request)


def build_app(state: ProxyState) -> web.Application:
    app = web.Application(middlewares=[guard], client_max_size=MAX_BODY)
    app[STATE] = state
    app.router.add_route("*", CONTROL_PREFIX + "{tail:.*}", _control)
    app.router.add_route("*", "/{tail:.*}", _proxy)
    return app
