"""The real Go clients (tests/peers/goclients: client-go, controller-runtime) through watchproxy.

Each peer is recorded once against the real kube-apiserver while a workload changes pods in a namespace of
its own; then the recording is replayed exactly (the peer prints what it printed while recording), and in
emulate mode on a manual clock with frequent closes (the peer's cache ends equal to the emulated server's
state, which equals the real server's final state), and with one fault (an ERROR 410 in the stream: the
peer relists).

Emulate rebuilds its watch cache from each recording: from the Go client's own requests, which record
asked the apiserver for in JSON and uncompressed (README, "Go clients"). The metadata client's recording
holds each object's metadata alone (PartialObjectMetadata), which emulate rebuilds from only where no whole
object was seen: a plain JSON watch beside that peer makes it the case where both were (kube-rs's metadata
watcher, tests/test_peers.py, is the case of a metadata client alone). The controller's under
--keep-protobuf holds them in protobuf, which emulate reads.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from watchproxy.engines.store import load
from watchproxy.server.kubeconfig import write_kubeconfig
from watchproxy.server.sessions import RecordSession, ReplaySession
from watchproxy.testing import Replay

from tests import rawhttp
from tests.procs import ROOT, ClientProcess, python_client
from tests.realkube import RealKube
from tests.twosides import real_then_emulated
from tests.workload import Workload

# subcommand -> its flags: the informer takes the classic LIST + WATCH path, the others client-go's
# default since 0.35, WatchList (sendInitialEvents and the initial-events-end bookmark).
PEERS = {"informer": ("--watch-list=false",), "controller": (), "metadata": (), "watchlist": ()}
EVENT_HEADS = ("ADDED", "MODIFIED", "DELETED")
ANNOTATION = "watchproxy.test/reconciled"
QUIET_START = 1.0  # seconds from the first request to the first change, in the recordings


def kubeconfig_for(url: str, path: Path) -> Path:
    write_kubeconfig(path, url)
    return path


def go_client(binary: Path, peer: str, kubeconfig: str | Path, namespace: str) -> ClientProcess:
    return ClientProcess([str(binary), peer, "--kubeconfig", str(kubeconfig), "--namespace", namespace,
                          *PEERS.get(peer, ())])


def events(lines: list[str]) -> list[str]:
    return [ln for ln in lines if ln.split(" : ")[0] in EVENT_HEADS]


def finals(lines: list[str]) -> dict[str, str]:
    return {ln.split(" : ")[1].split()[0]: ln.split()[-1] for ln in lines if ln.startswith("FINAL : ")}


def transcript(lines: list[str]) -> list[str]:
    """What a replay must print as the recording's client did: not the reconciler's writes, nor the end."""
    return [ln for ln in lines if not ln.startswith(("PATCHED : ", "FINAL : ")) and ln != "done"]


def in_order(lines: list[str]) -> tuple[list[str], list[str]]:
    """A transcript's bookmarks and everything else, each in its order. The watchlist peer prints a bookmark
    as its watch wrapper reads it, and an event once the reflector has stored it: a bookmark right behind an
    event is printed first when the reflector is slow (seen twice on a loaded host, a recording's and its exact
    replay's lines differing only so), which says nothing of what the stream held."""
    told = transcript(lines)
    return [ln for ln in told if ln.startswith("BOOKMARK : ")], [ln for ln in told if not ln.startswith("BOOKMARK : ")]


def with_head(lines: list[str], head: str) -> list[str]:
    return [ln for ln in lines if ln.startswith(f"{head} : ")]


@dataclass(frozen=True)
class Recorded:
    peer: str
    namespace: str
    path: Path
    lines: list[str]
    server: dict[str, str]  # the real server's pods at the end: name -> resourceVersion

    @property
    def collection(self) -> str:
        return f"/api/v1/namespaces/{self.namespace}/pods"


def _workload(w: Workload, client: ClientProcess, peer: str) -> None:
    """Two pods created, taken through Pending to Running, one labelled, the other deleted.

    The controller patches each new pod; the workload's status updates are read-modify-write, so they
    wait for that patch rather than race it into a 409."""
    def settle(name: str) -> None:
        if peer == "controller":
            client.wait_line(f"PATCHED : {name}")

    for name in ("web-0", "web-1"):
        w.create_pod(name)
        settle(name)
    for phase in ("Pending", "Running"):
        for name in ("web-0", "web-1"):
            w.post_pod_status(name, phase)
    w.label_pod("web-0", "tier", "front")
    w.delete_pod("web-1")


async def _record(kube: RealKube, tmp: Path, binary: Path, peer: str, keep_protobuf: bool = False) -> Recorded:
    ns = f"go-{peer}" + ("-pb" if keep_protobuf else "")
    w = Workload(kube.admin_kubeconfig, namespace=ns)
    try:
        w.ensure_namespace()
        w.create_pod("before")  # there before the client starts: its initial list
        out = tmp / f"{peer}.msgpack"
        async with RecordSession(out, kubeconfig=str(kube.admin_kubeconfig), keep_protobuf=keep_protobuf) as s:
            kc = str(kubeconfig_for(s.url, tmp / "proxy.kubeconfig"))
            # A JSON watch beside the metadata client: its whole objects, not the metadata, are what emulate
            # rebuilds from (and then serves to the metadata client as PartialObjectMetadata).
            beside = [python_client("py_watch.py", kc, "--namespace", ns)] if peer == "metadata" else []
            client = go_client(binary, peer, kc, ns)
            try:
                for c in (*beside, client):
                    await asyncio.to_thread(c.wait_line, "ADDED : before")
                if peer == "controller":
                    await asyncio.to_thread(client.wait_line, "PATCHED : before")
                # Shapes the recording, synchronises nothing: the first change comes a second after the
                # peer's first request, as after an operator's start, so an emulated WatchList has its
                # initial-events-end bookmark out before it (see _drive).
                started = min(e.wall for e in s.log.entries)
                await asyncio.sleep(max(0.0, started + QUIET_START - time.time()))
                await asyncio.to_thread(_workload, w, client, peer)
                for c in (*beside, client):
                    await asyncio.to_thread(c.wait_line, "DELETED : web-1")
                assert await asyncio.to_thread(client.terminate) == 0, client.stderr[-20:]
            finally:
                for c in (*beside, client):
                    c.kill()
        pods = w.core.list_namespaced_pod(ns).items
        if peer == "controller":
            assert all((p.metadata.annotations or {}).get(ANNOTATION) == "true" for p in pods)
        return Recorded(peer, ns, out, client.lines, {p.metadata.name: p.metadata.resource_version for p in pods})
    finally:
        w.close()


@pytest.fixture(scope="module", params=list(PEERS))
def recorded(request: pytest.FixtureRequest, realkube: RealKube, goclients: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    peer = str(request.param)
    yield asyncio.run(_record(realkube, tmp_path_factory.mktemp(f"go-{peer}"), goclients, peer))


@pytest.fixture(scope="module")
def recorded_protobuf(realkube: RealKube, goclients: Path, tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """The controller recorded with --keep-protobuf: it gets (and the recording holds) protobuf."""
    return asyncio.run(_record(realkube, tmp_path_factory.mktemp("go-pb"), goclients, "controller", True))


def test_record_from_the_real_apiserver(recorded: Recorded) -> None:
    """What the peer saw through the proxy, and its cache at exit, are the real server's."""
    seen = events(recorded.lines)
    assert seen[0] == "ADDED : before"
    assert {"ADDED : web-0", "ADDED : web-1", "DELETED : web-1"} <= set(seen)
    assert seen.count("MODIFIED : web-0") >= 3  # Pending, Running, the label (and the controller's patch)
    assert finals(recorded.lines) == recorded.server
    assert not with_head(recorded.lines, "ERROR")
    if recorded.peer == "controller":
        assert sorted(with_head(recorded.lines, "PATCHED")) == ["PATCHED : before", "PATCHED : web-0",
                                                                 "PATCHED : web-1"]
    if recorded.peer == "watchlist":
        assert with_head(recorded.lines, "INITIAL-EVENTS-END")  # the k8s.io/initial-events-end bookmark
    ua = f"watchproxy-goclients/{recorded.peer}"
    watches = [e for e in load(recorded.path).exchanges.values()
               if e.info.verb == "watch" and e.request.header("User-Agent") == ua]
    assert watches
    if recorded.peer == "informer":
        assert all("sendInitialEvents" not in e.request.query for e in watches)
    else:
        assert "sendInitialEvents=true" in watches[0].request.query
    # Only the informer is told to speak JSON: client-go 0.37 prefers protobuf for built-in kinds, in its
    # typed clients (watchlist) as in controller-runtime and the metadata client.
    accept = watches[0].request.header("Accept")
    assert accept.startswith("application/json" if recorded.peer == "informer" else
                             "application/vnd.kubernetes.protobuf"), accept


def _run_exact(rec: Recorded, binary: Path) -> list[str]:
    async def run() -> list[str]:
        async with ReplaySession(rec.path, mode="exact", speed=4.0) as s:
            kc = kubeconfig_for(s.url, rec.path.with_suffix(".exact.kubeconfig"))
            client = go_client(binary, rec.peer, kc, rec.namespace)
            try:
                # every line, not only the events: a bookmark that came after the last event was printed
                # before the recorded client stopped (seen once on a loaded machine)
                want = len(transcript(rec.lines))
                await asyncio.to_thread(client.wait_for, lambda ls: len(transcript(ls)) >= want, 60.0,
                                        f"{want} lines")
                assert await asyncio.to_thread(client.terminate) == 0
            finally:
                client.kill()
            return client.lines
    return asyncio.run(run())


def test_exact_replay_prints_what_recording_printed(recorded: Recorded, goclients: Path) -> None:
    lines = _run_exact(recorded, goclients)
    assert in_order(lines) == in_order(recorded.lines)
    assert finals(lines) == recorded.server
    # The reconciler's writes are not a transcript: the recorded stream carries each patch's own MODIFIED
    # event at its recorded time, and a reconciler that runs after it finds the annotation already there
    # and writes nothing. What it does write is a recorded write (exact replay answers it as recorded).
    assert set(with_head(lines, "PATCHED")) <= set(with_head(recorded.lines, "PATCHED"))


def _server_pods(replay: Replay, rec: Recorded) -> dict[str, str]:
    return {k.split("/", 1)[1]: rv for k, rv in replay.objects("/api/v1/pods").items()
            if k.startswith(f"{rec.namespace}/")}


def _open_watch(replay: Replay, rec: Recorded) -> None:
    replay.wait_for(lambda r: bool(r.watches(rec.collection)) and r.watches(rec.collection)[-1].end == "open",
                    what="an open watch of the peer")


def _drive(replay: Replay, rec: Recorded, seed: int) -> None:
    """Move the manual clock through the recording change by change, closing the peer's open watch at
    seeded random moments, then to that watch's own deadline (its timeoutSeconds: client-go always sends
    one, so the server's randomized close never applies to it).

    A watch is closed only once it has sent a live event: client-go backs off, in wall time, after a
    watch that ended within a second with none, and after a WatchList that ended before its
    initial-events-end bookmark (which emulate sends one cacher tick, half a second, after the initial
    events), either of which a manual clock would provoke on every close."""
    rng = random.Random(seed)
    loaded = load(rec.path)
    changes = sorted({t for ex in loaded.exchanges.values() if ex.info.verb == "watch"
                      for _, t, _ in ex.frames.timed()})
    initial: dict[int, int] = {}  # watch id -> events it had sent once its initial events were out
    for t in changes:
        _open_watch(replay, rec)
        w = replay.watches(rec.collection)[-1]
        if w.id not in initial:
            if w.params.get("sendInitialEvents") == "true":
                replay.advance_to(w.at + 0.6)  # its initial-events-end bookmark, before QUIET_START
            initial[w.id] = replay.watches(rec.collection)[-1].events
        if replay.now < t:
            replay.advance_to(t + 0.001)
        w = replay.watches(rec.collection)[-1]
        if w.end == "open" and w.events > initial[w.id] and rng.random() < 0.7:
            replay.fault("close", verb="watch")
    _open_watch(replay, rec)
    deadline = replay.watches(rec.collection)[-1].deadline
    assert deadline is not None
    replay.advance_to(deadline)
    _open_watch(replay, rec)


def test_emulate_with_frequent_closes_ends_with_the_servers_state(recorded: Recorded, goclients: Path) -> None:
    with Replay(recorded.path, seed=7, min_request_timeout=2) as replay:
        kc = kubeconfig_for(replay.url, recorded.path.with_suffix(".closes.kubeconfig"))
        client = go_client(goclients, recorded.peer, kc, recorded.namespace)
        try:
            _drive(replay, recorded, seed=3)
            client.wait_for(lambda ls: "DELETED : web-1" in ls, what="the whole history")
            state = _server_pods(replay, recorded)
            assert client.terminate() == 0
        finally:
            client.kill()
        watches = replay.watches(recorded.collection)
    assert sum(w.end == "fault-close" for w in watches) >= 3
    assert any(w.end == "timeout" for w in watches)
    assert finals(client.lines) == state
    if recorded.peer == "controller":
        # Its patches are writes to emulate, which makes new versions of a pod it reaches before the
        # recorded annotated version does (on a manual clock that version is usually there first, and
        # it writes nothing); the pods are the same.
        assert state.keys() == recorded.server.keys()
    else:
        assert state == recorded.server  # emulate rebuilt the real server's final state
    assert no_errors_but_patches(client.lines)


def test_emulate_relists_after_a_410_in_the_stream(recorded: Recorded, goclients: Path) -> None:
    with Replay(recorded.path, seed=5) as replay:
        kc = kubeconfig_for(replay.url, recorded.path.with_suffix(".fault.kubeconfig"))
        client = go_client(goclients, recorded.peer, kc, recorded.namespace)
        try:
            replay.wait_for_watches(1, open_=True)
            client.wait_line("ADDED : before")
            replay.advance(1.0)
            assert replay.fault("expire", verb="watch") == 1
            replay.wait_for(lambda r: _relisted(r, recorded) and r.watches()[-1].end == "open",
                            what="a relist and a new watch")
            replay.advance(120.0)
            client.wait_for(lambda ls: "DELETED : web-1" in ls, what="the whole history")
            state = _server_pods(replay, recorded)
            assert client.terminate() == 0
        finally:
            client.kill()
    if recorded.peer == "watchlist":  # the bare reflector's watch wrapper prints the ERROR event itself
        assert any("Expired" in ln or "too old" in ln for ln in with_head(client.lines, "ERROR")), client.lines
    else:
        assert no_errors_but_patches(client.lines)
    assert finals(client.lines) == state
    assert state.keys() == recorded.server.keys()
    if recorded.peer != "controller":  # (its patches are writes: new versions in emulate)
        assert state == recorded.server


def no_errors_but_patches(lines: list[str]) -> bool:
    """No ERROR line but the controller's refused patches (emulate is read-only). client-go tells nobody
    of a 410 in the stream, either: its watch error handler sees only failed requests; it just relists."""
    return all(ln.startswith("ERROR : patch ") for ln in with_head(lines, "ERROR"))


def _relisted(replay: Replay, rec: Recorded) -> bool:
    """A list after the 410 (LIST + WATCH clients), or a new WatchList: a watch with sendInitialEvents."""
    reqs = [r for r in replay.requests() if r.path == rec.collection]
    hit = next((i for i, r in enumerate(reqs) if r.end == "fault-expire"), None)
    if hit is None:
        return False
    return any(r.verb == "list" or r.params.get("sendInitialEvents") == "true" for r in reqs[hit + 1:])


# --- protobuf (controller-runtime asks for it for every built-in kind) ----------------------------------

def _controller_exchanges(rec: Recorded) -> list[tuple[str, str, str, str]]:
    """(verb, the Accept the client sent, the response's Content-Type, its Content-Encoding) of each of
    the controller's requests for pods."""
    return [(e.info.verb, e.request.header("Accept"), e.response.header("Content-Type"),
             e.response.header("Content-Encoding"))
            for e in load(rec.path).exchanges.values()
            if e.request.header("User-Agent") == "watchproxy-goclients/controller"
            and e.info.resource == "pods" and e.response is not None]


@pytest.mark.parametrize("recorded", ["controller"], indirect=True)
def test_protobuf_is_recorded_as_json_unless_kept(recorded: Recorded, recorded_protobuf: Recorded) -> None:
    pb_json = "application/vnd.kubernetes.protobuf, */*"  # client-go's Accept when ContentType is protobuf
    default = _controller_exchanges(recorded)
    assert {(v, a) for v, a, _, _ in default} == {("watch", pb_json), ("patch", pb_json)}
    # JSON, and the watch uncompressed (a 1.37 apiserver gzips a WatchList for clients that accept it)
    assert {(v, t, enc) for v, _, t, enc in default} == {("watch", "application/json", ""),
                                                         ("patch", "application/json", "")}
    kept = _controller_exchanges(recorded_protobuf)
    assert {(v, a) for v, a, _, _ in kept} == {("watch", pb_json), ("patch", pb_json)}
    assert {(v, t) for v, _, t, _ in kept} == {("watch", "application/vnd.kubernetes.protobuf;stream=watch"),
                                               ("patch", "application/vnd.kubernetes.protobuf")}


def test_protobuf_recording_replays_exactly(recorded_protobuf: Recorded, goclients: Path) -> None:
    """Exact replay hands the controller the recorded protobuf, which it decodes as it did live."""
    lines = _run_exact(recorded_protobuf, goclients)
    assert events(lines) == events(recorded_protobuf.lines)
    assert finals(lines) == recorded_protobuf.server


def test_protobuf_recording_in_emulate(recorded_protobuf: Recorded, goclients: Path) -> None:
    """Emulate rebuilds its pods from the controller's own protobuf (no JSON beside it in this recording)
    and writes them to the controller in protobuf, as the controller asks."""
    with Replay(recorded_protobuf.path, seed=2) as replay:
        kc = kubeconfig_for(replay.url, recorded_protobuf.path.with_suffix(".emulate.kubeconfig"))
        client = go_client(goclients, "controller", kc, recorded_protobuf.namespace)
        try:
            replay.wait_for_watches(1, open_=True)
            replay.advance(120.0)
            client.wait_for(lambda ls: "DELETED : web-1" in ls, what="the whole history")
            state = _server_pods(replay, recorded_protobuf)
            assert client.terminate() == 0
        finally:
            client.kill()
    assert finals(client.lines) == state and state.keys() == recorded_protobuf.server.keys()


@pytest.mark.parametrize("recorded", ["controller"], indirect=True)
def test_emulate_answers_protobuf_to_who_asks_for_it(recorded: Recorded) -> None:
    """A list and a watch in protobuf for a client that takes only protobuf and for client-go's default
    Accept (protobuf, then anything), as the apiserver answers them (tests/test_protobuf_realkube.py compares
    the bodies); JSON to a client that puts JSON first."""
    import urllib.request

    def get(replay: Replay, accept: str) -> tuple[int, str, bytes]:
        req = urllib.request.Request(f"{replay.url}{recorded.collection}", headers={"Accept": accept})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read(4)

    with Replay(recorded.path) as replay:
        for accept in ("application/vnd.kubernetes.protobuf", "application/vnd.kubernetes.protobuf, */*"):
            assert get(replay, accept) == (200, "application/vnd.kubernetes.protobuf", b"k8s\x00")
            code, headers, body = rawhttp.send_ending_watches(
                (replay.url, ""), replay, "GET", f"{recorded.collection}?watch=1&timeoutSeconds=1", None,
                {"Accept": accept})
            assert (code, headers["Content-Type"]) == (200, "application/vnd.kubernetes.protobuf;stream=watch")
            assert body[:2] == b"\x00\x00"  # a frame's 4-byte length
        assert get(replay, "application/json, application/vnd.kubernetes.protobuf")[1] == "application/json"


def test_a_leader_elected_controller_leads_and_reconciles_in_emulate(goclients: Path) -> None:
    """controller-runtime's leader election creates its Lease in protobuf, then renews it, before it starts
    any controller: emulate reads that Lease (proxy/wire/protobuf.py), so the operator leads and its reconciler
    patches the recorded pods. (Emulate answered the Lease with a 404, then a 400, before.)"""
    with Replay(ROOT / "recordings" / "nginx-deploy.msgpack") as replay:
        client = ClientProcess([str(goclients), "controller", "--kubeconfig", replay.kubeconfig,
                                "--namespace", "default", "--leader-elect"])
        try:
            replay.advance(120.0)  # past the recorded rollout: both pods exist
            client.wait_for(lambda ls: len(with_head(ls, "PATCHED")) >= 2, what="the reconciler's patches")
            lease = replay.requests("create", "/apis/coordination.k8s.io/v1/namespaces/default/leases")
            assert [(r.method, r.status) for r in lease] == [("POST", 201)]
            assert list(replay.objects("/apis/coordination.k8s.io/v1/leases")) == ["default/watchproxy-goclients"]
            assert client.terminate() == 0
        finally:
            client.kill()
    assert not with_head(client.lines, "ERROR")


@pytest.mark.parametrize(("a", "b", "same"), [
    (["ADDED : a", "BOOKMARK : 9", "MODIFIED : a"], ["ADDED : a", "MODIFIED : a", "BOOKMARK : 9"], True),
    (["ADDED : a", "MODIFIED : a"], ["MODIFIED : a", "ADDED : a"], False),  # events keep their order
    (["BOOKMARK : 8", "BOOKMARK : 9"], ["BOOKMARK : 9", "BOOKMARK : 8"], False),  # and bookmarks theirs
    (["ADDED : a", "BOOKMARK : 9"], ["ADDED : a"], False),
])
def test_a_bookmark_may_be_printed_beside_the_event_before_it(a: list[str], b: list[str], same: bool) -> None:
    assert (in_order(a) == in_order(b)) is same


async def test_controller_runtime_writes_read_back_as_from_the_real_apiserver(
        realkube: RealKube, goclients: Path, tmp_path: Path, watchproxy: Callable[..., Replay]) -> None:
    """A controller-runtime reconciler's writes in its helpers' idioms (`goclients writes`: CreateOrUpdate, including
    its no-op; AddFinalizer and Update; merge patches with and without optimistic locking; a typed server-side
    apply; CreateOrPatch with its status patch; DeleteAllOf; deletes with a stale precondition and in the
    foreground), in protobuf through `watchproxy record` and against an emulated replay: what the client read of
    each answer is the same."""
    ns = "go-writes"

    def check(real: list[str]) -> None:
        assert real[-1] == "done" and len(real) == 16, real
        assert {"create or update a=2 : unchanged data [a=2] labels map[] finalizers []",
                "merge patch locked to a stale version : 409 Conflict: Operation cannot be fulfilled on configmaps "
                '"c1": the object has been modified; please apply your changes to the latest version and try again',
                "create or patch it again, status too : updatedStatus generation 2 status replicas 2",
                "delete with a stale precondition : 409 Conflict: Operation cannot be fulfilled on ConfigMap \"c1\": "
                "the ResourceVersion in the precondition (RV) does not match the ResourceVersion in record (RV). The "
                "object might have been modified"} <= set(real), real

    def session(kubeconfig: str) -> list[str]:  # each server's own resourceVersions masked
        return [re.sub(r"\(\d+\)", "(RV)", ln) for ln in go_client(goclients, "writes", kubeconfig, ns).printed()]

    real, emulated = await real_then_emulated(realkube, watchproxy, tmp_path, ns, session, check=check)
    assert emulated == real
