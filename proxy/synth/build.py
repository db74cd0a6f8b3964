"""Turn a scenario into the records of a recording, as if `watchproxy record` had watched that cluster.

Every exchange is answered from one `History`, and ends the way the apiserver ends it: lists complete,
watches close at `min_request_timeout * (1 + U)` with U drawn from `random.Random(seed)` in the order the
watches were opened (or at `timeoutSeconds`). Records are written in time order, exchange ids in order of
their requests, so a synthesized file cannot be told from a recorded one by its shape; only the header
says `synthesized: true`. The same scenario always gives the same bytes.
"""

from __future__ import annotations

import heapq
import os
import random
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

from ..apiserver import encode
from ..apiserver.watchstream import bookmark_times, watch_list_defaults
from ..recording.records import End, EndHow, Frame, Header, Record, Request, Response
from ..recording.writer import RecordingWriter
from ..wire import discovery
from ..wire.kinds import ResourceType, builtin_by_kind
from ..wire.params import ListOptions, parse_list_options, query_pairs
from .encoding import go_json, hex_for, http_date, rfc3339, rng_for, seconds, uid_for
from .history import Event, History, Version
from .scenario import ListSpec, ResourceSpec, Scenario, ScenarioError, WatchSpec
from .schema import Headers

GENERATOR = "watchproxy synth"
LATENCY = 0.002  # seconds from a request to its response head
DISCOVERY_SPACING = 0.003  # a client asks for discovery documents one after another
RECONNECT_DELAY = 0.002  # a reconnecting client re-watches this soon after a close
_GO_CHUNKING_THRESHOLD = 2048  # net/http sends Content-Length only for bodies it buffered whole


@dataclass(slots=True)
class Planned:
    """One exchange before it has an id: what was asked, what came back, when it ended."""

    t: float
    seq: int
    kind: str  # discovery | list | watch
    path: str
    query: str
    request_headers: Headers
    response_t: float
    frames: list[tuple[float, bytes]] = field(default_factory=list)
    end_t: float = 0.0
    how: EndHow = EndHow.COMPLETE
    streaming: bool = False
    events: int = 0


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What was written, for the one-line summary."""

    path: str
    records: int
    bytes: int
    exchanges: dict[str, int]
    events: int
    watch_ends: tuple[float, ...]


# --- lists --------------------------------------------------------------------------------------------


def _matches(v: Version, r: ResourceSpec) -> bool:
    return v.rt == r.type and (not r.namespace or v.namespace == r.namespace)


def _check_rv(opts: ListOptions, history: History, t: float, where: str) -> None:
    current = history.rv_at(t)
    if opts.rv_int is not None and opts.rv_int > current:
        raise ScenarioError(where, f"resourceVersion {opts.rv_int} is newer than the cluster's at {t:g}s "
                                   f"({current}); the apiserver would wait and then answer 504")


def _plan_list(r: ResourceSpec, spec: ListSpec, history: History, seq: int) -> Planned:
    opts = parse_list_options(spec.query)
    _check_rv(opts, history, spec.at, f"{spec.where}.query")
    state = history.state_at(spec.at)
    items = [state[k] for k in sorted(state) if _matches(state[k], r)]
    if opts.limit and len(items) > opts.limit:
        raise ScenarioError(f"{spec.where}.query", f"limit={opts.limit} is less than the {len(items)} items; "
                                                   "synth records single-page lists only")
    head = go_json({"kind": r.type.list_kind, "apiVersion": r.type.api_version,
                    "metadata": {"resourceVersion": str(history.rv_at(spec.at))}})
    body = head[:-1] + b',"items":[' + b",".join(v.item for v in items) + b"]}\n"
    resp_t = seconds(spec.at + LATENCY + 0.00002 * len(items))
    return Planned(spec.at, seq, "list", r.path, spec.query, spec.headers, resp_t, [(resp_t, body)],
                   resp_t, EndHow.COMPLETE)


# --- watches ------------------------------------------------------------------------------------------


def _bookmark_frame(rt: ResourceType, rv: int, *, initial_events_end: bool = False) -> bytes:
    return encode.bookmark_line(rt.kind, rt.api_version, rv, initial_events_end)


@dataclass(slots=True)
class _WatchRun:
    """The stream of one watch while it is being planned."""

    plan: Planned
    last_rv: int
    failed: bool = False

    def send(self, t: float, data: bytes, rv: int, event: bool = True) -> None:
        self.plan.frames.append((seconds(max(t, self.plan.response_t)), data))
        self.last_rv = max(self.last_rv, rv)
        self.plan.events += int(event)


class _WatchPlanner:
    """Plans watches in the order they open, drawing each one's close time from the scenario's seed."""

    def __init__(self, scenario: Scenario, history: History) -> None:
        self.s = scenario
        self.h = history
        self.rng = random.Random(scenario.seed)

    def deadline(self, t: float, opts: ListOptions) -> float:
        u = self.rng.random()  # drawn even with timeoutSeconds, so one watch's query never shifts another's
        if opts.timeout_seconds:
            return seconds(t + opts.timeout_seconds)
        return seconds(t + self.s.min_request_timeout * (1.0 + u))

    def plan(self, r: ResourceSpec, w: WatchSpec, t: float, query: str, seq: int) -> _WatchRun:
        opts = parse_list_options(query)
        where = f"{w.where}.query"
        _check_rv(opts, self.h, t, where)
        resp_t = seconds(t + LATENCY)
        plan = Planned(t, seq, "watch", r.path, query, w.headers, resp_t, streaming=True,
                       how=EndHow.SERVER_CLOSED)
        run = _WatchRun(plan, opts.rv_int or 0)
        plan.end_t = self.deadline(t, opts)
        if not self._start(run, r, opts, t):
            plan.end_t = resp_t
            run.failed = True
            return run
        self._live(run, r, opts, t)
        return run

    def _start(self, run: _WatchRun, r: ResourceSpec, opts: ListOptions, t: float) -> bool:
        """Initial events or the backlog after the requested resourceVersion; False after a 410."""
        rv = opts.rv_int
        opts = watch_list_defaults(opts)
        initial = opts.send_initial_events if opts.send_initial_events is not None else not rv
        if initial:
            state = self.h.state_at(t)
            for key in sorted(state):
                if _matches(state[key], r):
                    run.send(t, encode.event_line("ADDED", state[key].json), state[key].rv)
            if opts.send_initial_events and opts.allow_watch_bookmarks:
                now = self.h.rv_at(t)
                run.send(t, _bookmark_frame(r.type, now, initial_events_end=True), now, event=False)
            return True
        if rv is None or rv == 0:
            return True
        oldest = self.s.start_resource_version
        if rv < oldest:
            run.send(t, encode.expired_line(encode.expired_message(rv, oldest)), run.last_rv)
            return False
        for e in self.h.events_since(rv, t):
            if _matches(e.version, r):
                run.send(t, encode.event_line(e.type, e.version.json), e.rv)
        return True

    def _live(self, run: _WatchRun, r: ResourceSpec, opts: ListOptions, t: float) -> None:
        end = run.plan.end_t
        due: list[tuple[float, int, Event | None]] = [(e.at, 0, e) for e in self.h.events_in(t, end)
                                                      if _matches(e.version, r)]
        if opts.allow_watch_bookmarks:
            due += [(seconds(b), 1, None) for b in bookmark_times(t, end)]
        for at, _, event in sorted(due, key=lambda d: (d[0], d[1])):
            if event is not None:
                run.send(at, encode.event_line(event.type, event.version.json), event.rv)
                continue
            rv = self.h.rv_at(at, after_changes_at_t=True)
            if rv > run.last_rv:
                run.send(at, _bookmark_frame(r.type, rv), rv, event=False)


def _with_rv(query: str, rv: int) -> str:
    """The reconnect query: resourceVersion set, keys sorted the way client-go encodes them."""
    pairs = [(k, v) for k, v in query_pairs(query) if k != "resourceVersion"] + [("resourceVersion", str(rv))]
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(pairs, key=lambda p: p[0]))


def _plan_watches(s: Scenario, h: History, first_seq: int) -> list[Planned]:
    """Open watches in time order (reconnects included) so each draws its close time in turn."""
    planner = _WatchPlanner(s, h)
    queue: list[tuple[float, int, int, int, str]] = []
    seq = first_seq
    for ri, r in enumerate(s.resources):
        for wi, w in enumerate(r.watches):
            queue.append((w.at, seq, ri, wi, w.query))
            seq += 1
    heapq.heapify(queue)
    out = []
    while queue:
        t, this_seq, ri, wi, query = heapq.heappop(queue)
        r = s.resources[ri]
        w = r.watches[wi]
        run = planner.plan(r, w, t, query, this_seq)
        out.append(run.plan)
        again = seconds(run.plan.end_t + RECONNECT_DELAY)
        if w.reconnect and not run.failed and s.duration is not None and again < s.duration:
            next_query = _with_rv(query, run.last_rv) if run.last_rv else query
            heapq.heappush(queue, (again, seq, ri, wi, next_query))
            seq += 1
    return out


# --- discovery ----------------------------------------------------------------------------------------


def _discovery_types(s: Scenario) -> tuple[ResourceType, ...]:
    """The scenario's types, plus ReplicaSets when pods name one as their owner."""
    types = s.types
    owned = any(o.type.kind == "Pod" and not o.full and "replicaset" in o.fields
                for o in [*s.objects, *(c.add for c in s.changes if c.add is not None)])
    rs = builtin_by_kind("ReplicaSet")
    if owned and rs is not None and rs not in types:
        types = (*types, rs)
    return types


def _plan_discovery(s: Scenario, seq: int) -> list[Planned]:
    out = []
    for i, (path, body) in enumerate(discovery.documents(
            s.server_version, _discovery_types(s), hex_for(s.seed, 40, "git", s.server_version))):
        t = seconds(i * DISCOVERY_SPACING)
        resp_t = seconds(t + LATENCY)
        out.append(Planned(t, seq + i, "discovery", path, "", s.headers, resp_t, [(resp_t, body)], resp_t))
    return out


# --- records ------------------------------------------------------------------------------------------


def _response_headers(s: Scenario, p: Planned, ex: int) -> Headers:
    """The headers of an apiserver response, in the order Go's net/http writes them."""
    audit = str(uuid.UUID(int=rng_for(s.seed, "audit", ex).getrandbits(128), version=4))
    headers = [("Audit-Id", audit), ("Cache-Control", "no-cache, private"),
               ("Content-Type", "application/json"),
               ("X-Kubernetes-Pf-Flowschema-Uid", uid_for(s.seed, "flowschema")),
               ("X-Kubernetes-Pf-Prioritylevel-Uid", uid_for(s.seed, "prioritylevel")),
               ("Date", http_date(s.start_time, p.response_t))]
    size = sum(len(d) for _, d in p.frames)
    if p.streaming or size > _GO_CHUNKING_THRESHOLD:
        headers.append(("Transfer-Encoding", "chunked"))
    else:
        headers.append(("Content-Length", str(size)))
    return tuple(headers)


def _records(s: Scenario, p: Planned, ex: int) -> list[Record]:
    out: list[Record] = [Request(ex, p.t, "GET", p.path, p.query, p.request_headers),
                         Response(ex, p.response_t, 200, "OK", _response_headers(s, p, ex))]
    out += [Frame(ex, t, data) for t, data in p.frames]
    out.append(End(ex, p.end_t, p.how))
    return out


def plan(s: Scenario) -> list[Planned]:
    """Every exchange of the recording, in the order of their requests."""
    history = History(s)
    planned = _plan_discovery(s, 0) if s.discovery else []
    for r in s.resources:
        planned += [_plan_list(r, spec, history, len(planned) + i) for i, spec in enumerate(r.lists)]
    planned += _plan_watches(s, history, len(planned))
    return sorted(planned, key=lambda p: (p.t, p.seq))


def header(s: Scenario) -> Header:
    mrt = s.min_request_timeout
    return Header(started_at=rfc3339(s.start_time), upstream_version=s.server_version, synthesized=True,
                  generator=GENERATOR, meta={"min_request_timeout": int(mrt) if mrt.is_integer() else mrt,
                                             "seed": s.seed, "scenario": s.name})


def build_records(s: Scenario) -> tuple[Header, list[Record], list[Planned]]:
    """The header and every record in file order (by time; within an exchange, in causal order)."""
    planned = plan(s)
    stamped: list[tuple[float, int, Record]] = []
    for ex, p in enumerate(planned, start=1):
        stamped += [(rec.t, len(stamped), rec) for rec in _records(s, p, ex)]
    stamped.sort(key=lambda x: (x[0], x[1]))
    return header(s), [rec for _, _, rec in stamped], planned


def write_recording(s: Scenario, out: str | os.PathLike[str]) -> BuildResult:
    """Build everything first, so a bad scenario never leaves a half-written file behind."""
    head, records, planned = build_records(s)
    writer = RecordingWriter(out, head)
    try:
        for i in range(0, len(records), 1000):
            writer.write(*records[i: i + 1000])
    finally:
        writer.close()
    kinds: dict[str, int] = {}
    for p in planned:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    return BuildResult(str(out), writer.records_written, writer.bytes_written, kinds,
                       sum(p.events for p in planned if p.kind == "watch"),
                       tuple(p.end_t for p in planned if p.kind == "watch"))
