"""Many watches of one resource share one sleeper (proxy/engines/emulate/fanout.py): whatever the feed
sends for a watch must be what the watch's own task would have sent, at the same virtual time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from watchproxy.clock import ManualClock
from watchproxy.engines.base import Incoming
from watchproxy.engines.emulate import fanout
from watchproxy.engines.emulate.engine import Emulator
from watchproxy.engines.requestlog import LogEntry, RequestLog
from watchproxy.engines.store import load
from watchproxy.server import responder
from watchproxy.server.sessions import ReplaySession

from tests.memory import MemoryResponder, RecordingBuilder, pod

PODS = "/api/v1/pods"
DEFAULT = "/api/v1/namespaces/default/pods"
QUERIES = [
    (PODS, "watch=true&resourceVersion=100&timeoutSeconds=300"),
    (PODS, "watch=true&timeoutSeconds=250&allowWatchBookmarks=true"),
    (DEFAULT, "watch=true&resourceVersion=100&timeoutSeconds=300"),
    ("/api/v1/namespaces/other/pods", "watch=true&resourceVersion=100&timeoutSeconds=300"),
    (PODS, "watch=true&resourceVersion=100&labelSelector=tier%3Dweb&timeoutSeconds=300"),
    (DEFAULT, "watch=true&resourceVersion=103&timeoutSeconds=95"),  # ends between two changes
]


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """Pods in two namespaces changing for a few minutes, some of them at the same instant."""
    b = RecordingBuilder(tmp_path / "fan.msgpack", meta={"min_request_timeout": 1800})
    b.list(0.0, 100, [pod("a", 90), pod("x", 95, ns="other")], path=PODS)
    events: list[tuple[float, str, dict[str, Any]]] = []
    rv = 100
    for i in range(12):
        rv += 1
        ns = "default" if i % 3 else "other"
        tier = "web" if i % 2 else "db"
        events.append((10.0 * (i // 2 + 1), "ADDED" if i < 4 else "MODIFIED",
                       pod(f"p{i % 4}", rv, ns=ns, labels={"tier": tier})))
    b.watch(0.0, events, end=1000.0, path=PODS)
    return b.write()


class Harness:
    def __init__(self, path: Path, clock: ManualClock | None = None) -> None:
        self.clock = clock or ManualClock()
        self.emu = Emulator(load(path), self.clock)
        self.log = RequestLog(self.clock.now)

    def start(self, path: str, query: str, immediate: bool = True, out: MemoryResponder | None = None
              ) -> tuple[MemoryResponder, LogEntry, asyncio.Task[None]]:
        out = out or MemoryResponder(self.clock, immediate)
        req = Incoming("GET", path, query, (("Accept", "application/json"),))
        entry = self.log.open("GET", path, query, req.info.verb, "pods", req.info.namespace)
        return out, entry, asyncio.ensure_future(self.emu.serve(req, out, entry))

    def last_rvs(self) -> dict[int, int]:
        return {w["request"]: w["last_rv"] for w in self.emu.status()["open_watches"]}


async def transcripts(recording: Path, immediate: bool, copies: int = 3, clock: ManualClock | None = None
                      ) -> list[Any]:
    """Every watch of QUERIES `copies` times over, advanced step by step: what each was sent, when, and
    what its entry and OpenWatch said along the way."""
    h = Harness(recording, clock)
    started = [h.start(path, query, immediate) for _ in range(copies) for path, query in QUERIES]
    seen: list[Any] = []
    for step in (5.0, 10.0, 0.0, 15.0, 30.0, 60.0, 200.0):
        await h.clock.advance(step)
        rvs = h.last_rvs()
        seen.append([(len(out.writes), e.events, rvs.get(e.id)) for out, e, _ in started])
    for _, _, task in started:
        await task
    return [seen, [(out.writes, e.events, e.end, e.end_virtual, out.finished) for out, e, _ in started]]


async def test_the_feed_sends_what_each_watch_would_have_sent_itself(recording: Path) -> None:
    fed = await transcripts(recording, immediate=True)
    alone = await transcripts(recording, immediate=False)
    assert fed == alone
    writes = fed[1]
    assert all(w[2] == "timeout" for w in writes)
    everything = [t for t, _ in writes[0][0]]
    assert everything == [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]  # two changes at each instant: one write
    assert writes[0][0] == writes[len(QUERIES)][0]  # copies of one watch got the same bytes


class LeadingClock(ManualClock):
    """A manual clock with a lead, as a running clock has: a round for many watches is prepared `lead`
    early, and holding the clock until the round's time (a blocking wait on a running clock) moves it."""

    lead = 2.0

    def __init__(self) -> None:
        super().__init__()
        self.holds: list[tuple[float, float]] = []  # (time when held, time held until)

    def hold_until(self, t: float) -> None:
        self.holds.append((self._now, t))
        self._now = max(self._now, t)


async def test_a_round_prepared_ahead_is_sent_at_its_time_as_the_watches_would_have_sent_it(recording: Path) -> None:
    copies = 1 + fanout.PUNCTUAL_ROUND // 4  # the four unfiltered cluster-wide watches: a round big enough
    clock = LeadingClock()
    ahead = await transcripts(recording, immediate=True, copies=copies, clock=clock)
    assert ahead == await transcripts(recording, immediate=False, copies=copies)
    ahead_of = {t for held, t in clock.holds if held < t}  # prepared early, sent at the time
    assert ahead_of == {10.0, 20.0, 30.0, 40.0, 50.0, 60.0}


async def test_many_watches_all_get_a_change_when_the_clock_jumps_past_it(recording: Path) -> None:
    h = Harness(recording)
    started = [h.start(PODS, "watch=true&resourceVersion=100&timeoutSeconds=300") for _ in range(200)]
    await h.clock.advance(35)
    assert {len(out.events()) for out, _, _ in started} == {6}
    assert {out.writes[-1][0] for out, _, _ in started} == {30.0}
    assert {e.events for _, e, _ in started} == {6}
    assert set(h.last_rvs().values()) == {106}
    for _, _, task in started:
        task.cancel()
    await asyncio.gather(*(task for _, _, task in started), return_exceptions=True)
    assert h.clock.next_deadline is None  # the sleeper went with its last watch


class Canceller(MemoryResponder):
    """A responder that cancels another watch the moment it is written to, as a fault or a departing
    client may while the feed is half way through its watches."""

    victim: asyncio.Task[None] | None = None

    def prepare_send(self, data: bytes) -> Callable[[], None] | None:
        if self.victim is not None:
            self.victim.cancel()
            self.victim = None
        return super().prepare_send(data)


async def test_a_watch_cancelled_mid_fan_out_gets_nothing_more_and_the_others_everything(recording: Path) -> None:
    h = Harness(recording)
    query = "watch=true&resourceVersion=100&timeoutSeconds=300"
    canceller = Canceller(h.clock)
    started = [h.start(PODS, query, out=canceller if i == 2 else None) for i in range(11)]
    await h.clock.advance(5)
    canceller.victim = started[6][2]  # parked after the canceller: the feed reaches it in the same round
    await h.clock.advance(10)
    assert [len(out.events()) for out, _, _ in started] == [2, 2, 2, 2, 2, 2, 0, 2, 2, 2, 2]
    with pytest.raises(asyncio.CancelledError):
        await started[6][2]
    await h.clock.advance(300)
    for i, (out, e, task) in enumerate(started):
        if i != 6:
            await task
            assert len(out.events()) == 12 and e.end == "timeout"


async def test_a_client_that_falls_behind_gets_the_rest_through_its_own_task(recording: Path) -> None:
    h = Harness(recording)
    fast, _, t1 = h.start(PODS, "watch=true&resourceVersion=100&timeoutSeconds=300")
    slow, slow_entry, t2 = h.start(PODS, "watch=true&resourceVersion=100&timeoutSeconds=300")
    await h.clock.advance(15)
    slow.immediate = False  # from now on the feed cannot write to it
    await h.clock.advance(20)
    slow.gone = True  # then the client leaves
    await h.clock.advance(10)
    await t2
    assert slow_entry.end == "client-closed" and len(slow.events()) == 6
    assert slow.writes == fast.writes[:3]
    await h.clock.advance(300)
    await t1
    assert len(fast.events()) == 12


async def test_a_watch_due_before_the_sleeper_wakes_is_not_kept_waiting(recording: Path) -> None:
    h = Harness(recording)
    _, long_entry, t1 = h.start(PODS, "watch=true&resourceVersion=112&timeoutSeconds=300")
    await h.clock.advance(1)  # the feed now sleeps until the long watch's deadline at 300
    out, short_entry, t2 = h.start(PODS, "watch=true&resourceVersion=112&timeoutSeconds=2")
    await h.clock.advance(5)
    assert t2.done()
    await t2
    assert short_entry.end == "timeout" and short_entry.end_virtual == 3.0 and out.finished
    await h.clock.advance(300)
    await t1
    assert long_entry.end_virtual == 300.0


async def test_a_change_costs_the_watches_of_its_namespace_not_every_watch(recording: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Watches of quiet namespaces of a cluster-wide history are filed under their own next change: the
    changes of other namespaces neither encode nor send anything for them (with 1,000 such watches and
    5,000 changes a second, doing so put the replay seconds behind), and their deadlines still come."""
    scopes: list[str] = []
    write = fanout.shared_write
    monkeypatch.setattr(fanout, "shared_write", lambda tl, i, now, ns: (scopes.append(ns), write(tl, i, now, ns))[1])
    h = Harness(recording)
    busy = [h.start(DEFAULT, "watch=true&resourceVersion=100&timeoutSeconds=300") for _ in range(3)]
    quiet = [h.start(f"/api/v1/namespaces/quiet-{i}/pods", f"watch=true&resourceVersion=100&timeoutSeconds={100 + i}")
             for i in range(40)]
    for _ in range(15):
        await h.clock.advance(10)
    assert scopes and set(scopes) == {"default"}
    assert {len(out.events()) for out, _, _ in busy} == {8}
    for i, (out, e, task) in enumerate(quiet):
        await task
        assert out.events() == [] and e.end == "timeout" and e.end_virtual == 100.0 + i
    await h.clock.advance(300)
    await asyncio.gather(*(task for _, _, task in busy))


async def raw_watch(url: str, paths: list[str], session: ReplaySession) -> list[bytes]:
    """The bytes on the wire after the head, for watches opened together and run to their deadline."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    conns = []
    for path in paths:
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(f"GET {path}?watch=1&timeoutSeconds=60 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     f"Connection: close\r\n\r\n".encode())
        conns.append((reader, writer))
    for reader, _ in conns:
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 20)
    for _ in range(4):
        await session.advance(4.0)
    await session.advance(60)
    bodies = [await asyncio.wait_for(reader.read(), 20) for reader, _ in conns]
    for _, writer in conns:
        writer.close()
    return bodies


NGINX = Path(__file__).resolve().parent.parent / "recordings" / "nginx-deploy.msgpack"


async def test_writes_past_aiohttp_put_the_same_bytes_and_chunks_on_the_wire(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = ["/api/v1/pods", "/api/v1/namespaces/default/pods", "/api/v1/pods"]
    async with ReplaySession(NGINX, clock="manual") as s:
        direct = await raw_watch(s.url, paths, s)
    monkeypatch.setattr(responder.AiohttpResponder, "prepare_send", lambda self, data: None)
    async with ReplaySession(NGINX, clock="manual") as s:
        through_aiohttp = await raw_watch(s.url, paths, s)
    assert direct == through_aiohttp
    assert direct[0] == direct[2] and direct[0].endswith(b"\r\n0\r\n\r\n")
    assert direct[0].count(b"\r\n") > 2 * 8  # the live changes came in chunks of their own
