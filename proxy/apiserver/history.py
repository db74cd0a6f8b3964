"""The watch cache's answers at a virtual time: state, current resourceVersion, retained history; and
clients' writes committed into that history.

Pure: every question takes `now` (virtual seconds), nothing here waits or reads a clock. Time only moves
forward in a replay, so the current state is kept as a cursor that applies changes as `now` passes them.

Writes. A client's change gets the next resourceVersion beyond every one the recording holds, and the
recorded changes still to come go on as "another actor" makes them: from the first write on, each is
renumbered, in time order across every resource, to come after every change made before it, so the
cluster's resourceVersion only grows and every watch sees changes in resourceVersion order. A recorded
change of an object a client changed since simply wins (last writer wins, as an update without a
resourceVersion precondition would); its event type is made to fit what the client did (changes.py).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import json
import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..wire.jsonenc import go_json
from .changes import GONE, TYPES, Change, Changes, Key
from .goorder import meta_in_order

# How often a quiet resource's watch cache learns the cluster's resourceVersion: the apiserver's object-count
# poll (--etcd-count-metric-poll-period, a minute) reads each resource's keys consistently (cacher.getKeys:
# WaitUntilFreshAndGetKeys at etcd's current revision, which asks etcd for progress). Measured on 1.37: every
# quiet resource's bookmarks carry a newer revision about once a minute, from a minute after start. etcd's own
# progress notification (every 10 minutes) adds nothing to that.
CACHE_SYNC_EVERY = 60.0


_NEXT = (1).__add__


@dataclass
class ResourceTimeline:
    group: str
    version: str
    resource: str
    kind: str = ""
    namespaced: bool = True
    changes: Changes = field(default_factory=Changes)
    baseline_rv: int = 0
    # Rebuilt from a metadata client's answers alone: each object is its metadata, so only metadata reads
    # (as=PartialObjectMetadata) are served from it; the rest of the collection's requests get the recording's.
    metadata_only: bool = False

    @property
    def rvs(self) -> array[int]:
        return self.changes.rvs

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List" if self.kind else "List"

    @property
    def watch_cached(self) -> bool:
        """Whether kube-apiserver serves this resource from a watch cache: every one but events
        (DefaultWatchCacheSizes), whose lists and watches are etcd's own."""
        return (self.group, self.resource) not in _UNCACHED


_UNCACHED = frozenset({("", "events"), ("events.k8s.io", "events")})


def mirrored(tl: ResourceTimeline, source: ResourceTimeline,
             view: Callable[[dict[str, Any]], dict[str, Any]]) -> ResourceTimeline:
    """`tl` (new, empty) holding every change of `source` as another collection shows the same objects (an
    Event through its other API): the same resourceVersions, times and event types."""
    c = source.changes
    for i in range(len(c)):
        obj = view(json.loads(c.raw_at(i)))
        tl.changes.insert(i, c.rvs[i], c.times[i], TYPES[c.types[i]], c.keys[c.key_ids[i]], c.prevs[i], go_json(obj))
    tl.baseline_rv = source.baseline_rv
    return tl


@dataclass
class _Cursor:
    applied: int = 0
    state: dict[Key, Change] = field(default_factory=dict)


class WatchCache:
    def __init__(self, timelines: dict[str, ResourceTimeline], marks: list[tuple[float, int]],
                 history: float | None = None) -> None:
        """`marks`: (time, resourceVersion) points in time order where the cluster was at least at that RV."""
        self.timelines = timelines
        self.history = history
        self._cursors = {p: _Cursor() for p in timelines}
        self._mark_t = [t for t, _ in marks]
        self._mark_rv = list(itertools.accumulate((rv for _, rv in marks), max))
        self._base_rv = max([tl.baseline_rv for tl in timelines.values()], default=0)
        self.compacted_rv = 0  # raised by an emulated apiserver restart
        self.compacted_at: float | None = None
        self._marks_top = self._mark_rv[-1] if self._mark_rv else 0
        self._top: int | None = None  # the newest resourceVersion given out, once a client has written
        self.writes = 0
        # per resource: when a consistent read synced its watch cache to the cluster's RV (times, running max)
        self._synced: dict[str, tuple[list[float], list[int]]] = {}

    def synced(self, path: str, t: float, rv: int) -> None:
        """A consistent read of this resource at `t` (a list or a watch with no resourceVersion): the apiserver
        first brings its watch cache to the cluster's RV `rv` (etcd's progress notification on request), so
        its bookmarks carry that from then on (seen on 1.37: a bookmark newer than any event of its resource)."""
        times, rvs = self._synced.setdefault(path, ([], []))
        i = bisect.bisect_right(times, t)
        times.insert(i, t)
        rvs.insert(i, rv)
        for k in range(max(1, i), len(rvs)):  # keep the running maximum
            rvs[k] = max(rvs[k], rvs[k - 1])

    def add(self, path: str, tl: ResourceTimeline) -> ResourceTimeline:
        """Serve a resource type the recording has no history for (an empty one)."""
        self.timelines[path] = tl
        self._cursors[path] = _Cursor()
        return tl

    def current_rv(self, now: float) -> int:
        """The cluster's resourceVersion: the newest of every change and every list or bookmark seen by
        `now` (changes of one resource come in resourceVersion order, at non-decreasing times)."""
        best = self._base_rv
        i = bisect.bisect_right(self._mark_t, now)
        if i:
            best = max(best, self._mark_rv[i - 1])
        for tl in self.timelines.values():
            j = bisect.bisect_right(tl.changes.times, now)
            if j:
                best = max(best, tl.changes.rvs[j - 1])
        return best

    def reaching(self, rv: int) -> float:
        """When the cluster reaches `rv` as recorded (infinity if it never does); a client's write may bring
        it sooner."""
        best = math.inf
        i = bisect.bisect_left(self._mark_rv, rv)
        if i < len(self._mark_rv):
            best = self._mark_t[i]
        for tl in self.timelines.values():
            j = bisect.bisect_left(tl.changes.rvs, rv)
            if j < len(tl.changes):
                best = min(best, tl.changes.times[j])
        return best

    def resource_rv(self, path: str, now: float) -> int:
        """The resourceVersion of this resource's own watch cache, which its bookmarks carry: its newest
        change by `now`, and the cluster's at the last sync (every minute, counted from the recording's start:
        the real phase is the apiserver's and unknown). Other resources' writes move it only through those."""
        tl = self.timelines.get(path)
        if tl is None:
            return self._base_rv
        j = bisect.bisect_right(tl.changes.times, now)
        own = tl.changes.rvs[j - 1] if j else max(self._base_rv, tl.baseline_rv)
        if path in self._synced:
            times, rvs = self._synced[path]
            k = bisect.bisect_right(times, now)
            if k:
                own = max(own, rvs[k - 1])
        progress = (now // CACHE_SYNC_EVERY) * CACHE_SYNC_EVERY
        return max(own, self.current_rv(progress)) if progress > 0 else own

    def index_at(self, path: str, now: float) -> int:
        """How many of the resource's changes have happened by `now`."""
        return bisect.bisect_right(self.timelines[path].changes.times, now)

    def state(self, path: str, now: float) -> dict[Key, Change]:
        """Live objects at `now` (the newest version of each, DELETED ones dropped)."""
        cur, tl = self._cursors[path], self.timelines[path]
        end = self.index_at(path, now)
        if end < cur.applied:  # a question about the past: answer it without moving the cursor
            return self.state_upto(path, end)
        for ch in tl.changes[cur.applied:end]:
            if ch.type in GONE:
                cur.state.pop(ch.key, None)
            else:
                cur.state[ch.key] = ch
        cur.applied = end
        return cur.state

    def state_upto(self, path: str, end: int) -> dict[Key, Change]:
        st: dict[Key, Change] = {}
        for ch in self.timelines[path].changes[:end]:
            if ch.type in GONE:
                st.pop(ch.key, None)
            else:
                st[ch.key] = ch
        return st

    def index_after_rv(self, path: str, rv: int) -> int:
        """Index of the first change newer than `rv`."""
        return bisect.bisect_right(self.timelines[path].rvs, rv)

    def oldest_rv(self, path: str, now: float) -> int:
        """The oldest resourceVersion a watch may start from; older ones get 410 Expired."""
        tl = self.timelines[path]
        oldest = max(tl.baseline_rv, self.compacted_rv)
        if self.history is not None:
            cutoff = now - self.history
            i = bisect.bisect_right(self.timelines[path].changes.times, cutoff)
            if i:
                oldest = max(oldest, tl.changes[i - 1].rv)
        return oldest

    def compact(self, now: float) -> int:
        """History before now is gone (an apiserver restart): older RVs expire."""
        self.compacted_rv = self.current_rv(now)
        self.compacted_at = now
        return self.compacted_rv

    def _diverge(self, now: float) -> int:
        """The first client write: number the recorded changes still to come after every recorded
        resourceVersion, in time order across resources. Returns the newest resourceVersion so far."""
        top = max(self._base_rv, self._marks_top, self.compacted_rv)
        tails: list[tuple[Changes, int]] = []
        for tl in self.timelines.values():
            c = tl.changes
            if len(c):
                top = max(top, c.rvs[-1])
            if c.stamped is None:
                c.stamped = array("q", c.rvs)
            k = bisect.bisect_right(c.times, now)
            if k < len(c):
                tails.append((c, k))
        if len(tails) == 1:  # one resource still has recorded changes to come: they are in order already
            c, k = tails[0]
            c.rvs[k:] = array("q", range(top + 1, top + 1 + len(c) - k))
            return top
        merged = heapq.merge(*(((c.times[i], c.rvs[i], n, i) for i in range(k, len(c)))
                               for n, (c, k) in enumerate(tails)))
        for rv, (_, _, n, i) in enumerate(merged, start=top + 1):
            tails[n][0].rvs[i] = rv
        return top
    def commit(self, path: str, key: Key, typ: str, obj: dict[str, Any], now: float,
               mirrors: tuple[tuple[str, dict[str, Any]], ...] = (), dispatched: dict[str, Any] | None = None
               ) -> int:
        """Store a client's change at `now` as the newest resourceVersion; `obj` gets that resourceVersion
        (in place, so an answer holding it carries it). Returns the resourceVersion. `mirrors`: the same
        change as other collections show it (a custom resource's other served versions), at the same
        resourceVersion: one object, several views. `dispatched`: the object as storage holds it, where reads
        show less of it (Changes.dispatched)."""
        top = self._diverge(now) if self._top is None else self._top
        for tl in self.timelines.values():
            j = bisect.bisect_right(tl.changes.times, now)
            if j:
                top = max(top, tl.changes.rvs[j - 1])
        rv = top + 1
        for tl in self.timelines.values():  # every change still to come moves one version on
            c = tl.changes
            k = bisect.bisect_right(c.times, now)
            if k < len(c):
                c.rvs[k:] = array("q", map(_NEXT, c.rvs[k:]))
        self._top = rv
        self.writes += 1
        for view in (obj, *(v for _, v in mirrors), *([dispatched] if dispatched is not None else [])):
            meta = view.setdefault("metadata", {})
            in_order = meta_in_order({**meta, "resourceVersion": str(rv)}, str(view.get("apiVersion", "")))
            meta.clear()
            meta.update(in_order)
        for where, view in ((path, obj), *mirrors):
            tl = self.timelines[where]
            k = bisect.bisect_right(tl.changes.times, now)
            before = self.state(where, now).get(key)
            tl.changes.insert(k, rv, now, typ, key, before.i if before is not None else -1, go_json(view),
                              go_json(dispatched) if dispatched is not None and where == path else None)
        return rv
