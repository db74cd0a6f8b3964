"""One watch as the apiserver's watch handler serves it, as a state machine with no I/O and no clock.

`WatchStream(cache, spec, now)` opens it (the WatchList defaults, initial events or the backlog after the
requested resourceVersion, or the 410 for a too-old one); `due(now)` returns the event lines to send by
then; `next_wakeup()` says when it next has something to do; `ended` says how it ended (the deadline, or
the 410). Emulate drives it on the replay's clock (engines/emulate/watch.py), synth steps it on planned
time, so both write the same bytes for the same history.

What it covers: the initial events (RV unset or "0", or `sendInitialEvents`) and the annotated bookmark
that ends them, changes after the starting resourceVersion in order, label/field selectors with the
transitions they imply (an object leaving the selection is a DELETED), Tables (column definitions only
with the first), bookmarks at the first cacher tick of a watch-list, about every minute and about two
seconds before the deadline (carrying the resource's own cache RV, and only once that is past the RV the
watch started from), and at the deadline simply the end of the body. Events have no watch cache: their
watches are etcd's, with no bookmark but the initial-events-end one, and etcd's 410 for a compacted
resourceVersion.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..wire.params import ListOptions, list_defaults
from . import encode
from .changes import GONE, SKIPPED, TYPES, Change, Changes, in_key_order
from .history import ResourceTimeline, WatchCache

BOOKMARK_EVERY = 60.0  # the watch cache's bookmark frequency (defaultBookmarkFrequency)
BOOKMARK_BEFORE_DEADLINE = 2.0  # the last bookmark is due this long before the deadline
# The cacher sends due bookmarks at the ticks of one timer per resource, every second with 25 % jitter, so
# a bookmark goes out at the first tick after it is due: here half a tick later, the mean of that wait
# (1.37 measured 0.2–0.8 s after the pre-deadline time; docs/fidelity.md).
BOOKMARK_TICK_WAIT = 0.5
TOO_LARGE_WAIT = 3.0  # how long the watch cache waits to reach a resourceVersion (blockTimeout)
_INF = float("inf")


def watch_list_defaults(opts: ListOptions, enabled: bool = True) -> ListOptions:
    """SetListOptionsDefaults with the WatchList gate (on since 1.34; `enabled` says whether the server
    is that new), where it shows: a bookmarked watch from "now" becomes a watch-list, so its initial events end
    with the annotated bookmark (without bookmarks a watch from "now" sends the same events either way)."""
    return list_defaults(opts) if enabled and opts.allow_watch_bookmarks else opts


def watch_list_by_default(server_version: str) -> bool:
    """Whether an apiserver of this version (`v1.36.2`) applies the WatchList defaults: 1.34 and later;
    an unknown version counts as current."""
    try:
        major, minor = server_version.lstrip("v").split(".")[:2]
        return (int(major), int("".join(ch for ch in minor if ch.isdigit()))) >= (1, 34)
    except ValueError:
        return True


_EVENT_HEAD = tuple(b'{"type":"' + t.encode() + b'","object":' for t in TYPES)


def shared_lines(changes: Changes, start: int, now: float, namespace: str,
                 limit: float = _INF, live_from: int = 0) -> tuple[list[bytes], int, int, int]:
    """The event lines of the changes from `start` due by `now`, as every unfiltered JSON watch of the
    namespace scope sees them (read from the columns: the hot path of a busy replay), stopping once about
    `limit` bytes are out; those from index `live_from` on as dispatched to a watch open when they were made
    (Changes.live_raw_at). Returns (lines, bytes, newest resourceVersion or 0, index of the next change)."""
    times, types, rvs, keys, key_ids = changes.times, changes.types, changes.rvs, changes.keys, changes.key_ids
    raw_at = changes.raw_at
    if changes.dispatched:
        def raw_at(i: int) -> bytes:
            return changes.live_raw_at(i) if i >= live_from else changes.raw_at(i)
    n = len(times)
    lines: list[bytes] = []
    size = top = 0
    i = start
    while i < n and times[i] <= now:
        code = types[i]
        if code != SKIPPED and (not namespace or keys[key_ids[i]][0] == namespace):
            line = _EVENT_HEAD[code] + raw_at(i) + b"}\n"
            lines.append(line)
            size += len(line)
            if rvs[i] > top:
                top = rvs[i]
            if size >= limit:
                return lines, size, top, i + 1
        i += 1
    return lines, size, top, i


@dataclass
class WatchSpec:
    """What a watch asks for, once its request is parsed."""

    path: str  # the collection path (/api/v1/pods), whatever namespace the request named
    tl: ResourceTimeline
    opts: ListOptions
    namespace: str
    match: Callable[[dict[str, Any]], bool]
    filtered: bool
    table: bool
    deadline: float
    wall: Callable[[float], dt.datetime]  # the cluster's wall clock at a virtual time, for Tables
    suppress_initial_end: bool = False
    columns: list[dict[str, Any]] | None = None  # a Table's columns as a recorded Table had them (wire.table)
    metadata: str = ""  # the meta.k8s.io version of PartialObjectMetadata a metadata client asked for


def event_for(ch: Change, spec: WatchSpec) -> str | None:
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


class WatchStream:
    """The state of one watch: where it is in its resource's history, what it sent last, when it next
    sends a bookmark, whether it has ended. `i`, `last_rv` and `events` are public so a driver that
    sends several streams' common lines itself (emulate's fan-out) can say what it sent (`sent`)."""

    def __init__(self, cache: WatchCache, spec: WatchSpec, now: float, *, watch_list: bool = True) -> None:
        """Open the watch at `now`. `watch_list`: the server applies the WatchList defaults (1.34+)."""
        self.cache = cache
        spec.opts = watch_list_defaults(spec.opts, watch_list)
        self.spec = spec
        self.started = now
        self.last_rv = 0
        self.events = 0
        self.ended = ""  # "" while open; "timeout", "expired" (410) or "error" (another ERROR)
        self.end_detail = ""
        self._first_table = True
        self._opening: list[bytes] | None = None
        self._refused_at = _INF  # when a watch-list from a resourceVersion not reached gives up
        self._refusal = b""
        self._confirming = False  # the watch-list's first tick is still to come
        self.next_bookmark = now + BOOKMARK_EVERY
        # none before the deadline when that is 2 s away or less (cache_watcher.go nextBookmarkTime)
        self.final_bookmark = spec.deadline - BOOKMARK_BEFORE_DEADLINE + BOOKMARK_TICK_WAIT \
            if spec.deadline - BOOKMARK_BEFORE_DEADLINE > now else _INF
        opts, path = spec.opts, spec.path
        if opts.send_initial_events:
            # A watch-list's bookmark is due at once after its initial events (cache_watcher.go
            # nextBookmarkTime), so a change that came meanwhile is confirmed at the next tick. Only a change:
            # a consistent read syncing the cache meanwhile moves the real one's initial-events-end bookmark
            # (sent at that tick), which here went out already, and must not make a second one.
            self.next_bookmark = now + BOOKMARK_TICK_WAIT
            self._confirming = True
        rv = opts.rv_int
        send_initial = opts.send_initial_events
        if send_initial is None:
            send_initial = rv in (None, 0)
        self.i = self.live_from = cache.index_at(path, now)  # (changes from live_from on are dispatched to it)
        if opts.send_initial_events and rv and rv > (current := cache.current_rv(now)):
            # The cache waits 3 s to reach it, then the watch is one ERROR (cacher.go
            # waitUntilWatchCacheFreshAndForceAllEvents); with a timeout under 3 s the real one races the two.
            self._refused_at = now + TOO_LARGE_WAIT
            self._refusal = encode.error_line(encode.too_large(rv, current, spec.tl.watch_cached))
            return
        # The RV the apiserver's cacheWatcher starts from: a bookmark goes out only when its resource's
        # cache has moved past it (cache_watcher.go `process`), the same RV again each period if need be.
        # An RV-unset watch is a consistent read (the cache is synced to the cluster's RV first); "0" takes
        # the resource's cache as it is.
        self.floor_rv = rv if rv else cache.current_rv(now) if rv is None else cache.resource_rv(path, now)
        if send_initial:
            state = cache.state(path, now)
            initial = [ch for key, ch in in_key_order(state)
                       if (not spec.namespace or key[0] == spec.namespace) and (not spec.filtered
                                                                               or spec.match(ch.obj))]
            lines = [self._encode("ADDED", ch, now) for ch in initial]
            if initial:
                self.last_rv = max(ch.rv for ch in initial)
                self.floor_rv = max(self.floor_rv, self.last_rv)
            if opts.send_initial_events and opts.allow_watch_bookmarks and not spec.suppress_initial_end:
                # The bookmark carries the resource's cache RV once it is at least the one the watch waits
                # for (cacher.go getBookmarkAfterResourceVersionLockedFunc): with no RV the cluster's (a
                # consistent read syncs the cache first), with "0" the cache's as it is, with N at least N.
                top = cache.resource_rv(path, now)
                if not opts.resource_version or (rv or 0) > top:
                    top = cache.current_rv(now)
                    cache.synced(path, now, top)
                top = max(top, self.last_rv)
                lines.append(encode.event_line("BOOKMARK", self._bookmark(top, now, True)))
                # the watcher has now told the client `top`: a later bookmark only once the cache is past it
                self.last_rv = self.floor_rv = top
            self._opening = lines
        elif rv not in (None, 0):
            assert rv is not None
            oldest = cache.oldest_rv(path, now)
            if rv < oldest:
                # etcd's words where there is no watch cache: it knows only that the revision was compacted
                message = encode.expired_message(rv, oldest) if spec.tl.watch_cached else \
                    "The resourceVersion for the provided watch is too old."
                self._opening = [encode.expired_line(message)]
                self.ended, self.end_detail = "expired", f"too old resource version {rv} (oldest {oldest})"
            else:
                self.i = cache.index_after_rv(path, rv)
                self.last_rv = rv  # the client has everything up to it: no bookmark may take it back

    @property
    def shared(self) -> bool:
        """Unfiltered JSON: its event lines are every such watch's in the same namespace scope."""
        return not self.spec.filtered and not self.spec.table and not self.spec.metadata

    @property
    def _ticks(self) -> bool:
        """Whether bookmarks come after the initial events: a watch cache's, when asked for (etcd's watch,
        for a resource without one, sends only the initial-events-end one)."""
        return self.spec.opts.allow_watch_bookmarks and self.spec.tl.watch_cached

    def _bookmark(self, rv: int, now: float, initial_events_end: bool = False) -> bytes:
        """A bookmark's object, encoded as the watch encodes every object: a Table watch's is a Table whose
        one row prints the empty object (handlers/response.go asTable), with the column definitions if it
        is the first event."""
        spec = self.spec
        obj = encode.bookmark(spec.tl.kind, spec.tl.api_version, rv, initial_events_end)
        if spec.table:
            first, self._first_table = self._first_table, False
            return encode.dumps(encode.object_table(spec.tl, obj, rv, spec.wall(now), first, spec.columns))
        if spec.metadata:
            return encode.dumps(encode.as_metadata(obj, spec.metadata))
        return encode.dumps(obj)

    def _encode(self, typ: str, ch: Change, now: float) -> bytes:
        spec = self.spec
        left: dict[str, Any] | None = None
        if typ == "DELETED" and ch.type != "DELETED" and ch.prev is not None:
            # an object leaving the selection: its previous content at the change's resourceVersion
            # (cache_watcher.go convertToWatchEvent)
            left = copy.deepcopy(ch.prev.obj)
            left.setdefault("metadata", {})["resourceVersion"] = str(ch.rv)
        if spec.metadata:
            return encode.event_line(typ, encode.dumps(encode.as_metadata(left or ch.obj, spec.metadata)))
        if spec.table:
            first, self._first_table = self._first_table, False
            table = encode.object_table(spec.tl, left or ch.obj, ch.rv, spec.wall(now), first, spec.columns)
            return encode.event_line(typ, encode.dumps(table))
        if left is not None:
            return encode.event_line(typ, encode.dumps(left))
        return encode.event_line(typ, spec.tl.changes.live_raw_at(ch.i) if ch.i >= self.live_from else ch.raw)

    def sent(self, end: int, events: int, top_rv: int) -> None:
        """A driver sent this stream's changes up to index `end` itself (`events` lines, the newest
        resourceVersion among them `top_rv`)."""
        self.i = end
        self.events += events
        if top_rv > self.last_rv:
            self.last_rv = top_rv

    def due(self, now: float, limit: int | None = None) -> list[bytes]:
        """The event lines due by `now`, at most about `limit` bytes of changes at a time (call again
        until it returns nothing); the deadline and the bookmarks come once every due change is out."""
        if self._opening is not None:
            opening, self._opening = self._opening, None
            self.events += len(opening)
            return opening
        if self.ended:
            return []
        if self._refused_at < _INF:
            if now < self._refused_at:
                return []
            self.ended, self.end_detail = "error", "ERROR 504: too large resource version"
            self.events += 1
            return [self._refusal]
        spec = self.spec
        changes = spec.tl.changes
        if self.shared:
            out, _, top, self.i = shared_lines(changes, self.i, now, spec.namespace,
                                               _INF if limit is None else limit, self.live_from)
            if top > self.last_rv:
                self.last_rv = top
        else:
            out = self._due_each(changes, now, limit)
        if out:
            self.events += len(out)
            return out
        return self._timers(now)

    def _due_each(self, changes: Changes, now: float, limit: int | None) -> list[bytes]:
        """Due changes one by one: selectors decide per object, Tables render per event."""
        spec = self.spec
        times = changes.times
        out: list[bytes] = []
        size = 0
        i = self.i
        while i < len(times) and times[i] <= now:
            ch = changes[i]
            i += 1
            typ = event_for(ch, spec)
            if typ is not None:
                line = self._encode(typ, ch, now)
                out.append(line)
                size += len(line)
                if ch.rv > self.last_rv:
                    self.last_rv = ch.rv
                if limit is not None and size >= limit:  # a long backlog goes out in bounded writes
                    break
        self.i = i
        return out

    def _timers(self, now: float) -> list[bytes]:
        """Once every due change is out: the end at the deadline, else a bookmark if one is due."""
        spec = self.spec
        out: list[bytes] = []
        if now >= spec.deadline:
            self.ended = "timeout"
            self.end_detail = f"server closed the watch at its deadline ({spec.deadline:.3f}s)"
            return out
        if self._ticks and (now >= self.next_bookmark or now >= self.final_bookmark):
            if self._confirming:
                self._confirming = False
                changed = self.cache.index_at(spec.path, now)
                rv = spec.tl.changes.rvs[changed - 1] if changed else 0
            else:
                rv = self.cache.resource_rv(spec.path, now)
            if rv > self.floor_rv:
                out.append(encode.event_line("BOOKMARK", self._bookmark(rv, now)))
                self.events += 1
                self.last_rv = max(self.last_rv, rv)
            if self.next_bookmark <= now:
                self.next_bookmark = now + BOOKMARK_EVERY
            if now >= self.final_bookmark:
                self.final_bookmark = _INF
        return out

    def alarm(self) -> float:
        """When the stream has something to do whatever changes come: its deadline or a bookmark."""
        if self._opening is not None:
            return -_INF
        if self.ended:
            return _INF
        if self._refused_at < _INF:
            return self._refused_at
        if self._ticks:
            return min(self.spec.deadline, self.next_bookmark, self.final_bookmark)
        return self.spec.deadline

    def next_wakeup(self) -> float:
        """The earliest time `due` has anything: the alarm, or the next change in its scope."""
        changes = self.spec.tl.changes
        j = changes.next_in(self.spec.namespace, self.i) if self.spec.namespace else self.i
        change_t = changes.times[j] if j < len(changes) else _INF
        return min(self.alarm(), change_t)
