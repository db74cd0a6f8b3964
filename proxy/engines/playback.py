"""Play one recorded exchange onto a responder on the clock: head, frames at their offsets, the ending.

Shared by exact replay and by emulate mode for everything that is not a list or watch.
"""

from __future__ import annotations

import logging

from ..clock import Clock
from ..recording.errors import RecordingError
from ..recording.records import EndHow
from ..wire import negotiation
from ..wire.status import status_bytes
from .base import ClientGone, Responder
from .requestlog import LogEntry
from .store import Exchange

log = logging.getLogger("watchproxy")
# As every apiserver answer carries them (its handler chain's cache-control filter), errors included.
# the head of the apiserver's JSON answers (objects, lists, Status), for the engines that make them
JSON_HEADERS = (("Cache-Control", "no-cache, private"), ("Content-Type", "application/json"))
# Frames already due go out together, up to about this many bytes per write: large writes for throughput,
# bounded memory (a burst of millions of due frames is not joined into one huge buffer), whole frames only.
MAX_WRITE = 256 * 1024


async def send_status(out: Responder, code: int, message: str, entry: LogEntry,
                      details: dict[str, object] | None = None,
                      extra_headers: tuple[tuple[str, str], ...] = (), reason: str | None = None,
                      accept: str | None = None) -> None:
    """A complete Status answer (what every client prints), for errors the proxy itself decides on; with
    the client's `accept`, written as the apiserver writes it for that header (negotiation.status_body)."""
    body = status_bytes(code, message, reason, details) if accept is None else \
        negotiation.status_body(accept, code, message, details, reason)
    entry.answered(code)
    await out.start(code, "", JSON_HEADERS + extra_headers, content_length=len(body))
    await out.send(body)
    await out.finish()


async def play(ex: Exchange, out: Responder, entry: LogEntry, clock: Clock) -> None:
    """Replay `ex` as recorded, shifted to start now; ends the way the recorded one ended.

    On a clock that does not run by itself (manual), the recorded latency is not replayed: a plain read
    (discovery, /version, a get or list) is answered whole at once and a watch's head is sent at once;
    a watch's events still come at their recorded offsets, as time is moved."""
    if not clock.running and not ex.is_watch_stream:
        clock = _Instant(clock.now())
    t0 = clock.now()
    base = ex.request.t
    if ex.response is None:
        # The recorder could not reach the apiserver and answered 503 itself; replay that answer.
        detail = ex.end.error if ex.end else "no response was recorded"
        await send_status(out, 503, detail, entry)
        entry.ended("complete", "recorded upstream error")
        return
    resp = ex.response
    if clock.running:
        await clock.sleep_until(t0 + resp.t - base)
    frames = ex.frames
    times = frames.times
    how = ex.how
    recorded_length = resp.header("Content-Length")
    length = frames.size(0, len(frames)) if recorded_length and how == EndHow.COMPLETE else None
    entry.answered(resp.status)
    await out.start(resp.status, resp.reason, resp.headers, content_length=length)
    watch = ex.is_watch_stream
    i, n = 0, len(frames)
    try:
        while i < n:
            await clock.sleep_until(t0 + times[i] - base)
            now = clock.now()
            j = i + 1
            size = frames.size(i)
            while j < n and size < MAX_WRITE and t0 + times[j] - base <= now:  # what is due, batched
                size += frames.size(j)
                j += 1
            if watch:  # whole events: a fault counts and cuts them as such
                await out.send_frames(frames.read(i, j))
            else:
                await out.send(frames.joined(i, j))
            if watch:
                entry.events += j - i
            i = j
        if ex.end is not None:
            await clock.sleep_until(t0 + ex.end.t - base)
    except ClientGone:
        entry.ended("client-closed")
        return
    except RecordingError as exc:  # the file changed under a running replay: cut the stream, say why
        log.error("%s", exc)
        await out.abort()
        entry.ended("reset", str(exc))
        return
    if how in (EndHow.COMPLETE, EndHow.SERVER_CLOSED):
        await out.finish()
        entry.ended("server-closed" if watch else "complete")
    elif how == EndHow.UPSTREAM_ERROR:
        await out.abort()
        entry.ended("reset", ex.end.error if ex.end else "")
    else:
        # The recorded client left first (or the recording stopped): the server never ended this stream.
        await out.wait_closed()
        entry.ended("client-closed")


class _Instant:
    """A clock stopped at one time whose every wait returns at once: what a plain read is played on when
    virtual time moves only by hand."""

    running = False
    lead = 0.0

    def __init__(self, t: float) -> None:
        self._t = t

    def now(self) -> float:
        return self._t

    async def sleep_until(self, t: float) -> None:
        return None

    def hold_until(self, t: float) -> None:
        return None
