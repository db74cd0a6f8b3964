"""Rebuild, per resource type, the history of every object from everything a recording saw.

Lists are snapshots (state at their resourceVersion), watch events are changes (or, for the synthetic
ADDED burst of an RV-less watch, snapshots too). Several clients may have seen the same change: versions
are merged on (resourceVersion, namespace/name). Types are then derived from each object's own sequence
of versions, so the merged history reads as one apiserver's would.

Times: a change happened no later than the first time anyone saw it, and changes happen in
resourceVersion order, so each change's time is the smallest observation time among it and all later
changes (a suffix minimum). Everything at or below the baseline (the first snapshot) exists from t=0.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from proxy.engines.store import Exchange, Loaded
from proxy.wire.framing import media_type
from proxy.wire.jsonenc import go_json
from proxy.wire.match import representation
from proxy.wire.request import RequestInfo

Key = tuple[str, str]  # (namespace, name)


@dataclass(slots=True)
class Change:
    """One version of one object. Only the bytes are kept (as the apiserver sent them, kind and
    apiVersion first); the decoded object is made on demand, for selectors and tables, so an hour of
    events costs its size on disk, not ten times that in dicts."""

    rv: int
    t: float
    type: str  # ADDED | MODIFIED | DELETED
    key: Key
    raw: bytes
    prev: Change | None = None  # the same object's previous version (for selector transitions)

    @property
    def obj(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.raw)
        return decoded


@dataclass
class ResourceTimeline:
    group: str
    version: str
    resource: str
    kind: str = ""
    namespaced: bool = True
    changes: list[Change] = field(default_factory=list)
    rvs: list[int] = field(default_factory=list)
    baseline_rv: int = 0

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List" if self.kind else "List"


@dataclass(slots=True)
class _Obs:
    rv: int
    key: Key
    raw: bytes
    t: float
    deleted: bool


@dataclass
class _Collector:
    info: RequestInfo
    kind: str = ""
    observations: dict[tuple[int, Key], _Obs] = field(default_factory=dict)
    first_list: tuple[float, int] | None = None  # (t, rv) of the earliest list
    first_watch_t: float | None = None
    burst_rv: int | None = None  # max RV of the first RV-less watch's initial ADDED burst
    snapshots: list[tuple[float, int, str, set[Key]]] = field(default_factory=list)
    namespaced: bool = False

    def observe(self, obj: Any, t: float, deleted: bool = False, raw: bytes | None = None) -> int | None:
        """Note a version seen at `t`; `raw` is its encoding when the wire already had it."""
        if not isinstance(obj, dict):
            return None
        meta = obj.get("metadata")
        if not isinstance(meta, dict):
            return None
        try:
            rv = int(meta.get("resourceVersion", ""))
        except ValueError:
            return None
        ns = str(meta.get("namespace") or "")
        self.namespaced |= bool(ns)
        key = (ns, str(meta.get("name", "")))
        if isinstance(obj.get("kind"), str) and not self.kind:
            self.kind = obj["kind"]
        o = self.observations.get((rv, key))
        if o is None:
            if raw is None:
                info = self.info
                api_version = f"{info.group}/{info.version}" if info.group else info.version
                raw = go_json(encode_object(obj, self.kind, api_version))
            self.observations[(rv, key)] = _Obs(rv, key, raw, t, deleted)
        else:
            o.t = min(o.t, t)
            o.deleted |= deleted
        return rv


def _decode_body(ex: Exchange) -> Any:
    body = ex.body
    enc = ex.response.header("Content-Encoding").lower() if ex.response else ""
    try:
        if enc == "gzip":
            body = gzip.decompress(body)
        elif enc == "deflate":
            body = zlib.decompress(body)
        return json.loads(body)
    except (ValueError, OSError, zlib.error):
        return None


def _json_response(ex: Exchange) -> bool:
    if ex.response is None or ex.response.status != 200:
        return False
    if representation(ex.request.header("Accept")) not in ("json",):
        return False
    return media_type(ex.response.header("Content-Type")).startswith("application/json")


def encode_object(obj: dict[str, Any], kind: str, api_version: str) -> dict[str, Any]:
    """The object with kind and apiVersion first, as the apiserver's encoder writes them."""
    rest = {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}
    return {"kind": obj.get("kind") or kind, "apiVersion": obj.get("apiVersion") or api_version, **rest}


def _collect(loaded: Loaded) -> dict[str, _Collector]:
    cols: dict[str, _Collector] = {}
    for ex in sorted(loaded.exchanges.values(), key=lambda e: e.request.t):
        info = ex.info
        if not info.is_resource or info.verb not in ("list", "watch") or info.subresource:
            continue
        if not _json_response(ex):
            continue
        col = cols.setdefault(info.collection_path, _Collector(info))
        col.namespaced |= bool(info.namespace)
        assert ex.response is not None
        if info.verb == "list":
            _collect_list(col, ex, info)
        else:
            _collect_watch(col, ex)
    return cols


def _collect_list(col: _Collector, ex: Exchange, info: RequestInfo) -> None:
    doc = _decode_body(ex)
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        return
    assert ex.response is not None
    t = ex.response.t
    kind = str(doc.get("kind", ""))
    if kind.endswith("List") and not col.kind:
        col.kind = kind[:-4]
    keys: set[Key] = set()
    for item in doc["items"]:
        if col.observe(item, t) is not None:
            meta = item["metadata"]
            keys.add((str(meta.get("namespace") or ""), str(meta.get("name", ""))))
    try:
        rv = int((doc.get("metadata") or {}).get("resourceVersion", ""))
    except ValueError:
        return
    if col.first_list is None:
        col.first_list = (t, rv)
    params = ex.request.query
    paged = "continue=" in params or bool((doc.get("metadata") or {}).get("continue"))
    filtered = "labelSelector=" in params or "fieldSelector=" in params
    if not paged and not filtered:  # only a whole list proves that an absent object was deleted
        col.snapshots.append((t, rv, info.namespace, keys))


_OBJECT_AT = re.compile(rb'^\{"type":"[A-Z]+","object":(?=\{"kind":"[^"]*","apiVersion":")')


def _object_bytes(frame: bytes) -> bytes | None:
    """The event's object exactly as the apiserver encoded it, when the frame has the apiserver's form."""
    m = _OBJECT_AT.match(frame)
    if m is None or not frame.endswith(b"}\n"):
        return None
    return frame[m.end():-2]


BURST_GAP = 0.1  # seconds between two events of the initial burst, which the apiserver writes back to back


def _collect_watch(col: _Collector, ex: Exchange) -> None:
    """Watch events are changes; the initial ADDED burst of an RV-less watch is a snapshot.

    The burst is recognised as the apiserver sends it: ADDED events first, back to back, in key order
    (namespace/name, as the watch cache lists them). The first event out of that pattern is live.
    """
    assert ex.response is not None
    rv_less = "resourceVersion=" not in ex.request.query or "resourceVersion=0" in ex.request.query
    in_burst = rv_less and col.first_watch_t is None
    last_t, last_key = ex.response.t, ("", "")
    for frame in ex.frames:
        try:
            ev = json.loads(frame.data)
        except ValueError:
            continue
        if not isinstance(ev, dict):
            continue
        typ = ev.get("type")
        if typ not in ("ADDED", "MODIFIED", "DELETED"):
            continue
        if col.first_watch_t is None:
            col.first_watch_t = frame.t
        rv = col.observe(ev.get("object"), frame.t, deleted=typ == "DELETED", raw=_object_bytes(frame.data))
        if in_burst:
            meta = (ev.get("object") or {}).get("metadata") or {}
            key = (str(meta.get("namespace") or ""), str(meta.get("name") or ""))
            in_burst = typ == "ADDED" and rv is not None and frame.t - last_t < BURST_GAP and key > last_key
            if in_burst:
                assert rv is not None
                col.burst_rv = max(col.burst_rv or 0, rv)
                last_t, last_key = frame.t, key


def _baseline(col: _Collector) -> int:
    if col.first_list is not None and (col.first_watch_t is None or col.first_list[0] <= col.first_watch_t):
        return col.first_list[1]
    if col.burst_rv is not None:
        return col.burst_rv
    rvs = [rv for rv, _ in col.observations]
    return min(rvs) - 1 if rvs else 0


def _changes(col: _Collector) -> list[Change]:
    obs = sorted(col.observations.values(), key=lambda o: (o.rv, o.key))
    # Deletions nobody saw live: an object in the state before a complete snapshot but absent from it.
    changes: list[Change] = []
    latest: dict[Key, Change] = {}
    snaps = sorted(col.snapshots)
    si = 0

    def apply_snapshot(t: float, rv: int, ns: str, keys: set[Key]) -> None:
        for key, ch in list(latest.items()):
            if ch.type != "DELETED" and (not ns or key[0] == ns) and key not in keys and ch.rv <= rv:
                # A DELETED event carries the last state with the deletion's resourceVersion.
                last = ch.obj
                obj = {**last, "metadata": {**last.get("metadata", {}), "resourceVersion": str(rv)}}
                _add(Change(rv, t, "DELETED", key, go_json(obj)))

    def _add(ch: Change) -> None:
        prev = latest.get(ch.key)
        ch.prev = prev
        if ch.type != "DELETED":
            ch.type = "MODIFIED" if prev is not None and prev.type != "DELETED" else "ADDED"
        latest[ch.key] = ch
        changes.append(ch)

    for o in obs:
        while si < len(snaps) and snaps[si][1] < o.rv:
            apply_snapshot(*snaps[si])
            si += 1
        _add(Change(o.rv, o.t, "DELETED" if o.deleted else "", o.key, o.raw))
    for s in snaps[si:]:
        apply_snapshot(*s)
    changes.sort(key=lambda c: c.rv)
    return changes


def build(loaded: Loaded) -> dict[str, ResourceTimeline]:
    """Per collection path (e.g. /api/v1/pods), the reconstructed history."""
    out: dict[str, ResourceTimeline] = {}
    for path, col in _collect(loaded).items():
        baseline = _baseline(col)
        changes = _changes(col)
        # Suffix minimum of observation times, and everything up to the baseline exists from the start.
        floor = float("inf")
        for ch in reversed(changes):
            floor = min(floor, ch.t)
            ch.t = 0.0 if ch.rv <= baseline else floor
        info = col.info
        out[path] = ResourceTimeline(info.group, info.version, info.resource, col.kind, col.namespaced,
                                     changes, [c.rv for c in changes], baseline)
    return out


def rv_marks(loaded: Loaded) -> list[tuple[float, int]]:
    """(time, resourceVersion) points that say "the cluster was at least at this RV then": list RVs and
    bookmarks, across all resources, since a resourceVersion is global to the cluster."""
    marks: list[tuple[float, int]] = []
    for ex in loaded.exchanges.values():
        info = ex.info
        if not info.is_resource or not _json_response(ex) or ex.response is None:
            continue
        if info.verb == "list":
            doc = _decode_body(ex)
            if isinstance(doc, dict):
                with contextlib.suppress(ValueError, TypeError):
                    marks.append((ex.response.t, int((doc.get("metadata") or {}).get("resourceVersion", ""))))
        elif info.verb == "watch":
            for f in ex.frames:
                if b'"BOOKMARK"' in f.data[:30]:
                    try:
                        ev = json.loads(f.data)
                        marks.append((f.t, int(ev["object"]["metadata"]["resourceVersion"])))
                    except (ValueError, KeyError, TypeError):
                        pass
    return marks
