"""Tables for `watchproxy inspect`: per resource, per watch, and a filtered event listing.

`summary.py` answers "what exchanges are in this file" in one pass; this module answers "what happened to
the objects" and "how did each watch go", which needs the event bodies. Everything streams the recording
again rather than keeping events: memory grows with the number of exchanges and distinct objects, never
with the number of events, so an hour-long recording costs the same as a minute of it per object.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..recording.reader import RecordingReader
from ..recording.records import End, Frame, Record, Request, Response
from ..wire import protobuf
from ..wire.events import apiserver_event
from ..wire.match import normalized_query
from ..wire.params import first_values, query_pairs
from .summary import ExchangeSummary, Summary, doc_type, human_duration, line_type, render_text

EVENT_TYPES = ("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR")
_ABBREV = {"ADDED": "A", "MODIFIED": "M", "DELETED": "D", "BOOKMARK": "B", "ERROR": "E"}
LABEL_LIMIT = 60


@dataclass(frozen=True, slots=True)
class Filter:
    """What `inspect --path/--resource/--since/--until` keeps; shared by tables, event list and timeline so
    the three views of one command line always describe the same slice of the recording."""

    path_prefix: str = ""
    resource: str = ""
    since: float | None = None
    until: float | None = None

    @classmethod
    def from_args(cls, args: Any) -> Filter:
        return cls(getattr(args, "path", None) or "", getattr(args, "resource", None) or "",
                   getattr(args, "since", None), getattr(args, "until", None))

    @property
    def active(self) -> bool:
        return bool(self.path_prefix or self.resource or self.since is not None or self.until is not None)

    def exchange_ok(self, ex: ExchangeSummary, recording_end: float | None = None) -> bool:
        """True if the exchange matches the path/resource filters and overlaps the time window."""
        if self.path_prefix and not ex.path.startswith(self.path_prefix):
            return False
        if self.resource and not resource_matches(ex.resource, self.resource):
            return False
        end = ex.end_t if ex.end_t is not None else (recording_end if recording_end is not None
                                                     else ex.last_t)
        if self.until is not None and ex.start > self.until:
            return False
        return not (self.since is not None and end < self.since)

    def time_ok(self, t: float) -> bool:
        return (self.since is None or t >= self.since) and (self.until is None or t <= self.until)

    def describe(self) -> str:
        parts = []
        if self.path_prefix:
            parts.append(f"path {self.path_prefix}*")
        if self.resource:
            parts.append(f"resource {self.resource}")
        if self.since is not None or self.until is not None:
            lo = human_duration(self.since) if self.since is not None else "start"
            hi = human_duration(self.until) if self.until is not None else "end"
            parts.append(f"time {lo}..{hi}")
        return ", ".join(parts)


def resource_matches(gvr: str, name: str) -> bool:
    """`pods`, `deployments`, `deployments.apps` and `apps/v1 deployments` all name the same thing; users
    type whichever they remember, so accept each spelling of the summary's gvr."""
    if not gvr:
        return False
    n = name.strip().lower()
    g = gvr.strip().lower()
    if not g:
        return False
    plural = g.split()[-1]
    group = g.split()[0].split("/")[0] if " " in g else ""
    return n in (g, plural, f"{plural}.{group}" if group else plural)


def shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    """Cut the middle out, not the end: the path start and the query end (selectors) both identify a
    request, and a lane label must fit one line."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 3 // 5
    return text[:head] + "…" + text[len(text) - (limit - 1 - head):]


def request_label(method: str, path: str, query: str, limit: int = LABEL_LIMIT) -> str:
    return shorten(f"{method} {path}" + (f"?{query}" if query else ""), limit)


def overview_lines(s: Summary) -> list[str]:
    """The head of `render_text` (file, format, duration, counts, redactions, warnings) without its watch
    listing, which the richer per-watch table replaces: reusing it keeps both outputs word-for-word the same
    where they overlap."""
    out = []
    for line in render_text(s).splitlines():
        if line == "watches:":
            break
        out.append(line)
    return out


def _events_cell(events: Counter[str]) -> str:
    parts = [f"{_ABBREV[t]}:{events[t]}" for t in EVENT_TYPES if events.get(t)]
    parts += [f"{t}:{n}" for t, n in sorted(events.items()) if t not in _ABBREV and n]
    return " ".join(parts) or "-"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], indent: str = "  ") -> list[str]:
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) if rows else len(header[i])
              for i in range(len(header))]
    def fmt(cells: tuple[str, ...]) -> str:
        return indent + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
    return [fmt(header)] + [fmt(r) for r in rows]


def watch_rows(s: Summary, flt: Filter) -> list[ExchangeSummary]:
    return [w for w in s.watches if flt.exchange_ok(w, s.duration)]


def render_watches(s: Summary, flt: Filter) -> list[str]:
    """One line per watch: when, what, from which resourceVersion, how many events, and how and after how
    long it ended: the numbers that show whether a client reconnects as it should. The query is shown
    without resourceVersion and timeouts (they get a column, or are noise) so selectors stay readable."""
    ws = watch_rows(s, flt)
    if not ws:
        return ["watches: none" + (f" ({flt.describe()})" if flt.active else "")]
    rows = []
    for w in ws:
        ending = w.end + (f" ({w.end_error})" if w.end_error else "")
        asked = first_values(query_pairs(w.query)).get("resourceVersion", "-") or '""'
        label = request_label(w.method, w.path, normalized_query(w.query))
        rows.append((f"#{w.id}", human_duration(w.start), label, asked,
                     str(w.status if w.status is not None else "-"), _events_cell(w.events),
                     f"{ending} after {human_duration(w.duration)}"))
    return [f"watches ({len(ws)}; events A added, M modified, D deleted, B bookmark, E error):",
            *_table(("id", "start", "query", "from rv", "status", "events", "ended"), rows)]


@dataclass
class ResourceStats:
    """What happened to one resource type. `objects` holds one short key per distinct object: memory
    per object, not per event."""

    resource: str
    objects: set[str] = field(default_factory=set)
    events: Counter[str] = field(default_factory=Counter)
    listed: int = 0  # objects returned by list responses
    rv_min: int | None = None
    rv_max: int | None = None

    def rv(self, value: Any) -> None:
        try:
            rv = int(value)
        except (TypeError, ValueError):
            return
        if self.rv_min is None or self.rv_max is None:
            self.rv_min = self.rv_max = rv
        elif rv > self.rv_max:
            self.rv_max = rv
        elif rv < self.rv_min:
            self.rv_min = rv

    def see(self, obj: Any) -> None:
        meta = obj.get("metadata") if isinstance(obj, dict) else None
        if not isinstance(meta, dict) or not meta.get("name"):
            return
        self.objects.add(f"{meta.get('namespace') or ''}/{meta['name']}")
        self.rv(meta.get("resourceVersion"))

    def to_json(self) -> dict[str, Any]:
        return {"resource": self.resource, "objects": len(self.objects), "listed": self.listed,
                "events": dict(self.events), "rv_min": self.rv_min, "rv_max": self.rv_max}


def _json_doc(data: bytes, encoding: str) -> Any:
    if encoding == "gzip":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return None
    try:
        if data.startswith(protobuf.MAGIC):  # (--keep-protobuf)
            return protobuf.decode(data)
        if data.lstrip()[:1] not in (b"{", b"["):
            return None
        return json.loads(data)
    except (ValueError, RecursionError):  # nested too deeply for Python's parser: not a document here
        return None


def _list_objects(doc: Any) -> list[Any]:
    """Objects of a list response, or of a Table (rows carry PartialObjectMetadata when asked for)."""
    if not isinstance(doc, dict):
        return []
    if isinstance(doc.get("items"), list):
        return list(doc["items"])
    if doc.get("kind") == "Table" and isinstance(doc.get("rows"), list):
        return [r.get("object") for r in doc["rows"] if isinstance(r, dict)]
    return []


class EventRow(NamedTuple):
    """One watch event as `inspect` lists it. A tuple, not a dataclass: one is made per event of a
    recording of millions, and a frozen dataclass takes several times as long to build."""

    t: float
    ex: int
    type: str
    kind: str
    namespace: str
    name: str
    rv: str
    detail: str = ""

    def text(self) -> str:
        who = f"{self.namespace}/{self.name}" if self.namespace else self.name
        obj = " ".join(p for p in (self.kind, who) if p)
        line = f"  {human_duration(self.t):>10}  #{self.ex:<4} {self.type:<9} {obj or '-'}"
        if self.rv:
            line += f"  rv {self.rv}"
        return line + (f"  {self.detail}" if self.detail else "")

    def to_json(self) -> dict[str, Any]:
        return {"t": round(self.t, 6), "ex": self.ex, "type": self.type, "kind": self.kind,
                "namespace": self.namespace, "name": self.name, "rv": self.rv, "detail": self.detail}


def _event_row(t: float, ex: int, data: bytes, resource: str) -> EventRow:
    m = apiserver_event(data)  # the apiserver's own layout, read without decoding the object
    if m is not None:
        typ_b, kind_b, name_b, ns_b, rv_b = m.groups(b"")
        if kind_b != b"Status":
            return EventRow(t, ex, typ_b.decode(), kind_b.decode() or resource, ns_b.decode(), name_b.decode(),
                            rv_b.decode())
    framed = protobuf.watch_frame_type(data)  # (--keep-protobuf)
    typ = framed or line_type(data)
    try:
        doc = protobuf.decode_watch_frame(data) if framed else json.loads(data)
    except (ValueError, RecursionError):  # nested too deeply for Python's parser: not a document here
        return EventRow(t, ex, typ or "FRAME", resource, "", "", "", f"{len(data)} bytes, not JSON")
    typ = typ or doc_type(doc)  # decoded once, here, for a line in another encoder's layout
    obj = doc.get("object") if isinstance(doc, dict) else None
    if not isinstance(obj, dict):
        return EventRow(t, ex, typ, resource, "", "", "")
    meta: dict[str, Any] = obj["metadata"] if isinstance(obj.get("metadata"), dict) else {}
    kind = str(obj.get("kind") or resource)
    detail = ""
    if kind == "Status":
        detail = f"{obj.get('code', '')} {obj.get('reason', '')}: {obj.get('message', '')}".strip()
    return EventRow(t, ex, typ, kind, str(meta.get("namespace") or ""), str(meta.get("name") or ""),
                    str(meta.get("resourceVersion") or ""), detail)


@dataclass
class _ExState:
    info: ExchangeSummary
    streaming: bool = False
    encoding: str = ""
    body: list[bytes] | None = None  # pieces of a list response, kept until it ends
    stats: ResourceStats | None = None  # its resource's, once it has had an event


class Scanner:
    """Per-resource statistics (and event rows), one record at a time, so they can be gathered in the
    same pass as the summary. List bodies are held only until their exchange ends, to count the objects
    they returned; watch events are looked at one by one."""

    def __init__(self, flt: Filter, exchanges: dict[int, ExchangeSummary] | None = None,
                 duration: float | None = None) -> None:
        self.flt = flt
        self.exchanges = exchanges if exchanges is not None else {}
        self.duration = duration
        self.resources: dict[str, ResourceStats] = {}
        self.live: dict[int, _ExState] = {}

    def _stats(self, res: str) -> ResourceStats:
        st = self.resources.get(res)
        if st is None:
            st = self.resources[res] = ResourceStats(res)
        return st

    def _finish(self, st: _ExState) -> None:
        if st.body is None:
            return
        doc = _json_doc(b"".join(st.body), st.encoding)
        st.body = None
        rs = self._stats(st.info.resource)
        objs = _list_objects(doc)
        rs.listed += len(objs)
        for o in objs:
            rs.see(o)
        if isinstance(doc, dict) and isinstance(doc.get("metadata"), dict):
            rs.rv(doc["metadata"].get("resourceVersion"))

    def feed(self, rec: Record, exchanges: dict[int, ExchangeSummary] | None = None) -> EventRow | None:
        """Take one record; returns the event row of a matching watch event."""
        if type(rec) is Frame:  # nearly every record of a long recording: looked at first
            st = self.live.get(rec.ex)
            if st is None:
                return None
            if st.body is not None:
                st.body.append(rec.data)
                return None
            if not st.streaming or not self.flt.time_ok(rec.t):
                return None
            row = _event_row(rec.t, rec.ex, rec.data, st.info.resource)
            if st.stats is None:
                st.stats = self._stats(st.info.resource)
            rs = st.stats
            rs.events[row.type] += 1
            if row.rv:
                rs.rv(row.rv)
            if row.name and row.type != "BOOKMARK" and row.type != "ERROR":
                rs.objects.add(f"{row.namespace}/{row.name}")
            return row
        if isinstance(rec, Request):
            info = (exchanges if exchanges is not None else self.exchanges).get(rec.ex)
            if info is not None and info.resource.strip() and self.flt.exchange_ok(info, self.duration):
                self.live[rec.ex] = _ExState(info)
                if info.kind in ("list", "watch"):
                    self._stats(info.resource)  # a row even if nothing came back (a denied watch)
            return None
        st = self.live.get(rec.ex)
        if st is None:
            return None
        if isinstance(rec, Response):
            st.encoding = rec.header("Content-Encoding").strip().lower()
            st.streaming = st.info.kind == "watch" and rec.status == 200
            if st.info.kind == "list" and rec.status == 200 and self.flt.time_ok(rec.t):
                st.body = []
        elif isinstance(rec, End):
            self._finish(st)
            del self.live[rec.ex]
        return None

    def finish(self) -> list[ResourceStats]:
        for st in self.live.values():  # cut off by the end of the file: count what arrived
            self._finish(st)
        self.live.clear()
        return sorted(self.resources.values(), key=lambda r: r.resource)


def scan(path: str, s: Summary, flt: Filter, *, events: bool = False) -> Iterator[EventRow | ResourceStats]:
    """A second pass over the recording: an EventRow per matching watch event (when `events`), then one
    ResourceStats per resource."""
    scanner = Scanner(flt, s.exchanges, s.duration)
    with RecordingReader(path) as reader:
        for rec in reader.records():
            row = scanner.feed(rec)
            if events and row is not None:
                yield row
    yield from scanner.finish()


def resource_stats(path: str, s: Summary, flt: Filter) -> list[ResourceStats]:
    return [r for r in scan(path, s, flt) if isinstance(r, ResourceStats)]


def render_resources(rows: list[ResourceStats], flt: Filter) -> list[str]:
    """Per resource: distinct objects seen (lists and events), events by type, resourceVersion range."""
    if not rows:
        return ["resources: none" + (f" ({flt.describe()})" if flt.active else "")]
    table = []
    for r in rows:
        rv = ("-" if r.rv_min is None
              else f"{r.rv_min}" if r.rv_min == r.rv_max else f"{r.rv_min}..{r.rv_max}")
        table.append((r.resource, str(len(r.objects)), str(r.listed),
                      *(str(r.events.get(t, 0)) for t in EVENT_TYPES), rv))
    return [f"resources ({len(rows)}):",
            *_table(("resource", "objects", "listed", *EVENT_TYPES, "rv range"), table)]
