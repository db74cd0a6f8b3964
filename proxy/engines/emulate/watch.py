"""One emulated watch, served on the clock the way the apiserver's watch handler serves it.

Headers are flushed at once; then the initial events (for RV unset/"0" or sendInitialEvents), then every
change after the starting resourceVersion at its virtual time, bookmarks about every minute and about
two seconds before the deadline when asked for, and at the deadline simply the end of the body.
Faults are not this module's business: they wrap the responder or cancel the stream from outside.
While a watch waits, its resource's feed (fanout.py) may send it the changes that come due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...apiserver import encode as events
from ...apiserver.changes import GONE, Change
from ...apiserver.history import ResourceTimeline, WatchCache
from ...clock import Clock
from ...wire.params import ListOptions
from ...wire.status import expired_event
from ..base import ClientGone, Responder
from ..requestlog import LogEntry
from .fanout import Feed, Reader

BOOKMARK_EVERY = 60.0
BOOKMARK_BEFORE_DEADLINE = 2.0
MAX_WRITE = 256 * 1024


@dataclass
class WatchSpec:
    path: str
    tl: ResourceTimeline
    opts: ListOptions
    namespace: str
    match: Callable[[dict[str, Any]], bool]
    filtered: bool
    table: bool
    deadline: float
    wall: Callable[[float], dt.datetime]
    suppress_initial_end: bool = False


@dataclass(eq=False, slots=True)
class OpenWatch:
    """A watch in progress, for the control API's status."""

    entry: LogEntry
    spec: WatchSpec
    started: float
    last_rv: int = 0


def _event_for(ch: Change, spec: WatchSpec) -> str | None:
    """The event type this watch sees for a change, or None (out of scope, or filtered out throughout)."""
    if (spec.namespace and ch.key[0] != spec.namespace) or ch.type == "SKIPPED":
        return None
    if not spec.filtered:
        return ch.type
    old = ch.prev is not None and ch.prev.type not in GONE and spec.match(ch.prev.obj)
    if ch.type == "DELETED":
        return "DELETED" if old or spec.match(ch.obj) else None
    new = spec.match(ch.obj)
    if new:
        return "MODIFIED" if old else "ADDED"
    return "DELETED" if old else None


class WatchServer:
    def __init__(self, cache: WatchCache, clock: Clock) -> None:
        self.cache = cache
        self.clock = clock
        self._columns_sent = False
        self._feeds: dict[str, Feed] = {}

    def _feed(self, spec: WatchSpec) -> Feed:
        feed = self._feeds.get(spec.path)
        if feed is None or feed.tl is not spec.tl:
            feed = self._feeds[spec.path] = Feed(spec.tl, self.clock)
        return feed

    def changed(self, path: str) -> None:
        """A client's write was stored in this resource's history: its watches look again."""
        feed = self._feeds.get(path)
        if feed is not None:
            feed.changed()

    def _encode(self, typ: str, ch: Change, spec: WatchSpec, first: list[bool]) -> bytes:
        if spec.table:
            line = events.table_event(typ, spec.tl, ch, spec.wall(self.clock.now()), first[0])
            first[0] = False
            return line
        return events.event_line(typ, ch.raw)

    async def serve(self, w: OpenWatch, out: Responder, start_index: int | None,
                    initial: list[Change], expired: tuple[int, int] | None) -> None:
        spec, entry = w.spec, w.entry
        if expired is not None:
            await out.send(expired_event(*expired))
            entry.events += 1
            await out.finish()
            entry.ended("expired", f"too old resource version {expired[0]} (oldest {expired[1]})")
            return
        first = [True]
        changes = spec.tl.changes
        times = changes.times
        try:
            buf = [self._encode("ADDED", ch, spec, first) for ch in initial]
            if initial:
                w.last_rv = max(ch.rv for ch in initial)
            now = self.clock.now()
            if spec.opts.send_initial_events and spec.opts.allow_watch_bookmarks \
                    and not spec.suppress_initial_end:
                rv = max(self.cache.current_rv(now), w.last_rv)
                buf.append(events.event_line("BOOKMARK", events.bookmark_object(spec.tl, rv, True)))
                w.last_rv = rv
            if buf:
                await out.send(b"".join(buf))
                entry.events += len(buf)
            i = start_index if start_index is not None else self.cache.index_at(spec.path, now)
            r = Reader(w, out, spec.namespace, not spec.filtered and not spec.table, i)
            feed = self._feed(spec)
            next_bookmark = w.started + BOOKMARK_EVERY
            final_bookmark = spec.deadline - BOOKMARK_BEFORE_DEADLINE
            while True:
                now = self.clock.now()
                batch = []
                size = 0
                while i < len(times) and times[i] <= now:
                    ch = changes[i]
                    i += 1
                    typ = _event_for(ch, spec)
                    if typ is not None:
                        line = self._encode(typ, ch, spec, first)
                        batch.append(line)
                        size += len(line)
                        w.last_rv = max(w.last_rv, ch.rv)
                        if size >= MAX_WRITE:  # a long backlog goes out in bounded writes, not one huge one
                            await out.send(b"".join(batch))
                            entry.events += len(batch)
                            batch, size = [], 0
                if batch:
                    await out.send(b"".join(batch))
                    entry.events += len(batch)
                if now >= spec.deadline:
                    break
                if spec.opts.allow_watch_bookmarks and (now >= next_bookmark or now >= final_bookmark):
                    rv = self.cache.current_rv(now)
                    if rv > w.last_rv:  # only a bookmark that moves the client forward is sent
                        await out.send(events.event_line("BOOKMARK", events.bookmark_object(spec.tl, rv)))
                        entry.events += 1
                        w.last_rv = rv
                    while next_bookmark <= now:
                        next_bookmark += BOOKMARK_EVERY
                    if now >= final_bookmark:
                        final_bookmark = float("inf")
                alarm = spec.deadline
                if spec.opts.allow_watch_bookmarks:
                    alarm = min(alarm, next_bookmark, final_bookmark)
                r.i = i
                await feed.wait(r, alarm)
                i = r.i  # the feed may have sent it changes meanwhile
        except ClientGone:
            entry.ended("client-closed")
            return
        await out.finish()
        entry.ended("timeout", f"server closed the watch at its deadline ({spec.deadline:.3f}s)")
