"""The client peers of other languages and frameworks — fabric8 and kubernetes-client/java (Java), kube-rs (Rust: its
watcher, also with streaming lists and of metadata only, which makes a recording emulate rebuilds from metadata alone),
kubernetes_asyncio and kopf (Python) — each through the three things a user does with watchproxy, in one test per
peer (one JVM start per phase):

1. record: the peer runs through `watchproxy record` against the real kube-apiserver while pods are
   created, progress to Running and one is deleted; on SIGTERM it prints its cache;
2. exact replay: it prints the same transcript, its final cache included (kopf: the same per object);
3. emulate replay of that recording on a manual clock, its watch closed every 2–4 virtual seconds: it ends
   with the cache the emulated server holds; then one fault, an ERROR 410 in its open stream, and the
   reaction the table below says this client has (checked against its source, docs/client-report.md).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from kubernetes.client.rest import ApiException
from watchproxy.engines.store import load
from watchproxy.server.sessions import RecordSession, ReplaySession
from watchproxy.testing import Replay

from tests.procs import JAVA_PEERS, KUBE_RS, ClientProcess, node_client, peer_client, until_logged
from tests.realkube import RealKube
from tests.twosides import real_then_emulated
from tests.workload import Workload

PODS = "/api/v1/namespaces/default/pods"
R9 = "nginx-deploy-679dc9c764-r9ds5"
D5 = "nginx-deploy-679dc9c764-54d5d"
# What the workload does, as a watch reports it: the seed's rollout, then one pod deleted.
WORKLOAD = [f"ADDED : {R9}", f"ADDED : {D5}", f"MODIFIED : {R9}", f"MODIFIED : {D5}", f"MODIFIED : {R9}",
            f"MODIFIED : {D5}", f"DELETED : {D5}"]
EVENT_TYPES = ("ADDED", "MODIFIED", "DELETED")


@dataclass(frozen=True)
class Peer:
    name: str
    # relist: lists again and re-watches; restream: no list, a new watch with sendInitialEvents (its list is a
    # stream); rewatch: watches again, no list; exit: stops
    after_410: str
    needs: Path | None = None  # a binary `make peers` builds
    # fabric8 takes a resumed watch that ends cleanly within 2 s (wall clock) with no message for a stale
    # resourceVersion and reports a 410 the server never sent (AbstractWatchManager.watchEnded, 8.0): its
    # watches are kept open this long before the manual clock moves to their deadline.
    min_open_wall: float = 0.0
    # kopf hands each object's events to a worker of its own (kopf/_core/reactor/queueing.py `worker`):
    # the order within an object is the stream's, the interleaving across objects is the scheduler's.
    ordered_across_objects: bool = True


PEERS = [
    Peer("fabric8-inform", "relist", JAVA_PEERS, min_open_wall=2.5),
    Peer("fabric8-watch", "exit", JAVA_PEERS, min_open_wall=2.5),
    # after a 410 its ReflectorRunnable lists with RV ""; its DeltaFIFO queues an object's events behind the first
    # one still waiting, so how events of several objects interleave depends on how fast its handler takes them
    Peer("client-java-inform", "relist", JAVA_PEERS, ordered_across_objects=False),
    Peer("client-java-watch", "exit", JAVA_PEERS),
    Peer("kube-rs", "relist", KUBE_RS),
    Peer("kube-rs-streaming", "restream", KUBE_RS),
    Peer("kube-rs-metadata", "relist", KUBE_RS),
    Peer("aio-watch", "rewatch"),  # kubernetes_asyncio retries a 410 once with the same resourceVersion
    Peer("kopf", "relist", ordered_across_objects=False),
]


def events(lines: list[str]) -> list[str]:
    return [ln for ln in lines if ln.split(" : ")[0] in EVENT_TYPES]


def cache_from_events(lines: list[str]) -> set[str]:
    """The names a client's printed events leave in a cache."""
    names: set[str] = set()
    for ln in events(lines):
        kind, name = ln.split(" : ", 1)
        (names.discard if kind == "DELETED" else names.add)(name)
    return names


def per_object(lines: list[str]) -> dict[str, list[str]]:
    """Each object's events in the order printed."""
    seen: dict[str, list[str]] = {}
    for ln in events(lines):
        kind, name = ln.split(" : ", 1)
        seen.setdefault(name, []).append(kind)
    return seen


def settled(lines: list[str]) -> list[str]:
    """The transcript without the bookmarks after its last event: one the apiserver sent as the client was
    being stopped is in the recording, and so in the replay, but whether the client printed it before the
    SIGTERM depends on the moment, in either run."""
    last = max((i for i, ln in enumerate(lines) if ln.split(" : ")[0] in EVENT_TYPES), default=-1)
    return [ln for i, ln in enumerate(lines) if i <= last or not ln.startswith("BOOKMARK : ")]


def finals(lines: list[str]) -> dict[str, str]:
    return {ln.split()[2]: ln.split()[3] for ln in lines if ln.startswith("FINAL : ")}


def saw_workload(lines: list[str]) -> bool:
    return not Counter(WORKLOAD) - Counter(events(lines))


def rollout(w: Workload) -> None:
    """The seed's rollout (tests/workload.py's steps), each status post retried on a conflict: kopf's own
    annotation PATCH may land between the read and the replace of a pod; then one pod is deleted."""
    dep = w.deployment("nginx-deploy", 2)
    owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "nginx-deploy", "uid": dep["metadata"]["uid"],
             "controller": True}
    for pod in (R9, D5):
        w.create_pod(pod, owner=owner)
    for phase in ("Pending", "Running"):
        for pod in (R9, D5):
            for attempt in range(5):
                try:
                    w.post_pod_status(pod, phase)
                    break
                except ApiException as exc:
                    if exc.status != 409 or attempt == 4:
                        raise
    w.delete_pod(D5)


async def stop(client: ClientProcess, expect_exit: int = 0) -> list[str]:
    """SIGTERM: the peer prints its cache and `done`."""
    assert await asyncio.to_thread(client.terminate) == expect_exit, client.stderr[-20:]
    assert client.lines[-1] == "done", client.lines[-5:]
    return client.lines


async def record(kube: RealKube, workload: Workload, tmp: Path, peer: Peer) -> tuple[Path, list[str]]:
    out = tmp / f"{peer.name}.msgpack"
    async with RecordSession(out, kubeconfig=str(kube.admin_kubeconfig), write_kubeconfig=tmp / "rec.kc") as s:
        assert s.kubeconfig is not None
        client = peer_client(peer.name, s.kubeconfig)
        try:
            await until_logged(s, lambda: any(e.verb == "watch" and e.status == 200 and not e.end and e.path == PODS
                                              for e in s.log.entries))  # answered: registered upstream
            await asyncio.to_thread(rollout, workload)
            await asyncio.to_thread(client.wait_for, saw_workload, 60, "the workload's events")
            if peer.name == "kopf":  # its own writes: one annotation PATCH per created pod, answered
                await until_logged(s, lambda: sum(e.method == "PATCH" and bool(e.end)
                                                  for e in s.log.entries) >= 2)
            return out, await stop(client)
        finally:
            client.kill()


async def replay_exact(rec: Path, peer: Peer, recorded: list[str]) -> list[str]:
    kc = rec.with_suffix(".exact.kc")
    want = events(recorded)
    async with ReplaySession(rec, mode="exact", speed=2.0, write_kubeconfig=kc):
        client = peer_client(peer.name, str(kc))
        try:
            await asyncio.to_thread(client.wait_for, lambda ls: len(events(ls)) >= len(want), 60, "the events")
            return await stop(client)
        finally:
            client.kill()


def open_watch(replay: Replay, after: int = 0) -> Replay:
    """Until the client has a pod watch open that started after request `after`. Answers the replay gives
    with their recorded latency (discovery, for kopf) wait for virtual time: it is moved on a second at a
    time while such a request is all the client waits for."""
    def watching(r: Replay) -> bool:
        return any(w.id > after and w.end == "open" for w in r.watches(PODS))

    def waiting(r: Replay) -> bool:
        return watching(r) or any(x.end == "open" and x.verb != "watch" for x in r.requests())

    for _ in range(30):
        replay.wait_for(waiting, 60, f"an open pod watch after request {after}, or a request kept waiting")
        if watching(replay):
            return replay
        replay.advance(1.0)
    raise AssertionError(f"no pod watch after request {after}: {[(x.verb, x.path, x.end) for x in replay.requests()]}")


def emulate(rec: Path, peer: Peer, start: Callable[..., Replay]) -> None:
    ends = [ex.end.t for ex in load(rec).exchanges.values() if ex.end is not None]
    replay = start(rec, seed=7, min_request_timeout=2)
    client = peer_client(peer.name, replay.kubeconfig)
    try:
        closes, last_id = 0, 0
        while closes < 5 or replay.now < max(ends):  # past everything recorded, closing every 2–4 s
            w = [w for w in open_watch(replay, last_id).watches(PODS) if w.end == "open"][-1]
            assert w.deadline is not None
            if peer.min_open_wall:  # not a synchronisation: a wall-clock age the client itself checks
                time.sleep(max(0.0, w.wall + peer.min_open_wall - time.time()))
            replay.advance_to(w.deadline)
            closes, last_id = closes + 1, w.id
            assert closes < 40
        open_watch(replay, last_id)
        timeouts = [w for w in replay.watches(PODS) if w.end == "timeout"]
        assert len(timeouts) >= 5
        server = {k.split("/", 1)[1]: rv for k, rv in replay.objects("/api/v1/pods").items()
                  if k.startswith("default/")}
        assert R9 in server and D5 not in server
        client.wait_for(lambda ls: cache_from_events(ls) == set(server), 60, f"a cache of {sorted(server)}")

        lists = len(replay.requests("list", PODS))
        last_id = replay.watches(PODS)[-1].id
        assert replay.fault("expire", verb="watch") >= 1  # ERROR 410 Expired in the open stream, now
        if peer.after_410 == "exit":
            assert client.wait_exit() == 1
            assert any(ln.startswith("ERROR : 410") for ln in client.lines), client.lines[-5:]
        else:
            open_watch(replay, last_id)
            relisted = len(replay.requests("list", PODS)) > lists
            assert relisted == (peer.after_410 == "relist"), [(r.verb, r.params) for r in replay.requests()][-6:]
            streamed = replay.watches(PODS)[-1].params.get("sendInitialEvents") == "true"
            assert streamed == (peer.after_410 == "restream"), replay.watches(PODS)[-1].params
            assert client.terminate() == 0, client.stderr[-20:]
        assert client.lines[-1] == "done"
        assert finals(client.lines) == server  # names and resourceVersions: the cache is the server's state
    finally:
        client.kill()


@pytest.mark.parametrize("peer", PEERS, ids=[p.name for p in PEERS])
async def test_peer_records_replays_exactly_and_survives_emulated_closes(
        peer: Peer, realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    if peer.needs is not None and not peer.needs.exists():
        pytest.fail(f"{peer.needs} is missing: `make peers` builds it")
    workload = Workload(realkube.admin_kubeconfig)
    try:
        await asyncio.to_thread(workload.reset)
        rec, recorded = await record(realkube, workload, tmp_path, peer)
    finally:
        workload.close()
    assert finals(recorded) == {R9: finals(recorded)[R9]}  # the deleted pod is gone from its cache
    replayed = await replay_exact(rec, peer, recorded)
    if peer.ordered_across_objects:
        assert settled(replayed) == settled(recorded)
    else:
        assert per_object(replayed) == per_object(recorded) and finals(replayed) == finals(recorded)
    await asyncio.to_thread(emulate, rec, peer, watchproxy)


def test_a_websocket_watch_gets_an_empty_200_and_no_watch(watchproxy: Callable[..., Replay]) -> None:
    """fabric8 asks for its watches over a WebSocket first; an empty 200 (not a stream, not a 503, which its
    HTTP layer retries for half a minute) sends it to a plain HTTP watch at once."""
    import aiohttp

    replay = watchproxy(Path(__file__).parent.parent / "recordings" / "nginx-deploy.msgpack")
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "hpd9GUernp9tmAcRwOWDCg=="}

    async def ask() -> tuple[int, bytes]:
        async with aiohttp.ClientSession() as http, \
                http.get(f"{replay.url}{PODS}?watch=true&allowWatchBookmarks=true", headers=upgrade) as resp:
            return resp.status, await resp.read()

    assert asyncio.run(ask()) == (200, b"")
    assert replay.watches() == []


async def test_client_java_cannot_read_a_pod_bookmark_on_the_real_apiserver_nor_on_its_replays(
        realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    """kubernetes-client/java#4160 (open at 26.0.0), reproduced offline: the real apiserver ends the initial
    ADDED events of a watch with allowWatchBookmarks and no resourceVersion with a bookmark, whose Pod is
    `"spec": {"containers": null}` (Go's PodSpec.Containers has no omitempty), and client-java validates every
    object it reads against the OpenAPI's required fields: its Watch throws on that bookmark. Recorded, replayed
    exactly and emulated, the client dies the same way, with the same transcript."""
    if not JAVA_PEERS.exists():
        pytest.fail(f"{JAVA_PEERS} is missing: `make peers` builds it")
    workload = Workload(realkube.admin_kubeconfig)
    try:
        await asyncio.to_thread(workload.reset)
        await asyncio.to_thread(workload.create_pod, R9)
    finally:
        workload.close()

    def run(kubeconfig: str) -> list[str]:
        return peer_client("client-java-watch-bookmarks", kubeconfig).printed(1)

    rec = tmp_path / "bookmark.msgpack"
    async with RecordSession(rec, kubeconfig=str(realkube.admin_kubeconfig), write_kubeconfig=tmp_path / "r.kc") as s:
        assert s.kubeconfig is not None
        recorded = await asyncio.to_thread(run, s.kubeconfig)
    assert events(recorded) == [f"ADDED : {R9}"], recorded
    crash = "ERROR : IllegalArgumentException: Expected the field `containers` to be an array in the JSON string but " \
            "got `null`"
    assert crash in recorded
    watch = next(ex for ex in load(rec).exchanges.values() if ex.is_watch_stream)
    assert "allowWatchBookmarks=true" in watch.request.query
    assert b'"BOOKMARK"' in watch.body  # what the client died on

    kc = tmp_path / "exact.kc"
    async with ReplaySession(rec, mode="exact", write_kubeconfig=kc):
        assert await asyncio.to_thread(run, str(kc)) == recorded
    replay = watchproxy(rec, seed=7)
    assert await asyncio.to_thread(run, replay.kubeconfig) == recorded


# What each writing Java peer's transcript must show from the real apiserver, so that a replay agreeing with a
# broken run cannot pass: its length, and lines that say the writes were judged as there.
JAVA_WRITES = {
    "client-java-writes": (21, ['create it again : 409 AlreadyExists: configmaps "c1" already exists',
                                "create a deployment its selector misses : 422 Invalid"]),
    "fabric8-writes": (24, ['create it again : 409 AlreadyExists: configmaps "c1" already exists',
                            "edit it into a NodePort : Service NodePort cluster IPs 1 node ports 1",
                            "delete it again : 0 deleted"]),
}


@pytest.mark.parametrize("peer", JAVA_WRITES)
async def test_java_writes_read_back_as_from_the_real_apiserver(
        peer: str, realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    """What a controller built on kubernetes-client/java (ClientJavaWrites: creates, an update and a stale one, the
    four patch types, deletes, a type change, a headless Service; every answer checked by the client against the
    OpenAPI's required fields) or on fabric8 (Fabric8Writes: its edit, which sends a computed JSON patch, locked and
    unlocked updates, createOr, server-side apply, scale, rolling restart, editStatus, deletes) reads back from its
    writes is the same from a replay as from the real apiserver."""
    if not JAVA_PEERS.exists():
        pytest.fail(f"{JAVA_PEERS} is missing: `make peers` builds it")
    length, shown = JAVA_WRITES[peer]

    def check(real: list[str]) -> None:
        assert real[-1] == "done" and len(real) == length, real
        assert all(any(line.startswith(s) for line in real) for s in shown), real

    real, emulated = await real_then_emulated(realkube, watchproxy, tmp_path, peer,
                                              lambda kc: peer_client(peer, kc).printed(), record=False, check=check)
    assert emulated == real


@pytest.mark.clients("node")
async def test_client_node_writes_read_back_as_from_the_real_apiserver(
        realkube: RealKube, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    """client-node's generic KubernetesObjectApi (examples/node/writes.js: the kind's resource found by discovery,
    creates, reads, three patch strategies, replaces, a list, deletes) reads back the same from a replay as from
    the real apiserver, its own quirks included (a foreground delete's answer, the object, read as a Status)."""
    def check(real: list[str]) -> None:
        assert real[-1] == "done" and len(real) == 15, real
        assert {'create it again : 409 AlreadyExists: configmaps "c1" already exists',
                'server-side apply : ConfigMap {"ap":"1","b":"2"} labels {"x":"y"} managers node-writes,node-fetch'
                } <= set(real), real

    real, emulated = await real_then_emulated(realkube, watchproxy, tmp_path, "node-writes",
                                              lambda kc: node_client("writes.js", kc).printed(), record=False,
                                              check=check)
    assert emulated == real
