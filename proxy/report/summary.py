"""One streaming pass over a recording that yields everything `inspect` shows, in constant memory per
exchange (never per event), so a recording of millions of events summarises quickly."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..recording.reader import RecordingReader
from ..recording.records import End, Frame, Header, Record, Request, Response
from ..wire import protobuf
from ..wire.events import apiserver_event
from ..wire.match import representation
from ..wire.request import classify
from .words import plural

_TYPE = re.compile(rb'^\{"type":"([A-Z]+)"')
_RV = re.compile(rb'"resourceVersion":"(\d+)"')


def event_type(data: bytes) -> str:
    """The event type of a watch frame: a JSON line's (it leads the line in the apiserver's encoding; another
    encoder's line is decoded) or a protobuf frame's; "FRAME" for anything else (a piece of a body)."""
    typ = line_type(data) if data[:1] != b"\x00" else protobuf.watch_frame_type(data)
    if typ is not None:
        return typ
    if data.lstrip()[:1] == b"{":
        try:
            return doc_type(json.loads(data))
        except (ValueError, RecursionError):
            pass
    return "FRAME"


def line_type(data: bytes) -> str | None:
    """The event type where encoders of watch events put it, at the start of the line; None if not there."""
    m = _TYPE.match(data)
    if m:
        return m.group(1).decode()
    m2 = re.search(rb'"type"\s*:\s*"([A-Z]+)"', data[:200])
    return m2.group(1).decode() if m2 else None


def doc_type(doc: Any) -> str:
    """The event type of a decoded watch event, "FRAME" if it has none."""
    typ = doc.get("type") if isinstance(doc, dict) else None
    return typ if isinstance(typ, str) and typ else "FRAME"


def kind_of(method: str, path: str, query: str) -> str:
    info = classify(method, path, query)
    if not info.is_resource:
        p = path.rstrip("/")
        if p in ("/api", "/apis", "/version") or p.startswith(("/api/", "/apis/", "/openapi")):
            return "discovery"
        return "other"
    return info.verb if info.verb in ("list", "watch", "get") else "other"


@dataclass
class ExchangeSummary:
    id: int
    method: str
    path: str
    query: str
    kind: str
    resource: str
    representation: str
    start: float
    status: int | None = None
    events: Counter[str] = field(default_factory=Counter)
    frames: int = 0
    bytes: int = 0
    first_rv: int | None = None
    last_rv: int | None = None
    end: str = "open"
    end_error: str = ""
    end_t: float | None = None
    last_t: float = 0.0
    conn: int = 0  # the client connection (0: the recording does not say)
    agent: str = ""  # the client's User-Agent

    @property
    def client(self) -> str:
        """Who asked: the connection when the recording numbers them, else the User-Agent."""
        return f"connection {self.conn}" if self.conn else self.agent

    @property
    def duration(self) -> float:
        return (self.end_t if self.end_t is not None else self.last_t) - self.start

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "method": self.method, "path": self.path, "query": self.query,
                "kind": self.kind, "resource": self.resource, "representation": self.representation,
                "start": round(self.start, 6), "status": self.status, "events": dict(self.events),
                "frames": self.frames, "bytes": self.bytes, "first_rv": self.first_rv,
                "last_rv": self.last_rv, "end": self.end, "end_error": self.end_error,
                "end_t": None if self.end_t is None else round(self.end_t, 6),
                "duration": round(self.duration, 6)}


@dataclass
class Summary:
    path: str
    size: int
    header: Header
    exchanges: dict[int, ExchangeSummary]
    records: int
    duration: float
    torn_tail: str | None

    def by_kind(self) -> Counter[str]:
        return Counter(e.kind for e in self.exchanges.values())

    @property
    def watches(self) -> list[ExchangeSummary]:
        return [e for e in self.exchanges.values() if e.kind == "watch"]

    def to_json(self) -> dict[str, Any]:
        h = self.header
        return {
            "path": self.path, "size": self.size, "version": h.version, "started_at": h.started_at,
            "upstream": h.upstream, "upstream_version": h.upstream_version, "synthesized": h.synthesized,
            "redactions": list(h.redactions), "records": self.records, "duration": round(self.duration, 6),
            "torn_tail": self.torn_tail, "exchanges_by_kind": dict(self.by_kind()),
            "events_by_type": dict(sum((e.events for e in self.watches), Counter())),
            "exchanges": [e.to_json() for e in self.exchanges.values()],
        }


def _summarize_one(rec: Record, exchanges: dict[int, ExchangeSummary]) -> None:
    if isinstance(rec, Frame):
        ex = exchanges.get(rec.ex)
        if ex is None:
            return
        ex.frames += 1
        ex.bytes += len(rec.data)
        ex.last_t = rec.t
        if ex.kind == "watch" and ex.status == 200:
            m = apiserver_event(rec.data)
            if m is not None and m[5]:
                typ, rv_text = m[1].decode(), m[5]
            else:
                found = _RV.search(rec.data)
                typ, rv_text = event_type(rec.data), (found[1] if found else b"")
            ex.events[typ] += 1
            if rv_text:
                rv = int(rv_text)
                ex.first_rv = rv if ex.first_rv is None else ex.first_rv
                ex.last_rv = rv
    elif isinstance(rec, Request):
        exchanges[rec.ex] = ExchangeSummary(
            rec.ex, rec.method, rec.path, rec.query, kind_of(rec.method, rec.path, rec.query),
            classify(rec.method, rec.path, rec.query).gvr, representation(rec.header("Accept")),
            rec.t, last_t=rec.t, conn=rec.conn, agent=rec.header("User-Agent"))
    elif isinstance(rec, Response):
        if rec.ex in exchanges:
            exchanges[rec.ex].status = rec.status
    elif isinstance(rec, End) and rec.ex in exchanges:
        ex = exchanges[rec.ex]
        ex.end, ex.end_error, ex.end_t = str(rec.how), rec.error, rec.t


def summarize(path: str | os.PathLike[str],
              observe: Callable[[Record, dict[int, ExchangeSummary]], object] | None = None) -> Summary:
    """One pass; `observe(record, exchanges so far)` sees every record too, for more statistics at no
    extra read."""
    exchanges: dict[int, ExchangeSummary] = {}
    last = 0.0
    with RecordingReader(path) as reader:
        for rec in reader.records():
            last = rec.t if rec.t > last else last
            _summarize_one(rec, exchanges)
            if observe is not None:
                observe(rec, exchanges)
        return Summary(str(path), reader.size, reader.header, exchanges, reader.records_read, last,
                       reader.torn_tail_message())


def human_duration(s: float) -> str:
    if s < 60:
        return f"{s:.1f}s"
    m, sec = divmod(s, 60)
    if m < 60:
        return f"{int(m)}m{sec:04.1f}s"
    h, m = divmod(int(m), 60)
    return f"{h}h{m:02d}m{sec:02.0f}s"


def render_text(s: Summary) -> str:
    h = s.header
    lines = [s.path]
    origin = "synthesized" if h.synthesized else f"recorded from {h.upstream or '?'}"
    if h.upstream_version:
        origin += f" ({h.upstream_version})"
    lines.append(f"  format v{h.version}, {origin}, started {h.started_at or '?'}")
    kinds = s.by_kind()
    lines.append(f"  duration {human_duration(s.duration)}, {plural(len(s.exchanges), 'exchange')} ("
                 + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + f"), {s.size:,} bytes")
    total = sum((e.events for e in s.watches), Counter())
    if total:
        lines.append("  events: " + ", ".join(f"{t} {n}" for t, n in sorted(total.items())))
    if h.redactions:
        lines.append("  redacted: " + "; ".join(h.redactions))
    if s.torn_tail:
        lines.append(f"  warning: {s.torn_tail}")
    if s.watches:
        lines.append("watches:")
        for w in s.watches:
            q = f"?{w.query}" if w.query else ""
            ev = " ".join(f"{t} {n}" for t, n in sorted(w.events.items())) or "no events"
            ending = w.end + (f" ({w.end_error})" if w.end_error else "")
            lines.append(f"  #{w.id} at {human_duration(w.start)}: {w.method} {w.path}{q}")
            lines.append(f"      status {w.status}, {ev}; ended {ending} after {human_duration(w.duration)}")
    return "\n".join(lines)
