"""Turn a scenario into the records of a recording, as if `watchproxy record` had watched that cluster.

Every list and watch is answered by the apiserver model (proxy/apiserver/) from the scenario's history:
a watch steps the very state machine emulate serves watches with, on planned time, so the two write the
same bytes for the same history. Exchanges end the way the apiserver ends them: lists complete, watches
close at `min_request_timeout * (1 + U)` with U drawn from `random.Random(seed)` in the order the
watches were opened (or at `timeoutSeconds`). Records are written in time order, exchange ids in order of
their requests, so a synthesized file cannot be told from a recorded one by its shape; only the header
says `synthesized: true`. The same scenario always gives the same bytes.
"""

from __future__ import annotations

import heapq
import os
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from ..apiserver import bootstrap, lists
from ..apiserver.history import WatchCache
from ..apiserver.watchstream import WatchSpec as StreamSpec
from ..apiserver.watchstream import WatchStream, watch_list_by_default
from ..recording.records import End, EndHow, Frame, Header, Record, Request, Response
from ..recording.writer import RecordingWriter
from ..wire import discovery
from ..wire.kinds import ResourceType, builtin_by_kind
from ..wire.listopts import parse_list_options
from ..wire.params import InvalidParams, ListOptions, query_pairs
from ..wire.selectors import matcher
from .encoding import hex_for, http_date, rfc3339, rng_for, seconds, uid_for
from .history import History
from .model import collection_path, watch_cache
from .scenario import Change, ListSpec, ResourceSpec, Scenario, ScenarioError, WatchSpec
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
    unseen: tuple[Change, ...] = ()  # changes no exchange of the recording shows (see unseen_changes)


# --- lists --------------------------------------------------------------------------------------------


def _check_rv(opts: ListOptions, cache: WatchCache, t: float, where: str) -> None:
    current = cache.current_rv(t)
    if opts.rv_int is not None and opts.rv_int > current:
        raise ScenarioError(where, f"resourceVersion {opts.rv_int} is newer than the cluster's at {t:g}s "
                                   f"({current}); the apiserver would wait and then answer 504")


def _plan_list(r: ResourceSpec, spec: ListSpec, cache: WatchCache, seq: int) -> Planned:
    where = f"{spec.where}.query"
    opts = parse_list_options(spec.query)
    _check_rv(opts, cache, spec.at, where)
    path = collection_path(r.type)
    got = lists.answer(cache, cache.timelines[path], path, r.namespace, opts, _matcher(opts, r, where), spec.at)
    if got.code != 200:
        raise ScenarioError(where, f"the apiserver would answer {got.code}: {got.detail}")
    if got.more:
        total = sum(1 for ns, _ in cache.state(path, spec.at) if not r.namespace or ns == r.namespace)
        raise ScenarioError(where, f"limit={opts.limit} is less than the {total} items; synth records "
                                   "single-page lists only")
    resp_t = seconds(spec.at + LATENCY + 0.00002 * got.items)
    return Planned(spec.at, seq, "list", r.path, spec.query, spec.headers, resp_t, [(resp_t, got.body)],
                   resp_t, EndHow.COMPLETE)


def _matcher(opts: ListOptions, r: ResourceSpec, where: str) -> Callable[[dict[str, Any]], bool]:
    try:
        return matcher(opts.label_selector, opts.field_selector, r.type.plural, r.type.group)
    except InvalidParams as exc:
        raise ScenarioError(where, str(exc)) from None


# --- watches ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _WatchRun:
    """The stream of one watch while it is being planned."""

    plan: Planned
    last_rv: int
    failed: bool = False


class _WatchPlanner:
    """Plans watches in the order they open, drawing each one's close time from the scenario's seed, and
    steps each through the apiserver model's watch stream on planned time."""

    def __init__(self, scenario: Scenario, cache: WatchCache) -> None:
        self.s = scenario
        self.cache = cache
        self.rng = random.Random(scenario.seed)
        self.watch_list = watch_list_by_default(scenario.server_version)

    def deadline(self, t: float, opts: ListOptions) -> float:
        u = self.rng.random()  # drawn even with timeoutSeconds, so one watch's query never shifts another's
        if opts.timeout_seconds:
            return seconds(t + opts.timeout_seconds)
        return seconds(t + self.s.min_request_timeout * (1.0 + u))

    def plan(self, r: ResourceSpec, w: WatchSpec, t: float, query: str, seq: int) -> _WatchRun:
        opts = parse_list_options(query)
        where = f"{w.where}.query"
        _check_rv(opts, self.cache, t, where)
        resp_t = seconds(t + LATENCY)
        plan = Planned(t, seq, "watch", r.path, query, w.headers, resp_t, streaming=True,
                       how=EndHow.SERVER_CLOSED)
        plan.end_t = self.deadline(t, opts)
        match = _matcher(opts, r, where)
        spec = StreamSpec(collection_path(r.type), self.cache.timelines[collection_path(r.type)], opts,
                          r.namespace, match, bool(opts.label_selector or opts.field_selector), False,
                          plan.end_t, lambda v: self.s.start_time + timedelta(seconds=v))
        stream = WatchStream(self.cache, spec, t, watch_list=self.watch_list)
        now = t
        while True:
            while lines := stream.due(now):
                for line in lines:
                    plan.frames.append((seconds(max(now, resp_t)), line))
                    plan.events += not line.startswith(_BOOKMARK)
            if stream.ended:
                break
            now = stream.next_wakeup()
        run = _WatchRun(plan, stream.last_rv)
        if stream.ended == "expired":
            plan.end_t = resp_t
            run.failed = True
        return run


_BOOKMARK = b'{"type":"BOOKMARK"'


def _with_rv(query: str, rv: int) -> str:
    """The reconnect query: resourceVersion set, keys sorted the way client-go encodes them."""
    pairs = [(k, v) for k, v in query_pairs(query) if k != "resourceVersion"] + [("resourceVersion", str(rv))]
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(pairs, key=lambda p: p[0]))


def _plan_watches(s: Scenario, cache: WatchCache, first_seq: int) -> list[Planned]:
    """Open watches in time order (reconnects included) so each draws its close time in turn."""
    planner = _WatchPlanner(s, cache)
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
    priorities = discovery.priorities_of(bootstrap.objects()[bootstrap.API_SERVICES])
    for i, (path, body) in enumerate(discovery.documents(
            s.server_version, _discovery_types(s), priorities, hex_for(s.seed, 40, "git", s.server_version))):
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
    """Every exchange of the recording, in the order of their requests, each answered by the apiserver
    model from the scenario's history."""
    until = max([s.duration or 0.0, *(w.at for r in s.resources for w in r.watches)]) \
        + 2 * s.min_request_timeout + 3600
    cache = watch_cache(History(s), tuple(r.type for r in s.resources), until)
    planned = _plan_discovery(s, 0) if s.discovery else []
    for r in s.resources:
        planned += [_plan_list(r, spec, cache, len(planned) + i) for i, spec in enumerate(r.lists)]
    planned += _plan_watches(s, cache, len(planned))
    return sorted(planned, key=lambda p: (p.t, p.seq))


def unseen_changes(s: Scenario, planned: list[Planned]) -> list[Change]:
    """Changes that come after every list and watch of their resource has ended: no client asks for
    anything that would show them, so the recording cannot hold them (synth says so, not silently)."""
    last: dict[tuple[ResourceType, str], float] = {}
    for r in s.resources:
        ends = [max(p.t, p.end_t) for p in planned if p.kind in ("list", "watch") and p.path == r.path]
        if ends:
            last[(r.type, r.namespace)] = max([*ends, last.get((r.type, r.namespace), 0.0)])

    def shown(c: Change) -> bool:
        return any(t >= c.at for (typ, ns), t in last.items() if typ == c.type and ns in ("", c.namespace))

    return [c for c in s.changes if not shown(c)]


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
                       tuple(p.end_t for p in planned if p.kind == "watch"), tuple(unseen_changes(s, planned)))
