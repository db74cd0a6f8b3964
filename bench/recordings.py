"""Recordings for the replay figures, written with msgpack directly in the documented format (header, then
request / response / frame / end maps), in large batches so that generating millions of events is quick."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import msgpack

from bench import events
from proxy.recording.records import End, EndHow, Header, Request, Response

JSON = (("Accept", "application/json"),)
WATCH_HEADERS = (("Audit-Id", "00000000-0000-0000-0000-000000000000"), ("Cache-Control", "no-cache, private"),
                 ("Content-Type", "application/json"), ("Transfer-Encoding", "chunked"))
BASE_RV = 1000
COLLECTION = "/api/v1/namespaces/bench/configmaps"
BATCH = 20_000  # records per write
LARGE_WATCHES = 4  # in `large`: successive watches, each resuming where the previous one ended


@dataclass
class Written:
    path: Path
    events: int
    raw_bytes: int  # the events' JSON bytes
    size: int  # the file's bytes


class _Out:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.f = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.packer = msgpack.Packer(use_bin_type=True)
        self.events = 0
        self.raw = 0
        header = Header(started_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC).isoformat().replace("+00:00", "Z"),
                        upstream="https://bench.invalid", upstream_version="v1.36.0-bench",
                        generator="watchproxy bench", meta={"min_request_timeout": 1800})
        self.f.write(self.packer.pack(header.to_wire()))

    def records(self, recs: Iterable[Request | Response | End]) -> None:
        self.f.write(b"".join(self.packer.pack(r.to_wire()) for r in recs))

    def frames(self, ex: int, frames: Iterator[tuple[float, bytes]]) -> None:
        """Frame records straight from (t, data), BATCH at a time."""
        pack = self.packer.pack
        batch: list[bytes] = []
        for t, data in frames:
            batch.append(pack({"kind": "frame", "ex": ex, "t": t, "data": data}))
            self.raw += len(data)
            self.events += 1
            if len(batch) >= BATCH:
                self.f.write(b"".join(batch))
                batch.clear()
        self.f.write(b"".join(batch))

    def close(self) -> Written:
        self.f.close()
        return Written(self.path, self.events, self.raw, self.path.stat().st_size)


def _list(out: _Out, ex: int, t: float, path: str = COLLECTION) -> None:
    body = events.list_body(BASE_RV)
    out.records([Request(ex, t, "GET", path, "", JSON),
                 Response(ex, t, 200, "OK", (("Content-Type", "application/json"),
                                             ("Content-Length", str(len(body)))))])
    out.f.write(out.packer.pack({"kind": "frame", "ex": ex, "t": t, "data": body}))
    out.records([End(ex, t, EndHow.COMPLETE)])


def _watch_open(out: _Out, ex: int, t: float, path: str, query: str) -> None:
    out.records([Request(ex, t, "GET", path, query, JSON), Response(ex, t, 200, "OK", WATCH_HEADERS)])


def burst(path: Path, n: int) -> Written:
    """One watch whose `n` events are all due at once (t=0): exact replay plays it at full speed."""
    out = _Out(path)
    _watch_open(out, 1, 0.0, COLLECTION, "watch=1")
    out.frames(1, ((0.0, events.event(BASE_RV + 1 + i, i % 1000)) for i in range(n)))
    out.records([End(1, 0.0, EndHow.SERVER_CLOSED)])
    return out.close()


def _changes(n: int, start: float, period: float, first_rv: int = BASE_RV + 1,
             objects: int = 1000) -> Iterator[tuple[float, bytes]]:
    """`n` changes to `objects` ConfigMaps, one every `period` seconds from `start`: ADDED, then MODIFIED."""
    for i in range(n):
        yield start + i * period, events.event(first_rv + i, i % objects, "ADDED" if i < objects else "MODIFIED")


def history(path: Path, n: int, start: float, period: float) -> Written:
    """A list at resourceVersion 1000, then one watch from it seeing `n` changes from `start`, one every
    `period` seconds: emulate mode rebuilds its watch cache from this."""
    out = _Out(path)
    _list(out, 1, 0.0)
    _watch_open(out, 2, 0.001, COLLECTION, f"watch=1&resourceVersion={BASE_RV}")
    out.frames(2, _changes(n, start, period))
    out.records([End(2, start + n * period + 1.0, EndHow.SERVER_CLOSED)])
    return out.close()


def spread_history(path: Path, watches: int, per_watch: int, start: float, period: float
                   ) -> tuple[Written, dict[int, float]]:
    """A cluster-wide list at resourceVersion 1000, then one cluster-wide watch from it seeing `per_watch`
    changes in each of `watches` namespaces (ns-0000...), namespace i's at `start` + fidelity_offsets: the
    load of `many_watches`, for emulate mode. Also returns each change's time by resourceVersion."""
    due = sorted((start + t, i) for i in range(watches) for t in fidelity_offsets(i, watches, per_watch, 0.0, period))
    times = {BASE_RV + 1 + j: t for j, (t, _) in enumerate(due)}
    out = _Out(path)
    _list(out, 1, 0.0, "/api/v1/configmaps")
    _watch_open(out, 2, 0.001, "/api/v1/configmaps", f"watch=1&resourceVersion={BASE_RV}")
    out.frames(2, ((t, events.event(BASE_RV + 1 + j, i, namespace=f"ns-{i:04d}")) for j, (t, i) in enumerate(due)))
    out.records([End(2, due[-1][0] + 1.0, EndHow.SERVER_CLOSED)])
    return out.close(), times


def idle(path: Path) -> Written:
    """Only a list: watches from its resourceVersion have nothing to deliver until their deadline."""
    out = _Out(path)
    _list(out, 1, 0.0)
    return out.close()


def fidelity_offsets(i: int, watches: int, per_watch: int, first: float, period: float) -> list[float]:
    """When watch `i`'s events are due, relative to its start: phases spread the load evenly."""
    phase = period * i / watches
    return [first + phase + k * period for k in range(per_watch)]


def many_watches(path: Path, watches: int, per_watch: int, first: float, period: float) -> Written:
    """`watches` recorded watches (one per namespace), each with `per_watch` events at fidelity_offsets."""
    out = _Out(path)
    for i in range(watches):
        ns_path = f"/api/v1/namespaces/ns-{i:04d}/configmaps"
        _watch_open(out, i + 1, 0.0, ns_path, "watch=1")
        offs = fidelity_offsets(i, watches, per_watch, first, period)
        out.frames(i + 1, ((t, events.event(BASE_RV + 1 + k, i, namespace=f"ns-{i:04d}"))
                           for k, t in enumerate(offs)))
        out.records([End(i + 1, offs[-1] + period, EndHow.SERVER_CLOSED)])
    return out.close()


def large(path: Path, n: int, watches: int = LARGE_WATCHES, span: float = 7200.0) -> Written:
    """A long session: a list, then `watches` successive watches (each resuming where the previous one
    ended, as a reconnecting informer does) that together see `n` changes over `span` seconds."""
    out = _Out(path)
    _list(out, 1, 0.0)
    per = n // watches
    period = span / n
    for w in range(watches):
        ex = w + 2
        k0 = w * per
        count = per if w < watches - 1 else n - k0
        t_open = k0 * period
        _watch_open(out, ex, t_open, COLLECTION, f"watch=1&resourceVersion={BASE_RV + k0}")
        out.frames(ex, ((t_open + k * period, events.event(BASE_RV + 1 + k0 + k, (k0 + k) % 1000,
                                                           "ADDED" if k0 + k < 1000 else "MODIFIED"))
                        for k in range(count)))
        out.records([End(ex, t_open + count * period, EndHow.SERVER_CLOSED)])
    return out.close()

