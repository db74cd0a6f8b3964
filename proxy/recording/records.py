"""The records of a recording and their msgpack map form.

A recording is a msgpack stream of maps with string keys: one header, then records tagged with `kind` and
the exchange id `ex` they belong to. Times `t` are seconds since the recording started, on a monotonic
clock, so the timing of every watch event survives wall-clock jumps. See recordings/README.md.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from typing import Any

FORMAT = "watchproxy-recording"
VERSION = 2  # 2: `frames` records (several frames of one read in one record); see recordings/README.md

Headers = tuple[tuple[str, str], ...]


class EndHow(enum.StrEnum):
    """How an exchange ended; replay ends it the same way."""

    COMPLETE = "complete"  # a whole, non-streaming response was delivered
    SERVER_CLOSED = "server-closed"  # a stream the server ended cleanly (terminating chunk)
    CLIENT_CLOSED = "client-closed"  # the client went away first
    UPSTREAM_ERROR = "upstream-error"  # reset, truncated body, unreachable: `error` says which
    NOT_FORWARDED = "not-forwarded"  # the proxy refused it (policy, recording unwritable)


@dataclass(frozen=True, slots=True)
class Header:
    started_at: str  # UTC wall clock, ISO 8601 with Z
    upstream: str = ""
    upstream_version: str = ""
    redactions: tuple[str, ...] = ()
    synthesized: bool = False
    generator: str = "watchproxy"
    meta: dict[str, Any] = field(default_factory=dict)
    version: int = VERSION

    def to_wire(self) -> dict[str, Any]:
        return {
            "kind": "header",
            "format": FORMAT,
            "version": self.version,
            "started_at": self.started_at,
            "upstream": {"server": self.upstream, "version": self.upstream_version},
            "redactions": list(self.redactions),
            "synthesized": self.synthesized,
            "generator": self.generator,
            "meta": self.meta,
        }


@dataclass(frozen=True, slots=True)
class Request:
    ex: int
    t: float
    method: str
    path: str
    query: str  # the raw query string, without '?'
    headers: Headers = ()
    body: bytes = b""
    conn: int = 0  # the client connection it came on (1, 2, … in the order they opened); 0: not known

    def to_wire(self) -> dict[str, Any]:
        m = {"kind": "request", "ex": self.ex, "t": self.t, "method": self.method, "path": self.path,
             "query": self.query, "headers": [list(h) for h in self.headers], "body": self.body}
        if self.conn:
            m["conn"] = self.conn
        return m

    def header(self, name: str, default: str = "") -> str:
        return header_value(self.headers, name, default)


@dataclass(frozen=True, slots=True)
class Response:
    ex: int
    t: float
    status: int
    reason: str
    headers: Headers = ()

    def to_wire(self) -> dict[str, Any]:
        return {"kind": "response", "ex": self.ex, "t": self.t, "status": self.status,
                "reason": self.reason, "headers": [list(h) for h in self.headers]}

    def header(self, name: str, default: str = "") -> str:
        return header_value(self.headers, name, default)


@dataclass(frozen=True, slots=True)
class Frame:
    """One watch event (a whole JSON line or protobuf frame) or, for other bodies, one piece as received."""

    ex: int
    t: float
    data: bytes

    def to_wire(self) -> dict[str, Any]:
        return {"kind": "frame", "ex": self.ex, "t": self.t, "data": self.data}


@dataclass(frozen=True, slots=True)
class End:
    ex: int
    t: float
    how: EndHow
    error: str = ""

    def to_wire(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": "end", "ex": self.ex, "t": self.t, "how": str(self.how)}
        if self.error:
            d["error"] = self.error
        return d


@dataclass(frozen=True, slots=True)
class FrameBatch:
    """Several frames of one exchange that arrived in one socket read, as one `frames` record (version 2):
    one record and one msgpack call per read instead of one per event. Means exactly what one Frame per
    piece of `data` (cut at `sizes`), all at time `t`, means; readers hand those Frames on."""

    ex: int
    t: float
    sizes: list[int]  # each > 0, summing to len(data)
    data: bytes

    def to_wire(self) -> dict[str, Any]:
        return {"kind": "frames", "ex": self.ex, "t": self.t, "sizes": self.sizes, "data": self.data}

    def frames(self) -> list[Frame]:
        ex, t = self.ex, self.t
        return [Frame(ex, t, piece) for piece in cut(self.data, self.sizes)]


def cut(data: bytes, sizes: list[int]) -> list[bytes]:
    """`data` cut into pieces of `sizes` (a `frames` record's frames)."""
    return [data[a:b] for a, b in pairwise(accumulate(sizes, initial=0))]


Record = Request | Response | Frame | End


def header_value(headers: Headers, name: str, default: str = "") -> str:
    lname = name.lower()
    for k, v in headers:
        if k.lower() == lname:
            return v
    return default


class _Invalid(ValueError):
    pass


def _describe(v: Any) -> str:
    """A short description of a decoded value for a message: never the repr of a deep or huge structure
    (a corrupt file can nest 1000 levels, and repr would raise RecursionError)."""
    if v is None or isinstance(v, str | bytes | int | float):
        r = repr(v)
        return r if len(r) <= 80 else r[:77] + "..."
    return f"a {type(v).__name__}"


def _scalar_str(key: str, v: Any) -> str:
    if isinstance(v, dict | list):
        raise _Invalid(f"header field {key!r} is a {type(v).__name__}, not a string")
    return "" if v is None else str(v)


def _get(m: dict[str, Any], key: str, typ: type | tuple[type, ...], default: Any = ...) -> Any:
    if key not in m:
        if default is ...:
            raise _Invalid(f"{m.get('kind', '?')} record lacks {key!r}")
        return default
    v = m[key]
    if typ is float and isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
        raise _Invalid(f"{m.get('kind', '?')} record field {key!r} has type {type(v).__name__}")
    return v


def _headers(m: dict[str, Any]) -> Headers:
    raw = _get(m, "headers", list, [])
    out = []
    for h in raw:
        if not (isinstance(h, list) and len(h) == 2 and isinstance(h[0], str) and isinstance(h[1], str)):
            raise _Invalid(f"{m.get('kind')} record has a malformed header entry")
        out.append((h[0], h[1]))
    return tuple(out)


def _time(m: dict[str, Any]) -> float:
    t: float = _get(m, "t", float)
    if not (t >= 0.0 and t < 1e12):  # also false for NaN
        raise _Invalid(f"{m.get('kind')} record has an impossible time {t!r}")
    return t


def _ex(m: dict[str, Any]) -> int:
    ex: int = _get(m, "ex", int)
    if ex < 0:
        raise _Invalid(f"{m.get('kind')} record has a negative exchange id")
    return ex


def _sizes(m: dict[str, Any], data: bytes) -> list[int]:
    sizes: list[int] = _get(m, "sizes", list)
    if not sizes:
        raise _Invalid("corrupt data: a frames record with no sizes")
    if set(map(type, sizes)) != {int}:  # in C: no bool, float or other value among them
        bad = next(s for s in sizes if type(s) is not int)
        raise _Invalid(f"corrupt data: a frames record with a size of type {type(bad).__name__}")
    if min(sizes) <= 0:
        raise _Invalid(f"corrupt data: a frames record with a size of {min(sizes)} (a frame has at least one byte)")
    if sum(sizes) != len(data):
        raise _Invalid(f"corrupt data: a frames record whose sizes add up to {sum(sizes)} bytes, "
                      f"its data holds {len(data)}")
    return sizes


def _frame_batch(m: dict[str, Any]) -> FrameBatch:
    ex, t, sizes, data = m.get("ex"), m.get("t"), m.get("sizes"), m.get("data")
    if type(ex) is int and ex >= 0 and type(t) is float and 0.0 <= t < 1e12 and type(data) is bytes \
            and type(sizes) is list and sizes and set(map(type, sizes)) == {int} and min(sizes) > 0 \
            and sum(sizes) == len(data):
        return FrameBatch(ex, t, sizes, data)  # as watchproxy writes them: checked in a few C calls
    data = _get(m, "data", bytes)
    return FrameBatch(_ex(m), _time(m), _sizes(m, data), data)


def record_from_wire(m: Any) -> Record | FrameBatch:
    """Decode one record map; raises ValueError with a readable reason for anything malformed. A `frames`
    record comes back as a FrameBatch, which readers expand (see RecordingReader.records)."""
    if not isinstance(m, dict):
        raise _Invalid(f"expected a map, found {type(m).__name__}")
    kind = m.get("kind")
    if kind == "frame":
        ex, t, data = m.get("ex"), m.get("t"), m.get("data")
        if type(ex) is int and ex >= 0 and type(t) is float and 0.0 <= t < 1e12 and type(data) is bytes:
            return Frame(ex, t, data)  # the shape of nearly every record: checked without the general path
        return Frame(_ex(m), _time(m), _get(m, "data", bytes))
    if kind == "frames":
        return _frame_batch(m)
    if kind == "request":
        conn = _get(m, "conn", int, 0)
        if conn < 0:
            raise _Invalid(f"request record has a negative connection {conn}")
        return Request(_ex(m), _time(m), _get(m, "method", str), _get(m, "path", str),
                       _get(m, "query", str, ""), _headers(m), _get(m, "body", bytes, b""), conn)
    if kind == "response":
        status = _get(m, "status", int)
        if not 100 <= status <= 999:
            raise _Invalid(f"response record has an impossible status {status}")
        return Response(_ex(m), _time(m), status, _get(m, "reason", str, ""), _headers(m))
    if kind == "end":
        how = _get(m, "how", str)
        try:
            end_how = EndHow(how)
        except ValueError:
            raise _Invalid(f"end record has an unknown ending {_describe(how)}") from None
        return End(_ex(m), _time(m), end_how, _get(m, "error", str, ""))
    raise _Invalid(f"unknown record kind {_describe(kind)}")


MAX_META_DEPTH = 32  # watchproxy writes two levels; far deeper is a corrupt file, and breaks json.dumps


def _depth(value: Any) -> int:
    """How deeply lists and maps nest in `value`, without recursion (a hostile file nests thousands)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        v, d = todo.pop()
        if isinstance(v, dict):
            v = list(v.values())
        if isinstance(v, list | tuple):
            if d > MAX_META_DEPTH:
                return d
            deepest = max(deepest, d)
            todo.extend((x, d + 1) for x in v)
    return deepest


def header_from_wire(m: Any) -> Header:
    if not isinstance(m, dict) or m.get("format") != FORMAT or m.get("kind") != "header":
        raise _Invalid("not a watchproxy recording (no watchproxy header at the start)")
    up = m.get("upstream") or {}
    if not isinstance(up, dict):
        raise _Invalid("header field 'upstream' is not a map")
    redactions = _get(m, "redactions", list, [])
    meta = _get(m, "meta", dict, {})
    if _depth(meta) > MAX_META_DEPTH:
        raise _Invalid(f"header field 'meta' is nested more than {MAX_META_DEPTH} levels deep")
    return Header(
        started_at=_get(m, "started_at", str, ""),
        upstream=_scalar_str("upstream.server", up.get("server") or ""),
        upstream_version=_scalar_str("upstream.version", up.get("version") or ""),
        redactions=tuple(_scalar_str("redactions", r) for r in redactions),
        synthesized=bool(m.get("synthesized", False)),
        generator=_scalar_str("generator", m.get("generator", "")),
        meta=meta,
        version=_get(m, "version", int),
    )
