"""The differential run: the catalogue against the real apiserver through `watchproxy record`, then against
emulate replay of that recording at the same virtual times; one verdict per case.

Record side: the workload runs in phases PHASE seconds apart (a schedule, not a synchronisation: it gives each
server the same quiet moments to be asked in; a step that overran moves the rest of it, and a phase's changes wait
for any bounded watch whose deadline they would come near, see `_Deadlines`); informer-like history
watches through the proxy give the recording every change, as a cluster's own clients would, and a phase's cases
wait until those watches have delivered what the cluster holds (under load a watch event can lag its write by more
than half a phase, and emulate knows of a change only from the moment the recording does). Emulate side: a manual
clock is moved to each case's recorded arrival time, in 0.1 s steps, so every watch sees its events at their
recorded times.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from watchproxy.apiserver.watchstream import BOOKMARK_BEFORE_DEADLINE
from watchproxy.recording import RecordingReader, Request
from watchproxy.server.sessions import RecordSession
from watchproxy.testing import Replay

from tests import rawhttp
from tests.fidelity.cases import CASES, PHASE, POD0, POD1, POD2, Case, Context
from tests.fidelity.transcript import Transcript, capture, differences
from tests.realkube import RealKube
from tests.workload import Workload

CASE_HEADER = "X-Fidelity-Case"
STEP = 0.1  # the manual clock's step on the emulate side
DELIVERY_TIMEOUT = 30.0  # seconds a phase's changes may take to reach the recording
GUARD = PHASE / 10  # how near a watch's deadline no change may come
# Cluster-wide, so cluster-wide cases find in the recording whatever else the server holds.
PODS, CONFIGMAPS = "/api/v1/pods", "/api/v1/configmaps"
DEPLOYMENTS, WIDGETS = "/apis/apps/v1/deployments", "/apis/example.watchproxy.dev/v1/widgets"
HISTORY = [PODS, CONFIGMAPS, "/api/v1/secrets", "/api/v1/services", "/api/v1/events", DEPLOYMENTS, WIDGETS]


@dataclass
class Result:
    case: Case
    real: Transcript
    emulated: Transcript
    differences: list[str] = field(default_factory=list)


def setup(w: Workload) -> None:
    """What exists before recording starts (emulate learns it from the first lists)."""
    w.ensure_namespace()
    w.ensure_crd()
    w.configmap("settings", {"mode": "a"})
    w.secret("db", {"password": "hunter2-fidelity"})
    w.service("web")
    w.event("pulled", about=POD0)
    w.event("scheduled", about=POD0)


@dataclass
class Phase:
    changes: list[Callable[[], object]]
    touched: list[tuple[str, str]]  # (HISTORY path, name in the namespace) of each object the changes write


def phases(w: Workload) -> list[Phase]:
    """The workload's changes (index = phase number)."""
    def rollout() -> None:
        dep = w.deployment("nginx-deploy", 2)
        owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "nginx-deploy",
                 "uid": dep["metadata"]["uid"], "controller": True}
        for name in (POD0, POD1):
            w.create_pod(name, owner=owner)

    both = [(PODS, POD0), (PODS, POD1)]
    return [
        Phase([], []),
        Phase([rollout], [(DEPLOYMENTS, "nginx-deploy"), *both]),
        Phase([lambda: w.post_pod_status(POD0, "Pending"), lambda: w.post_pod_status(POD1, "Pending")], both),
        Phase([lambda: w.post_pod_status(POD0, "Running"), lambda: w.post_pod_status(POD1, "Running")], both),
        Phase([lambda: w.scale("nginx-deploy", 3), lambda: w.create_pod(POD2)],
              [(DEPLOYMENTS, "nginx-deploy"), (PODS, POD2)]),
        Phase([lambda: w.configmap("settings", {"mode": "b"}), lambda: w.label_pod(POD0, "tier", "front")],
              [(CONFIGMAPS, "settings"), (PODS, POD0)]),
        Phase([lambda: w.widget("w1", 1)], [(WIDGETS, "w1")]),
        Phase([lambda: w.widget("w1", 2), lambda: w.widget("w2", 5)], [(WIDGETS, "w1"), (WIDGETS, "w2")]),
        Phase([lambda: w.delete_pod(POD1), lambda: w.delete_widget("w2")], [(PODS, POD1), (WIDGETS, "w2")]),
        Phase([lambda: w.delete_configmap("settings")], [(CONFIGMAPS, "settings")]),
    ]


def _headers(case: Case) -> dict[str, str]:
    h = {"Accept": case.accept, CASE_HEADER: case.name}
    if case.accept_encoding:
        h["Accept-Encoding"] = case.accept_encoding
    return h


def _key(obj: dict[str, Any]) -> str:
    meta = obj["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"


@dataclass
class _Deadlines:
    """When each running bounded watch will be closed by the real apiserver, and send the bookmark due 2 s before
    that, so no change comes near either.

    Both servers close such a watch `timeoutSeconds` after it began, but each starts the clock at its own moment
    (the real one when it handles the request, emulate at its recorded arrival at the proxy), and emulate knows
    a change from the moment the recording has it. A change made and delivered within GUARD of a deadline may
    land inside one window and outside the other; under load a phase's changes and their delivery take longer
    than the half phase that separates them from the deadlines of the previous phases' watches, so the changes
    wait for those instead. A phase's changes are given twice the longest any took so far (half a phase before the
    first); changes that came near a deadline anyway are reported as that case's difference, rather than as a
    confusing list of events."""

    windows: list[tuple[str, float, float, Callable[[], bool]]] = field(default_factory=list)  # name, deadline, ended
    longest: float | None = None
    near: dict[str, str] = field(default_factory=dict)

    @property
    def span(self) -> float:
        return PHASE / 2 if self.longest is None else 2 * self.longest

    def watch(self, case: Case, params: dict[str, str], sent: float, begun: float, ended: Callable[[], bool]) -> None:
        if case.watch and (seconds := params.get("timeoutSeconds", "")).isdigit():
            self.windows.append((case.name, sent + int(seconds), begun + int(seconds), ended))
            if params.get("allowWatchBookmarks") == "true" and int(seconds) > BOOKMARK_BEFORE_DEADLINE:
                # and the bookmark due 2 s before it, which the real cacher sends at one of its ticks (a second
                # apart, with a quarter's jitter) and emulate half a tick after it is due
                due = int(seconds) - BOOKMARK_BEFORE_DEADLINE
                self.windows.append((case.name, sent + due, begun + due + 1.25, ended))

    def clear_from(self, t: float) -> float:
        """The first moment from `t` at which changes lasting `span` stay GUARD away from every deadline."""
        moved = True
        while moved:
            moved = False
            for _, first, last, ended in self.windows:
                if not ended() and t < last + GUARD and t + self.span > first - GUARD:
                    t, moved = last + GUARD, True
        return t

    def changed(self, start: float, end: float) -> None:
        self.longest = max(self.longest or 0.0, end - start)
        for name, first, last, _ in self.windows:
            if start - GUARD < last and first < end + GUARD:
                self.near[name] = f"the schedule: a phase's changes, made and delivered in {end - start:.2f} s, " \
                                  f"came within {GUARD} s of this watch's deadline or the bookmark before it " \
                                  "(the machine was too slow)"


@dataclass
class _Delivered:
    """What the history watches have delivered through the proxy: each path's objects and their RVs."""

    objects: dict[str, dict[str, int]] = field(default_factory=lambda: {p: {} for p in HISTORY})
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def note(self, path: str, kind: str, obj: dict[str, Any]) -> None:
        if kind == "DELETED":
            self.objects[path].pop(_key(obj), None)
        else:
            self.objects[path][_key(obj)] = int(obj["metadata"]["resourceVersion"])
        self.changed.set()

    async def wait(self, kube: RealKube, ns: str, touched: list[tuple[str, str]]) -> None:
        """Until the recording holds each touched object as the real apiserver stores it now. Each is read
        directly (not through the proxy, so the question is not recorded) with a GET without a
        resourceVersion, which etcd answers: a read the watch cache answers could wait for the cache to be
        fresh, ask etcd for progress and so move the revision of every resource's cache, which emulate,
        knowing only the recording, could not follow."""
        token = kube.token_file.read_text().strip()
        wanted: dict[tuple[str, str], int | None] = {}
        for path, name in touched:
            prefix, plural = path.rsplit("/", 1)
            status, body, _ = await asyncio.to_thread(rawhttp.call, kube.url, token, "GET",
                                                      f"{prefix}/namespaces/{ns}/{plural}/{name}")
            wanted[path, f"{ns}/{name}"] = int(body["metadata"]["resourceVersion"]) if status == 200 else None

        def behind() -> list[str]:
            return [f"{path} {key}" for (path, key), rv in wanted.items()
                    if (key in self.objects[path] if rv is None else self.objects[path].get(key, -1) < rv)]

        try:
            async with asyncio.timeout(DELIVERY_TIMEOUT):
                while behind():
                    self.changed.clear()
                    await self.changed.wait()
        except TimeoutError:
            raise AssertionError(f"the history watches did not deliver {behind()} in {DELIVERY_TIMEOUT} s") from None


async def _history(http: aiohttp.ClientSession, url: str, path: str, delivered: _Delivered,
                   stop: asyncio.Event) -> None:
    """List, then watch from the list's RV and resume from the last event after each close (an informer)."""
    async with http.get(url) as resp:
        listed = await resp.json()
    for obj in listed["items"]:
        delivered.note(path, "ADDED", obj)
    rv = listed["metadata"]["resourceVersion"]
    while not stop.is_set():
        async with http.get(url, params={"watch": "1", "resourceVersion": rv}) as resp:
            if resp.status != 200:
                return
            while line := await resp.content.readline():
                event = json.loads(line)
                if event["type"] == "ERROR":
                    return
                rv = event["object"]["metadata"]["resourceVersion"]
                if event["type"] != "BOOKMARK":
                    delivered.note(path, event["type"], event["object"])


async def record_side(kube: RealKube, out: Path, ns: str, cases: list[Case]
                      ) -> tuple[dict[str, Transcript], dict[str, str]]:
    """Each case's real answer, and the cases whose deadline the changes came near anyway (with why)."""
    w = Workload(kube.admin_kubeconfig, namespace=ns)
    await asyncio.to_thread(setup, w)
    steps = phases(w)
    ctx = Context(namespace=ns)
    results: dict[str, Transcript] = {}
    loop = asyncio.get_running_loop()
    async with RecordSession(out, kubeconfig=str(kube.admin_kubeconfig)) as s, \
            aiohttp.ClientSession(skip_auto_headers=("Accept-Encoding", "User-Agent"),
                                  timeout=aiohttp.ClientTimeout(total=60)) as http:
        stop = asyncio.Event()
        delivered = _Delivered()
        history = [asyncio.ensure_future(_history(http, s.url + p, p, delivered, stop)) for p in HISTORY]
        due = loop.time()
        deadlines = _Deadlines()
        running: list[asyncio.Task[None]] = []
        for phase, step in enumerate(steps):
            due = await _at(loop, deadlines.clear_from(due))
            for change in step.changes:
                await asyncio.to_thread(change)
            await delivered.wait(kube, ns, step.touched)
            if step.changes:
                deadlines.changed(due, loop.time())
            due = await _at(loop, due + PHASE / 2)
            for case in (c for c in cases if c.phase == phase):
                sent = loop.time()
                running.append(task := await _launch(http, s.url, ns, case, ctx, results, loop.time))
                deadlines.watch(case, case.params(ctx), sent, loop.time(), task.done)
            due = max(due + PHASE / 2, loop.time() + PHASE / 4)
        await asyncio.gather(*running)
        stop.set()
        for task in history:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*history, return_exceptions=True)
    w.close()
    return results, deadlines.near


async def _at(loop: asyncio.AbstractEventLoop, due: float) -> float:
    """Wait until `due`; return when the schedule now is. A step that overran (a slow machine) moves the rest
    of the schedule with it, so the cases stay away from the changes before and after them: the consistent reads
    of a phase's cases (each may ask etcd for progress, which moves every watch cache's revision) are over a
    quarter of a phase before the next changes begin."""
    await asyncio.sleep(max(0.0, due - loop.time()))
    return max(due, loop.time())


async def _launch(http: aiohttp.ClientSession, base: str, ns: str, case: Case, ctx: Context,
                  results: dict[str, Transcript], now: Callable[[], float]) -> asyncio.Task[None]:
    """Send one case; return once its response has begun (a list: once it is whole, so later cases can use
    its answer), leaving a watch to be read to its end by the awaitable returned."""
    opened = asyncio.Event()
    url = base + case.url_path(ns)
    params = case.params(ctx)
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())

    async def run() -> None:
        tr = await capture(http, url, _headers(case), case.watch, now, opened.set)
        results[case.name] = tr
        if not case.watch:
            ctx.answers[case.name] = tr.body

    task = asyncio.ensure_future(run())
    waiter = asyncio.ensure_future(opened.wait())
    await asyncio.wait([task, waiter], timeout=30, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if task.done() and not case.watch:
        await task
    return task


def case_times(recording: Path) -> dict[str, float]:
    """When each case's request reached the proxy, on the recording's clock."""
    times: dict[str, float] = {}
    with RecordingReader(recording) as reader:
        for rec in reader.records():
            if isinstance(rec, Request) and (name := rec.header(CASE_HEADER)):
                times[name] = rec.t
    return times


async def emulate_side(recording: Path, ns: str, min_request_timeout: float,
                       cases: list[Case]) -> dict[str, Transcript]:
    times = case_times(recording)
    ctx = Context(namespace=ns)
    results: dict[str, Transcript] = {}
    replay = Replay(recording, mode="emulate", seed=0, min_request_timeout=min_request_timeout).start()
    try:
        async with aiohttp.ClientSession(skip_auto_headers=("Accept-Encoding", "User-Agent"),
                                         timeout=aiohttp.ClientTimeout(total=60)) as http:
            running: list[asyncio.Task[None]] = []
            for case in sorted((c for c in cases if c.name in times), key=lambda c: times[c.name]):
                await _advance_to(replay, times[case.name])
                running.append(await _launch(http, replay.url, ns, case, ctx, results, lambda: replay.now))
            end = max(times.values()) + 2 * min_request_timeout + 3
            while replay.now < end and not all(t.done() for t in running):
                await replay.aadvance(STEP)
            await asyncio.wait_for(asyncio.gather(*running), 30)
    finally:
        await asyncio.to_thread(replay.stop)
    return results


async def _advance_to(replay: Replay, t: float) -> None:
    while replay.now + STEP <= t:
        await replay.aadvance(STEP)
    if t > replay.now:
        await replay.aadvance(t - replay.now)


async def run(kube: RealKube, workdir: Path, ns: str, min_request_timeout: float,
              cases: list[Case] = CASES) -> list[Result]:
    out = workdir / "fidelity.msgpack"
    real, near = await record_side(kube, out, ns, cases)
    emulated = await emulate_side(out, ns, min_request_timeout, cases)
    ctx = Context(namespace=ns)
    results = []
    for case in cases:
        r, e = real.get(case.name, Transcript(end="not sent")), emulated.get(case.name, Transcript(end="not sent"))
        found = differences(r, e, unbounded=case.unbounded(ctx), min_request_timeout=min_request_timeout)
        results.append(Result(case, r, e, [near[case.name], *found] if found and case.name in near else found))
    return results


