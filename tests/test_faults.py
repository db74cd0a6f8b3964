"""Every fault, with a real client showing its effect: what the server did, and what the client did next."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from kubernetes import client, config
from kubernetes.informer import SharedInformer
from watchproxy.testing import Replay

from tests.memory import RecordingBuilder
from tests.procs import node_client, python_client
from tests.test_clients_emulate import _pod

Start = Callable[..., Replay]


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """Pods change for a minute; configmaps keep the cluster's resourceVersion moving afterwards."""
    b = RecordingBuilder(tmp_path / "faults.msgpack", meta={"min_request_timeout": 600})
    b.list(0.0, 100, [_pod("web-a", 90), _pod("web-b", 95)])
    b.watch(0.0, [(0.0, "ADDED", _pod("web-a", 90)), (0.0, "ADDED", _pod("web-b", 95)),
                  (10.0, "MODIFIED", _pod("web-a", 101, restarts=1)), (20.0, "ADDED", _pod("web-c", 102)),
                  (30.0, "DELETED", _pod("web-b", 103))], end=5000.0)
    cms = [(40.0 + 10 * i, "ADDED", {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {
        "name": f"cm-{i}", "namespace": "default", "resourceVersion": str(104 + i)}}) for i in range(20)]
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    b.watch(0.0, cms, end=5000.0, path="/api/v1/namespaces/default/configmaps")
    return b.write()


class Informer:
    """The Python client's SharedInformer in a thread, with the events its handlers saw."""

    def __init__(self, replay: Replay) -> None:
        api = client.CoreV1Api(config.new_client_from_config(config_file=replay.kubeconfig))
        self.replay = replay
        self.informer = SharedInformer(api.list_namespaced_pod, namespace="default")
        self.events: list[str] = []
        for kind in ("ADDED", "MODIFIED", "DELETED"):
            self.informer.add_event_handler(kind, lambda o, k=kind: self.events.append(f"{k} {o.metadata.name}"))
        self.errors: list[str] = []
        self.informer.add_event_handler("ERROR", lambda e: self.errors.append(type(e).__name__))
        self.informer.start()

    def stop(self) -> None:
        stopper = threading.Thread(target=self.informer.stop)
        stopper.start()
        self.replay.fault("close", verb="watch", count="always")
        stopper.join(10)

    def cache(self) -> list[str]:
        return sorted(o.metadata.name for o in self.informer.cache.list())


@pytest.fixture
def informed(watchproxy: Start, recording: Path) -> Iterator[Informer]:
    inf = Informer(watchproxy(recording, seed=3))
    inf.replay.wait_for_watches(1, open_=True)
    yield inf
    inf.stop()


def open_watches(n: int) -> Callable[[Replay], bool]:
    return lambda r: len(r.watches()) >= n and r.watches()[-1].end == "open"


def test_close_ends_the_watch_cleanly_and_the_informer_resumes(informed: Informer) -> None:
    r = informed.replay
    r.advance(15)
    assert r.fault("close", verb="watch") == 1
    r.wait_for(open_watches(2))
    first, second = r.watches()[:2]
    assert first.end == "fault-close" and second.resource_version == "101" and second.at == first.ended_at
    r.advance(20)
    r.wait_for(lambda _: "DELETED web-b" in informed.events)
    assert informed.events.count("MODIFIED web-a") == 1 and informed.cache() == ["web-a", "web-c"]


def test_reset_mid_event_loses_nothing_after_the_reconnect(informed: Informer) -> None:
    r = informed.replay
    r.fault("reset", verb="watch", when="next", after_events=1, mid_event=True)
    r.advance(5)
    r.fault("close", verb="watch")  # the informer re-watches, and that watch is the one reset
    r.wait_for(open_watches(2))
    r.advance(25)  # ADDED web-c at 20 is the event cut in half
    r.wait_for(lambda rr: len(rr.watches()) >= 3 and rr.watches()[-1].end == "open")
    r.advance(10)
    r.wait_for(lambda _: "DELETED web-b" in informed.events)
    reset = r.watches()[1]
    assert reset.end == "fault-reset"
    assert informed.errors  # the client saw the broken connection ...
    assert informed.events.count("ADDED web-c") == 1  # ... and neither lost nor repeated the event
    assert informed.cache() == ["web-a", "web-c"]


def test_expire_once_is_retried_twice_relists(informed: Informer) -> None:
    r = informed.replay
    r.advance(15)
    r.fault("expire", verb="watch")
    r.wait_for(open_watches(2))
    assert len(r.requests("list")) == 1 and r.watches()[1].resource_version == "101"  # retried the same RV
    r.fault("expire", verb="watch", when="next")
    r.fault("expire", verb="watch")
    r.wait_for(lambda rr: len(rr.requests("list")) == 2 and rr.watches()[-1].end == "open")
    assert r.watches()[-1].resource_version == "101"


def test_http_410_on_the_watch_makes_the_informer_relist(informed: Informer) -> None:
    r = informed.replay
    r.fault("http-status", verb="watch", status=410)
    r.fault("close", verb="watch")
    r.wait_for(lambda rr: len(rr.requests("list")) == 2 and rr.watches()[-1].end == "open")
    assert r.watches()[1].status == 410 and r.watches()[1].end == "fault-http-410"


def test_http_503_on_relist_is_retried(informed: Informer) -> None:
    r = informed.replay
    r.fault("http-status", verb="list", status=503, retry_after=1, count=1)
    r.fault("http-status", verb="watch", status=410)
    r.fault("close", verb="watch")
    r.wait_for(lambda rr: any(q.status == 503 for q in rr.requests("list")))
    # The Python informer waits 5 s of wall time before retrying a failed list: it comes back.
    r.wait_for(lambda rr: len(rr.requests("list")) == 3 and rr.watches()[-1].end == "open", timeout=30)
    assert [q.status for q in r.requests("list")] == [200, 503, 200]


def test_restart_expires_old_resource_versions(informed: Informer) -> None:
    r = informed.replay
    r.advance(100)  # pods quiet since 30 s; configmaps moved the cluster's RV to 110
    r.fault("restart")
    r.wait_for(lambda rr: len(rr.requests("list")) == 2 and rr.watches()[-1].end == "open")
    restart_close = r.watches()[0]
    assert restart_close.end == "fault-close"
    expired = [w for w in r.watches() if w.end == "expired"]
    assert expired and all(w.resource_version == "103" for w in expired)  # its last pod RV, now too old
    assert r.watches()[-1].resource_version == "110"  # relisted at the current RV
    assert informed.cache() == ["web-a", "web-c"]


@pytest.mark.clients("node")
def test_stall_leaves_client_node_watch_hanging(watchproxy: Start, recording: Path, tmp_path: Path) -> None:
    r = watchproxy(recording, seed=3)
    home = tmp_path / "home"
    (home / ".kube").mkdir(parents=True)
    (home / ".kube" / "config").write_text(Path(r.kubeconfig).read_text())
    c = node_client("seed-watch.js", r.kubeconfig, home=str(home))
    try:
        r.wait_for_watches(1, open_=True)
        c.wait_for(lambda ls: len(ls) == 2, what="the initial events")
        r.fault("stall", verb="watch", when="next", after_events=0)
        r.fault("close", verb="watch")
        c.wait_line("done")  # client-node does not reconnect: the seed script ends here
        assert len(r.watches()) == 1
    finally:
        c.kill()
    # A client that does reconnect (the Python watch) walks into the stall and hangs there.
    w = python_client("py_watch.py", r.kubeconfig)
    try:
        r.wait_for(lambda rr: len(rr.watches()) >= 2)
        r.advance(4000)  # far past any deadline: a stalled connection is never closed
        assert r.watches()[1].end == "fault-stall" and len(r.watches()) == 2
        assert w.proc.poll() is None
    finally:
        w.kill()


def test_slow_delays_each_event_on_the_clock(watchproxy: Start, recording: Path) -> None:
    r = watchproxy(recording, seed=3)
    r.fault("slow", verb="watch", delay=100)
    c = python_client("py_watch.py", r.kubeconfig, "--resource-version", "100")
    try:
        r.wait_for_watches(1, open_=True)
        r.advance(30)  # without the fault, three events by now
        assert r.watches()[0].events <= 1
        r.advance(300)
        c.wait_for(lambda ls: len(ls) >= 3, what="the delayed events")
    finally:
        c.kill()


async def test_no_initial_events_end_bookmark(watchproxy: Start, recording: Path) -> None:
    r = watchproxy(recording, seed=3)
    query = "watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"

    async def first_events(n: int) -> list[dict[str, Any]]:
        async with aiohttp.ClientSession() as http, \
                http.get(f"{r.url}/api/v1/namespaces/default/pods?{query}&timeoutSeconds=1") as resp:
            await r.aadvance(1)
            return [json.loads(line) for line in (await resp.read()).splitlines()][:n]

    normal = await first_events(3)
    assert normal[-1]["type"] == "BOOKMARK"
    assert normal[-1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    r.fault("no-initial-events-end", verb="watch")
    faulty = await first_events(3)
    assert [e["type"] for e in faulty] == ["ADDED", "ADDED"]
    assert "no-initial-events-end" in " ".join(r.watches()[-1].notes)


async def list_statuses(url: str, n: int) -> list[int]:
    """The status of each of `n` lists of default's pods, one after the other."""
    async with aiohttp.ClientSession() as http:
        codes = []
        for _ in range(n):
            async with http.get(f"{url}/api/v1/namespaces/default/pods") as resp:
                codes.append(resp.status)
    return codes


async def test_two_faults_of_one_kind_take_turns(watchproxy: Start, recording: Path) -> None:
    r = watchproxy(recording, seed=3)
    r.fault("http-status", verb="list", status=503)
    r.fault("http-status", verb="list", status=429, retry_after=2)
    assert await list_statuses(r.url, 3) == [503, 429, 200]


async def test_nth_counts_every_matching_request(watchproxy: Start, recording: Path) -> None:
    r = watchproxy(recording, seed=3)
    r.fault("http-status", verb="list", status=503, nth=1)
    r.fault("http-status", verb="list", status=429, nth=2)
    r.fault("http-status", verb="list", status=500, nth=4)
    assert await list_statuses(r.url, 5) == [503, 429, 200, 500, 200]
