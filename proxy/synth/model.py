"""A scenario's history as the apiserver model's store, so synth answers watches with the same state
machine emulate serves them with (apiserver/watchstream.py): same history, same bytes.

The scenario's `History` (history.py) decides what each object looks like and which resourceVersion
each change gets; this files every version into one `ResourceTimeline` per resource type, and turns
`rv_churn_per_minute` (writes to resources no scenario names) into (time, resourceVersion) marks, the
way emulate learns from a recording's bookmarks that the cluster moved on.
"""

from __future__ import annotations

import math

from ..apiserver.changes import TYPE_CODE, Changes, Key, Raws
from ..apiserver.history import ResourceTimeline, WatchCache
from ..wire.kinds import ResourceType
from .history import History, Version


def collection_path(rt: ResourceType) -> str:
    base = f"/apis/{rt.group}/{rt.version}" if rt.group else f"/api/{rt.version}"
    return f"{base}/{rt.plural}"


def _timeline(rt: ResourceType, rows: list[tuple[float, int, str, Version]], baseline: int) -> ResourceTimeline:
    raws = Raws(None)
    c = Changes(raws)
    latest: dict[Key, int] = {}
    for i, (t, rv, typ, v) in enumerate(sorted(rows, key=lambda r: r[1])):
        key = (v.key[1], v.key[2])
        c.rvs.append(rv)
        c.times.append(t)
        c.types.append(TYPE_CODE[typ])
        c.key_ids.append(c.key_id(key))
        c.prevs.append(latest.get(key, -1))
        c.refs.append(raws.keep(v.json))
        c.sizes.append(len(v.json))
        latest[key] = i
    return ResourceTimeline(rt.group, rt.version, rt.plural, rt.kind, rt.namespaced, c, baseline)


def _churn_marks(history: History, until: float) -> list[tuple[float, int]]:
    """Where the cluster's resourceVersion stood at each step of the churn, up to `until`."""
    rate = history.scenario.rv_churn_per_minute
    if rate <= 0:
        return []
    marks = []
    for k in range(1, math.floor(until * rate / 60 + 1e-9) + 1):
        t = k * 60 / rate
        marks.append((t, history.rv_at(t, after_changes_at_t=True)))
    return marks


def watch_cache(history: History, types: tuple[ResourceType, ...], until: float) -> WatchCache:
    """The store a synthesized apiserver answers from: every type in `types` (empty ones too)."""
    rows: dict[ResourceType, list[tuple[float, int, str, Version]]] = {rt: [] for rt in types}
    for v in history.initial.values():
        rows.setdefault(v.rt, []).append((0.0, v.rv, "ADDED", v))
    for e in history.events:
        rows.setdefault(e.version.rt, []).append((e.at, e.rv, e.type, e.version))
    start = history.scenario.start_resource_version
    timelines = {collection_path(rt): _timeline(rt, r, start) for rt, r in rows.items()}
    return WatchCache(timelines, _churn_marks(history, until))

