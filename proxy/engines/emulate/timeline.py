"""Rebuild, per resource type, the history of every object from everything a recording saw.

Lists are snapshots (state at their resourceVersion), watch events are changes (or, for the synthetic
ADDED burst of an RV-less watch, snapshots too). Several clients may have seen the same change: versions
are merged on (resourceVersion, namespace/name). Types are then derived from each object's own sequence
of versions, so the merged history reads as one apiserver's would.

A DELETED from a watch with a selector an object can leave is weaker evidence: the apiserver sends the
same DELETED (the previous content, the new resourceVersion) when an object is deleted and when it only stops
matching (cache_watcher.go convertToWatchEvent), so any other sight of that version says which it was.

Times: a change happened no later than the first time anyone saw it, and changes happen in
resourceVersion order, so each change's time is the smallest observation time among it and all later
changes (a suffix minimum). Everything at or below the baseline (the first snapshot) exists from t=0.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import sys
import zlib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import attrgetter
from typing import Any

from ...apiserver.changes import TYPE_CODE, Changes, Key, Raws
from ...apiserver.history import ResourceTimeline
from ...recording import prepared
from ...recording.index import Frames
from ...wire import protobuf
from ...wire.events import APISERVER_EVENT, identity
from ...wire.framing import media_type
from ...wire.jsonenc import go_json
from ...wire.kinds import builtin_by_path
from ...wire.match import prefer_json, representation
from ...wire.params import InvalidParams, first_values, query_pairs
from ...wire.request import RequestInfo
from ...wire.selectors import parse_field_selector
from ..store import Exchange, Loaded

LEFT = "LEFT"  # a DELETED seen only by a watch that an object can leave without being deleted


@dataclass(slots=True)
class _Draft:
    """A version seen in the recording (type "" until the history is put in order, "DELETED", or LEFT),
    then a change of the rebuilt history."""

    rv: int
    t: float
    type: str
    key: Key
    ref: int
    size: int
    prev: _Draft | None = None
    i: int = -1  # its index in the columns


@dataclass
class _Collector:
    info: RequestInfo
    raws: Raws
    kind: str = ""
    observations: dict[tuple[int, Key], _Draft] = field(default_factory=dict)
    first_list: tuple[float, int] | None = None  # (t, rv) of the earliest list
    first_watch_t: float | None = None
    burst_rv: int | None = None  # max RV of the first RV-less watch's initial ADDED burst
    snapshots: list[tuple[float, int, str, set[Key]]] = field(default_factory=list)
    namespaced: bool = False
    keys: dict[tuple[bytes, bytes], Key] = field(default_factory=dict)  # one tuple per object, not per event
    metadata_only: bool = False

    def observe(self, obj: Any, t: float, typ: str = "", raw: tuple[int, int] | None = None) -> int | None:
        """Note a version seen at `t` in decoded form (a list item, or an event in an unusual encoding) as
        `typ` ("", "DELETED" or LEFT); `raw` is (ref, size) of its bytes when the wire had the apiserver's
        encoding of it."""
        if not isinstance(obj, dict):
            return None
        meta = obj.get("metadata")
        if not isinstance(meta, dict):
            return None
        try:
            rv = int(meta.get("resourceVersion", ""))
        except ValueError:
            return None
        if isinstance(obj.get("kind"), str) and not self.kind:
            self.kind = obj["kind"]
        key = (str(meta.get("namespace") or ""), str(meta.get("name", "")))
        if raw is not None:
            self.seen(rv, key, t, typ, *raw)
        elif (o := self.observations.get((rv, key))) is None or (o.type == LEFT and typ != LEFT):
            info = self.info
            api_version = f"{info.group}/{info.version}" if info.group else info.version
            data = go_json(encode_object(obj, self.kind, api_version))
            self.seen(rv, key, t, typ, self.raws.keep(data), len(data))
        else:
            self.seen(rv, key, t, typ, 0, 0)
        return rv

    def seen(self, rv: int, key: Key, t: float, typ: str, ref: int, size: int) -> None:
        """Note a version seen at `t` as `typ` whose bytes are at `ref` (unused when it was seen before)."""
        self.namespaced |= bool(key[0])
        o = self.observations.get((rv, key))
        if o is None:
            self.observations[(rv, key)] = _Draft(rv, t, typ, key, ref, size)
        else:
            _merge(o, t, typ, ref, size)


def _merge(o: _Draft, t: float, typ: str, ref: int, size: int) -> None:
    """Another sight of a version: the earliest time; a deletion wins over a change, and any sight of a
    version over a LEFT (whose bytes are the content before it)."""
    o.t = min(o.t, t)
    if o.type == LEFT and typ != LEFT:
        o.type, o.ref, o.size = typ, ref, size
    elif typ == "DELETED":
        o.type = "DELETED"


def may_leave(query: str, resource: str, group: str = "") -> bool:
    """Whether an object can leave a watch's selection without being deleted: a label selector, or a field
    selector on anything but its name and namespace (which never change)."""
    q = first_values(query_pairs(query))
    if q.get("labelSelector"):
        return True
    try:
        terms = parse_field_selector(q.get("fieldSelector", ""), resource, group)
    except InvalidParams:
        return True
    return any(r.field not in ("metadata.name", "metadata.namespace") for r in terms)


def _decode_body(ex: Exchange) -> Any:
    body = ex.body
    enc = ex.response.header("Content-Encoding").lower() if ex.response else ""
    try:
        if enc == "gzip":
            body = gzip.decompress(body)
        elif enc == "deflate":
            body = zlib.decompress(body)
        if _protobuf(ex):
            return protobuf.decode(body)
        return json.loads(body)
    except (ValueError, OSError, zlib.error, RecursionError):
        return None


def _protobuf(ex: Exchange) -> bool:
    return ex.response is not None and media_type(ex.response.header("Content-Type")).startswith(protobuf.MEDIA_TYPE)


def _objects(ex: Exchange) -> str:
    """What the answer holds objects as: "whole" for the answer to what record asked the apiserver for, which
    is JSON also for a client that put protobuf first (as client-go does), protobuf under --keep-protobuf;
    "metadata" for a metadata client's PartialObjectMetadata in JSON; "" for anything else (a Table)."""
    if ex.response is None or ex.response.status != 200:
        return ""
    asked = prefer_json(ex.request.header("Accept"))
    if representation(asked) not in ("json", "protobuf"):
        return ""
    json_answer = media_type(ex.response.header("Content-Type")).startswith("application/json")
    conversion = asked.split(",")[0].replace(" ", "").lower()
    if "as=" not in conversion:
        return "whole" if _protobuf(ex) or json_answer else ""
    return "metadata" if json_answer and "as=partialobjectmetadata" in conversion else ""


def _table_response(ex: Exchange) -> bool:
    return (ex.response is not None and ex.response.status == 200
            and representation(ex.request.header("Accept")) == "table"
            and media_type(ex.response.header("Content-Type")).startswith("application/json"))


def encode_object(obj: dict[str, Any], kind: str, api_version: str) -> dict[str, Any]:
    """The object with kind and apiVersion first, as the apiserver's encoder writes them."""
    rest = {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}
    return {"kind": obj.get("kind") or kind, "apiVersion": obj.get("apiVersion") or api_version, **rest}


def _list_rv(doc: Any) -> int | None:
    try:
        return int((doc.get("metadata") or {}).get("resourceVersion", ""))
    except (ValueError, TypeError, AttributeError):
        return None


def _collect(loaded: Loaded, raws: Raws, marks: list[tuple[float, int]],
             progress: Callable[[int, int], None] | None = None, total: int = 0) -> dict[str, _Collector]:
    cols: dict[str, _Collector] = {}
    metadata: dict[str, _Collector] = {}  # collections a metadata client saw, apart
    table_lists: dict[str, tuple[float, int]] = {}
    done = 0
    for ex in sorted(loaded.exchanges.values(), key=lambda e: e.request.t):
        if progress is not None and total:
            progress(min(done, total - 1), total)  # (total, total) means the history is complete
        done += len(ex.frames)
        info = ex.info
        if not info.is_resource or info.subresource or info.verb not in ("list", "watch"):
            continue
        if info.verb == "list" and _table_response(ex):
            # kubectl's list: its rows hold no whole objects, but its resourceVersion says where the cluster
            # was (and where the kubectl that asked then watches from)
            rv = _list_rv(_decode_body(ex))
            if rv is not None and ex.response is not None:
                marks.append((ex.response.t, rv))
                table_lists.setdefault(info.collection_path, (ex.response.t, rv))
            continue
        objects = _objects(ex)
        if not objects:
            continue
        assert ex.response is not None
        col = (cols if objects == "whole" else metadata).setdefault(info.collection_path, _Collector(info, raws))
        col.namespaced |= bool(info.namespace)
        if info.verb == "list":
            doc = _decode_body(ex)
            rv = _list_rv(doc)
            if rv is not None:  # every list says "the cluster was at least here", whatever its resource
                marks.append((ex.response.t, rv))
            _collect_list(col, ex, info, doc, rv)
        else:
            _collect_watch(col, ex, marks, None if progress is None else _from(done - len(ex.frames), progress, total))
    for path, col in metadata.items():
        # Rebuilt from PartialObjectMetadata only where no whole object was seen: objects of their metadata alone,
        # which only metadata reads may be served from (ResourceTimeline.metadata_only). The kind is the type's.
        known = builtin_by_path(col.info.group, col.info.version, col.info.resource)
        if path not in cols and known is not None:
            col.kind, col.metadata_only = known.kind, True
            cols[path] = col
    for path, (t, rv) in table_lists.items():  # the first list of a collection rebuilt from other exchanges
        rebuilt = cols.get(path)
        if rebuilt is not None and (rebuilt.first_list is None or t < rebuilt.first_list[0]):
            rebuilt.first_list = (t, rv)
    return cols


def _from(start: int, progress: Callable[[int, int], None], total: int) -> Callable[[int], None]:
    """Progress through one exchange's frames, as progress through all of them."""
    return lambda j: progress(min(start + j, total - 1), total)


def _collect_list(col: _Collector, ex: Exchange, info: RequestInfo, doc: Any, rv: int | None) -> None:
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
    if rv is None:
        return
    if col.first_list is None:
        col.first_list = (t, rv)
    params = ex.request.query
    paged = "continue=" in params or bool((doc.get("metadata") or {}).get("continue"))
    filtered = "labelSelector=" in params or "fieldSelector=" in params
    if not paged and not filtered:  # only a whole list proves that an absent object was deleted
        col.snapshots.append((t, rv, info.namespace, keys))


_OBJECT_AT = re.compile(rb'^\{"type":"[A-Z]+","object":(?=\{"kind":"[^"]*","apiVersion":")')
BURST_GAP = 0.1  # seconds between two events of the initial burst, which the apiserver writes back to back
_CHANGE_TYPES = frozenset(t.encode() for t in TYPE_CODE)


def _object_ref(raws: Raws, frames: Frames, k: int, at: int) -> tuple[int, int]:
    """(ref, size) of the object in event line k, which starts at `at` and ends before the line's "}\\n"."""
    size = frames.lengths[k] - at - 2
    off = frames.offsets[k]
    return (off + at if off >= 0 else raws.keep(frames.data(k)[at:-2])), size


def _collect_watch(col: _Collector, ex: Exchange, marks: list[tuple[float, int]],
                   passed: Callable[[int], None] | None = None) -> None:
    """Watch events are changes; the initial ADDED burst of an RV-less watch is a snapshot; bookmarks say
    where the cluster's resourceVersion was.

    The burst is recognised as the apiserver sends it: ADDED events first, back to back, in key order
    (namespace/name, as the watch cache lists them). The first event out of that pattern is live.
    """
    assert ex.response is not None
    rv_less = "resourceVersion=" not in ex.request.query or "resourceVersion=0" in ex.request.query
    gone = LEFT if may_leave(ex.request.query, ex.info.resource, ex.info.group) else "DELETED"
    in_burst = rv_less and col.first_watch_t is None
    last_t, last_key = ex.response.t, ("", "")
    frames = ex.frames
    offsets, lengths = frames.offsets, frames.lengths
    match, observations, keys = APISERVER_EVENT.match, col.observations, col.keys
    pb = _protobuf(ex)
    for k, t, data in frames.timed(passed):
        # The usual event, inline: a change in the apiserver's encoding whose bytes are in the file.
        m = match(data) if not pb and data[-2:] == b"}\n" and offsets[k] >= 0 else None
        if m is not None and (typ := m[1]) in _CHANGE_TYPES and (rvb := m[5]) and m[2] != b"Status":
            rv = int(rvb)
            ns, name = m[4] or b"", m[3] or b""
            key = keys.get((ns, name))
            if key is None:
                key = keys[ns, name] = (ns.decode(), name.decode())
                col.namespaced |= bool(ns)
            if not col.kind and m[2]:
                col.kind = m[2].decode()
            at = m.end()
            seen_as = gone if typ == b"DELETED" else ""
            o = observations.get((rv, key))
            if o is None:
                observations[rv, key] = _Draft(rv, t, seen_as, key, offsets[k] + at, lengths[k] - at - 2)
            else:
                _merge(o, t, seen_as, offsets[k] + at, lengths[k] - at - 2)
            added: int | None = rv if typ == b"ADDED" else None
        else:
            seen = _observe_frame(col, data, t, marks, gone) if pb else _observe_event(col, frames, k, data, t, marks,
                                                                                         gone)
            if seen is None:
                continue
            added = seen[1] if seen[0] == "ADDED" else None
            key = seen[2]
        if col.first_watch_t is None:
            col.first_watch_t = t
        if in_burst:
            in_burst = added is not None and t - last_t < BURST_GAP and key > last_key
            if added is not None and in_burst:
                col.burst_rv = max(col.burst_rv or 0, added)
                last_t, last_key = t, key


def _observe_event(col: _Collector, frames: Frames, k: int, data: bytes, t: float,
                   marks: list[tuple[float, int]], gone: str) -> tuple[str, int | None, Key] | None:
    """Note event line k (a DELETED as `gone`); (type, resourceVersion, key) for a change, None for
    anything else."""
    ident = identity(data) if data.endswith(b"}\n") else None
    if ident is not None and ident.kind != "Status" and ident.resource_version:
        if ident.type == "BOOKMARK":
            marks.append((t, int(ident.resource_version)))
            return None
        if ident.type not in TYPE_CODE:
            return None
        rv, key = int(ident.resource_version), (ident.namespace, ident.name)
        if ident.kind and not col.kind:
            col.kind = ident.kind
        seen_as = gone if ident.type == "DELETED" else ""
        col.seen(rv, key, t, seen_as, *_object_ref(col.raws, frames, k, ident.object_at))
        return ident.type, rv, key
    try:  # another encoding: decode it
        ev = json.loads(data)
    except ValueError:
        return None
    m = _OBJECT_AT.match(data)
    raw = _object_ref(col.raws, frames, k, m.end()) if m is not None and data.endswith(b"}\n") else None
    return _observe_decoded(col, ev, t, marks, gone, raw)


def _observe_decoded(col: _Collector, ev: Any, t: float, marks: list[tuple[float, int]], gone: str,
                     raw: tuple[int, int] | None) -> tuple[str, int | None, Key] | None:
    """An event read into JSON form; `raw`: where its object's bytes are, if in the apiserver's encoding."""
    if not isinstance(ev, dict):
        return None
    typ, obj = ev.get("type"), ev.get("object")
    if typ == "BOOKMARK":
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            marks.append((t, int(obj["metadata"]["resourceVersion"])))  # type: ignore[index]
        return None
    if typ not in TYPE_CODE:
        return None
    observed = col.observe(obj, t, gone if typ == "DELETED" else "", raw)
    meta = (obj.get("metadata") if isinstance(obj, dict) else None) or {}
    return str(typ), observed, (str(meta.get("namespace") or ""), str(meta.get("name") or ""))


def _observe_frame(col: _Collector, data: bytes, t: float, marks: list[tuple[float, int]],
                   gone: str) -> tuple[str, int | None, Key] | None:
    """A protobuf watch frame (recorded under --keep-protobuf), read as the event the apiserver's JSON is."""
    try:
        ev = protobuf.decode_watch_frame(data)
    except (ValueError, RecursionError):
        return None
    return _observe_decoded(col, ev, t, marks, gone, None)


def _baseline(col: _Collector) -> int:
    if col.first_list is not None and (col.first_watch_t is None or col.first_list[0] <= col.first_watch_t):
        return col.first_list[1]
    if col.burst_rv is not None:
        return col.burst_rv
    rvs = [rv for rv, _ in col.observations]
    return min(rvs) - 1 if rvs else 0


def _changes(col: _Collector) -> Changes:
    observations = col.observations
    obs = [observations[k] for k in sorted(observations)]  # by (rv, key), compared in C
    baseline = _baseline(col)
    # Deletions nobody saw live: an object in the state before a complete snapshot but absent from it.
    drafts: list[_Draft] = []
    latest: dict[Key, _Draft] = {}
    snaps = sorted(col.snapshots)
    si = 0
    raws = col.raws

    def apply_snapshot(t: float, rv: int, ns: str, keys: set[Key]) -> None:
        for key, ch in list(latest.items()):
            if ch.type != "DELETED" and (not ns or key[0] == ns) and key not in keys and ch.rv <= rv:
                # A DELETED event carries the last state with the deletion's resourceVersion.
                last = json.loads(raws.get(ch.ref, ch.size))
                raw = go_json({**last, "metadata": {**last.get("metadata", {}), "resourceVersion": str(rv)}})
                add(_Draft(rv, t, "DELETED", key, raws.keep(raw), len(raw)))

    def add(ch: _Draft) -> None:
        prev = latest.get(ch.key)
        ch.prev = prev
        if ch.type == LEFT:  # nothing else saw it: a deletion, the likelier of the two
            ch.type = "DELETED"
        elif ch.type != "DELETED":
            ch.type = "MODIFIED" if prev is not None and prev.type != "DELETED" else "ADDED"
        latest[ch.key] = ch
        drafts.append(ch)

    for o in obs:
        while si < len(snaps) and snaps[si][1] < o.rv:
            apply_snapshot(*snaps[si])
            si += 1
        add(o)
    for s in snaps[si:]:
        apply_snapshot(*s)
    drafts.sort(key=attrgetter("rv"))
    del obs
    observations.clear()  # before the columns are built: a large history has millions of them
    return _columns(drafts, raws, baseline)


def _columns(drafts: list[_Draft], raws: Raws, baseline: int) -> Changes:
    """Freeze the drafts. Times: the suffix minimum of observation times, and everything up to the
    baseline exists from the start."""
    out = Changes(raws)
    out.rvs.extend(map(attrgetter("rv"), drafts))
    floors = list(accumulate(map(attrgetter("t"), reversed(drafts)), min))
    floors.reverse()
    existing = bisect_right(out.rvs, baseline)  # drafts are in RV order
    out.times.extend(repeat(0.0, existing))
    out.times.extend(floors[existing:])
    for i, d in enumerate(drafts):
        d.i = i
    key_ids: dict[Key, int] = {}
    for d in drafts:
        out.types.append(TYPE_CODE[d.type])
        out.key_ids.append(key_ids.setdefault(d.key, len(key_ids)))
        out.prevs.append(d.prev.i if d.prev is not None else -1)
        out.refs.append(d.ref)
        out.sizes.append(d.size)
    out.keys = list(key_ids)
    return out


@dataclass
class Rebuilt:
    """Everything emulate derives from a recording: per collection path (e.g. /api/v1/pods) the history,
    and (time, resourceVersion) marks that say "the cluster was at least at this RV then" (list RVs and
    bookmarks of every resource, since a resourceVersion is global to the cluster)."""

    timelines: dict[str, ResourceTimeline]
    marks: list[tuple[float, int]]
    raws: Raws


def build(loaded: Loaded, progress: Callable[[int, int], None] | None = None) -> Rebuilt:
    """`progress(frames gone through, frames)`: (0, n) first, (n, n) once the history is complete (putting
    the versions in order takes a quarter of the time after the last frame)."""
    raws = Raws(loaded.source)
    marks: list[tuple[float, int]] = []
    out: dict[str, ResourceTimeline] = {}
    total = sum(len(e.frames) for e in loaded.exchanges.values())
    for path, col in _collect(loaded, raws, marks, progress, total).items():
        info = col.info
        out[path] = ResourceTimeline(info.group, info.version, info.resource, col.kind, col.namespaced,
                                     _changes(col), _baseline(col), col.metadata_only)
    if progress is not None:
        progress(total, total)
    return Rebuilt(out, sorted(marks), raws)


_SAVED_VERSION = 4  # of the rebuilding rules: a saved timeline from other rules is rebuilt (4: metadata_only)


def to_saved(r: Rebuilt) -> dict[str, Any]:
    return {"rules": _SAVED_VERSION, "byteorder": sys.byteorder, "kept": bytes(r.raws.kept),
            "marks": [list(m) for m in r.marks],
            "timelines": {p: {"group": tl.group, "version": tl.version, "resource": tl.resource, "kind": tl.kind,
                              "namespaced": tl.namespaced, "baseline_rv": tl.baseline_rv,
                              "metadata_only": tl.metadata_only, "changes": tl.changes.to_saved()}
                          for p, tl in r.timelines.items()}}


def from_saved(loaded: Loaded, doc: dict[str, Any]) -> Rebuilt:
    """Raises (anything) on a malformed or outdated entry; the caller then rebuilds."""
    if doc["rules"] != _SAVED_VERSION or doc["byteorder"] != sys.byteorder:
        raise ValueError("saved by other rules")
    raws = Raws(loaded.source, doc["kept"])
    timelines = {str(p): ResourceTimeline(str(d["group"]), str(d["version"]), str(d["resource"]), str(d["kind"]),
                                          bool(d["namespaced"]), Changes.from_saved(raws, d["changes"]),
                                          int(d["baseline_rv"]), bool(d["metadata_only"]))
                 for p, d in doc["timelines"].items()}
    return Rebuilt(timelines, [(float(t), int(rv)) for t, rv in doc["marks"]], raws)


def rebuild(loaded: Loaded, progress: Callable[[int, int], None] | None = None) -> Rebuilt:
    """The rebuilt history: prepared at the end of the recording, else from the cache when it was saved for
    this very recording, else rebuilt, which takes a while for millions of events: someone may be waiting,
    `progress` tells (see `build`)."""
    return prepared.derived(loaded.path, "timeline", lambda doc: from_saved(loaded, doc),
                            lambda: build(loaded, progress), to_saved)
