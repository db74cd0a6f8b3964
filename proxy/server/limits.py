"""How many client connections, for how long: what keeps a proxy usable when file descriptors run out.

Each client connection costs a file descriptor (two in record mode: its upstream connection too). Without
limits, a thousand clients that connect and send nothing hold the proxy's descriptors for ever, every
accept then fails, and no one else gets in. So, as the apiserver does (Go's `ReadHeaderTimeout` 32 s and
`IdleTimeout` 90 s in its secure serving), a connection with no request in flight is closed when its
request headers take too long or it stays idle; a request in flight (an open watch) is never timed out.
Past a cap derived from the descriptor limit, new connections get a 429 `Status` at once instead of a
hang. The soft RLIMIT_NOFILE is raised to the hard limit at start-up, so that a thousand watches work with
the defaults of a fresh machine; accept failures that remain are logged as one line every few seconds.

`WATCHPROXY_HEADER_TIMEOUT`, `WATCHPROXY_IDLE_TIMEOUT` (seconds) and `WATCHPROXY_MAX_CONNECTIONS` override
the defaults.
"""

from __future__ import annotations

import logging
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..wire.status import status_bytes

log = logging.getLogger("watchproxy")
HEADER_TIMEOUT = 32.0
IDLE_TIMEOUT = 90.0
RESERVED_FDS = 64  # the listening socket, the recording, the replay's file and cache, logs, the upstream pool
ACCEPT_LOG_EVERY = 10.0  # seconds between two log lines about failing accepts
REFUSAL_LINGER = 2.0  # seconds a refused connection is kept for its client to read the 429
MAX_LINGERING = 16  # refused connections always allowed to linger; more only while descriptors are spare
_FD_CEILING = 1 << 20  # never ask for more than this, even when the hard limit is unlimited


@dataclass(frozen=True, slots=True)
class Limits:
    header_timeout: float
    idle_timeout: float
    max_connections: int
    fd_limit: int = 1024
    per_connection: int = 1  # descriptors a served connection costs

    def may_linger(self, connections: int, lingering: int) -> bool:
        """Whether one more refused connection may stay open for its client to read the 429: while the
        descriptors that leaves free cover half the reserve, and a few at least."""
        spare = self.fd_limit - RESERVED_FDS // 2 - self.per_connection * connections - lingering
        return lingering < MAX_LINGERING or spare > 0


def _env_number(name: str, default: float) -> float:
    text = os.environ.get(name, "")
    try:
        value = float(text) if text else default
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a number") from None
    if not value > 0:
        raise ValueError(f"{name}={text!r} must be greater than 0")
    return value


def raise_fd_limit() -> int:
    """Raise the soft RLIMIT_NOFILE to the hard limit (an unprivileged process may); the soft limit after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = _FD_CEILING if hard == resource.RLIM_INFINITY else min(hard, _FD_CEILING)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return _FD_CEILING if soft == resource.RLIM_INFINITY else soft


def limits_for(mode: str, fd_limit: int) -> Limits:
    """The limits of a proxy in `mode` ("record" or a replay mode) with `fd_limit` descriptors."""
    per_connection = 2 if mode == "record" else 1
    cap = max(8, (fd_limit - RESERVED_FDS) // per_connection)
    return Limits(header_timeout=_env_number("WATCHPROXY_HEADER_TIMEOUT", HEADER_TIMEOUT),
                  idle_timeout=_env_number("WATCHPROXY_IDLE_TIMEOUT", IDLE_TIMEOUT),
                  max_connections=int(_env_number("WATCHPROXY_MAX_CONNECTIONS", cap)),
                  fd_limit=fd_limit, per_connection=per_connection)


def refusal(max_connections: int) -> bytes:
    """The whole answer to a connection over the cap: a 429 Status with Retry-After, as the apiserver
    answers when it has too many requests in flight (client-go waits and retries)."""
    body = status_bytes(429, f"watchproxy has {max_connections} client connections open, its limit "
                             "(see WATCHPROXY_MAX_CONNECTIONS and the open-file limit, ulimit -n)")
    return (b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)) + body


class AcceptErrors:
    """An event loop exception handler: failing accepts (no descriptors left) become one log line every
    ACCEPT_LOG_EVERY seconds, with how many failed; everything else goes to the handler it replaces."""

    def __init__(self, previous: Callable[[Any, dict[str, Any]], object] | None,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.previous = previous
        self._now = now
        self._last = -ACCEPT_LOG_EVERY
        self.failed = 0
        self._unlogged = 0

    def __call__(self, loop: Any, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if "_start_serving" in repr(context.get("handle")) and isinstance(exc, ValueError | OSError):
            # asyncio retries a failed accept a second later, once per failure, even once the listening
            # socket is closed: nothing to report
            return
        if "socket.accept()" in str(context.get("message", "")) and isinstance(exc, OSError):
            self.failed += 1
            self._unlogged += 1
            now = self._now()
            if now - self._last >= ACCEPT_LOG_EVERY:
                log.warning("cannot accept connections: %s (%d failed accepts; open-file limit %d)",
                            exc.strerror or exc, self._unlogged, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
                self._last = now
                self._unlogged = 0
            return
        if self.previous is not None:
            self.previous(loop, context)
        else:
            loop.default_exception_handler(context)
