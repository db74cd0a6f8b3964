"""The emulated watch cache, driven by a manual clock with no sockets: RV semantics, the 410 window,
bookmark cadence, initial events, selectors, lists and the randomized timeout."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from watchproxy.clock import ManualClock
from watchproxy.engines.base import Incoming
from watchproxy.engines.emulate.engine import Emulator
from watchproxy.engines.emulate.timeout import TimeoutDraw
from watchproxy.engines.requestlog import RequestLog
from watchproxy.engines.store import load

from tests.memory import MemoryResponder, RecordingBuilder, pod, two_pods

PODS = "/api/v1/namespaces/default/pods"


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    return two_pods(tmp_path / "r.msgpack")


class Harness:
    def __init__(self, path: Path, **kw: Any) -> None:
        self.clock = ManualClock()
        self.emu = Emulator(load(path), self.clock, **kw)
        self.log = RequestLog(self.clock.now)

    def start(self, query: str, path: str = PODS, accept: str = "application/json"
              ) -> tuple[MemoryResponder, asyncio.Task[None]]:
        out = MemoryResponder(self.clock)
        req = Incoming("GET", path, query, (("Accept", accept),))
        entry = self.log.open("GET", path, query, req.info.verb, "pods", "default")
        task = asyncio.ensure_future(self.emu.serve(req, out, entry))
        return out, task

    async def get(self, query: str, path: str = PODS, accept: str = "application/json") -> MemoryResponder:
        out, task = self.start(query, path, accept)
        await task
        return out


def summary(out: MemoryResponder) -> list[tuple[float, str, str, str]]:
    return [(t, e["type"], e["object"]["metadata"].get("name", ""), e["object"]["metadata"]["resourceVersion"])
            for t, e in out.timed_events()]


async def test_rv_unset_gets_current_state_then_live_events_at_their_times(recording: Path) -> None:
    h = Harness(recording)
    out, task = h.start("watch=true&timeoutSeconds=200")
    await h.clock.advance(0)
    assert summary(out) == [(0.0, "ADDED", "a", "90")]
    await h.clock.advance(15)
    assert summary(out)[1:] == [(10.0, "MODIFIED", "a", "101")]
    await h.clock.advance(200)
    await task
    assert [s[1:] for s in summary(out)] == [("ADDED", "a", "90"), ("MODIFIED", "a", "101"),
                                             ("ADDED", "b", "102"), ("DELETED", "a", "103"),
                                             ("MODIFIED", "b", "104")]
    assert [s[0] for s in summary(out)] == [0.0, 10.0, 20.0, 30.0, 100.0]
    assert out.finished and not out.aborted
    assert h.log.entries[0].end == "timeout" and h.log.entries[0].end_virtual == 200.0


async def test_specific_rv_replays_history_after_it_without_synthetic_adds(recording: Path) -> None:
    h = Harness(recording)
    await h.clock.advance(50)
    out, task = h.start("watch=true&resourceVersion=101&timeoutSeconds=100")
    await h.clock.advance(0)
    assert summary(out) == [(50.0, "ADDED", "b", "102"), (50.0, "DELETED", "a", "103")]
    await h.clock.advance(100)
    await task
    assert summary(out)[-1] == (100.0, "MODIFIED", "b", "104")


async def test_rv_older_than_history_gets_one_error_410_in_a_200_stream(recording: Path) -> None:
    h = Harness(recording)
    out = await h.get("watch=1&resourceVersion=50")
    assert out.status == 200 and out.finished
    assert out.body == (b'{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},'
                        b'"status":"Failure","message":"too old resource version: 50 (100)",'
                        b'"reason":"Expired","code":410}}\n')


async def test_history_window_expires_old_resource_versions(recording: Path) -> None:
    h = Harness(recording, history=30.0)
    await h.clock.advance(100)
    out = await h.get("watch=true&resourceVersion=101")
    assert out.events()[0]["object"]["code"] == 410
    assert out.events()[0]["object"]["message"] == "too old resource version: 101 (103)"
    ok, task = h.start("watch=true&resourceVersion=103&timeoutSeconds=1")
    await h.clock.advance(1)
    await task
    assert [e["type"] for e in ok.events()] == ["MODIFIED"]


async def test_default_timeout_is_min_request_timeout_times_one_plus_u(recording: Path) -> None:
    closes = []
    for seed in (1, 2):
        h = Harness(recording, seed=seed)
        out, task = h.start("watch=true&resourceVersion=104")
        expected = TimeoutDraw(seed, 1800).timeout("GET " + PODS + "?resourceVersion=104&watch=true#0")
        await h.clock.advance(expected - 0.001)
        assert not task.done()
        await h.clock.advance(0.001)
        await task
        assert out.finished and out.body == b""  # no final event at the deadline
        assert 1800 <= expected < 3600
        closes.append(h.log.entries[0].end_virtual)
    assert closes[0] != closes[1]


async def test_same_seed_and_requests_give_identical_transcripts(recording: Path) -> None:
    async def run(seed: int) -> list[Any]:
        h = Harness(recording, seed=seed)
        outs = [h.start(q) for q in ("watch=true", "watch=true&resourceVersion=101", "watch=true")]
        await h.clock.advance(4000)
        for _, task in outs:
            await task
        return [(o.headers, o.writes, e.end_virtual) for (o, _), e in zip(outs, h.log.entries, strict=True)]

    assert await run(7) == await run(7)
    assert await run(7) != await run(8)


async def test_bookmarks_every_minute_and_before_the_deadline_once_past_the_start(tmp_path: Path) -> None:
    """Bookmarks carry the RV of the watched resource's own cache (as on a real 1.37 apiserver: other
    resources' writes reach it only at its once-a-minute sync, the object-count poll's consistent read), so
    they matter to a filtered watch whose events are all filtered out. Once that RV is past the one the watch
    started from, each period sends it, moved or not (cache_watcher.go compares with the starting RV only)."""
    b = RecordingBuilder(tmp_path / "b.msgpack")
    b.list(0.0, 100, [pod("a", 90)])
    others = [(30.0 * i, "ADDED", {**pod(f"p{i}", 100 + i), "metadata": {
        "name": f"p{i}", "namespace": "default", "resourceVersion": str(100 + i), "labels": {"app": "other"}}})
              for i in range(1, 5)]
    b.watch(0.0, others, end=500.0)
    cm = [(150.0, "ADDED", {"kind": "ConfigMap", "apiVersion": "v1",
                            "metadata": {"name": "c", "namespace": "default", "resourceVersion": "150"}})]
    b.list(0.0, 100, [], path="/api/v1/namespaces/default/configmaps", kind="ConfigMapList")
    b.watch(0.0, cm, end=500.0, path="/api/v1/namespaces/default/configmaps")
    h = Harness(b.write())
    out, task = h.start("watch=true&resourceVersion=100&allowWatchBookmarks=true&timeoutSeconds=200"
                        "&labelSelector=app%3Dweb")
    await h.clock.advance(200)
    await task
    marks = [(t, e["type"], e["object"]["metadata"]["resourceVersion"]) for t, e in out.timed_events()]
    # pods' RV 102 at 60 s; 104 at 120 s; the configmap's 150 (another resource's, at 150 s) only from the
    # sync at 180 s, then at the pre-deadline bookmark (2 s before the deadline, sent at the cacher's next
    # tick: half a second later)
    assert marks == [(60.0, "BOOKMARK", "102"), (120.0, "BOOKMARK", "104"), (180.0, "BOOKMARK", "150"),
                     (198.5, "BOOKMARK", "150")]
    assert out.events()[0]["object"] == {"kind": "Pod", "apiVersion": "v1",
                                         "metadata": {"resourceVersion": "102"},
                                         "spec": {"containers": None}, "status": {}}


async def test_send_initial_events_ends_with_annotated_bookmark(recording: Path) -> None:
    h = Harness(recording)
    await h.clock.advance(25)
    out, task = h.start("watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                        "&allowWatchBookmarks=true&timeoutSeconds=10")
    await h.clock.advance(10)
    await task
    evs = out.events()
    # ... and, 2 s before the deadline, a bookmark at the deletion's RV (past the RV the watch started from)
    assert [(e["type"], e["object"]["metadata"].get("name")) for e in evs] == [
        ("ADDED", "a"), ("ADDED", "b"), ("BOOKMARK", None), ("DELETED", "a"), ("BOOKMARK", None)]
    assert evs[2]["object"]["metadata"] == {"resourceVersion": "102",
                                            "annotations": {"k8s.io/initial-events-end": "true"}}


async def test_label_selector_turns_transitions_into_added_and_deleted(tmp_path: Path) -> None:
    b = RecordingBuilder(tmp_path / "s.msgpack")
    b.list(0.0, 100, [pod("a", 90, labels={"tier": "web"})])
    b.watch(0.0, [(5.0, "MODIFIED", pod("a", 101, labels={"tier": "db"})),
                  (6.0, "MODIFIED", pod("a", 102, labels={"tier": "web"}))], end=100.0)
    h = Harness(b.write())
    out, task = h.start("watch=true&resourceVersion=100&labelSelector=tier%3Dweb&timeoutSeconds=10")
    await h.clock.advance(10)
    await task
    assert [(e["type"], e["object"]["metadata"]["resourceVersion"]) for e in out.events()] == [
        ("DELETED", "101"), ("ADDED", "102")]


async def test_lists_state_paging_and_exact_rv(recording: Path) -> None:
    h = Harness(recording)
    await h.clock.advance(25)
    out = await h.get("")
    assert out.status == 200 and out.content_length == len(out.body)
    doc = __import__("json").loads(out.body)
    assert doc["kind"] == "PodList" and doc["metadata"]["resourceVersion"] == "102"
    assert [i["metadata"]["name"] for i in doc["items"]] == ["a", "b"]
    assert "kind" not in doc["items"][0]
    page = __import__("json").loads((await h.get("limit=1")).body)
    assert [i["metadata"]["name"] for i in page["items"]] == ["a"] and page["metadata"]["remainingItemCount"] == 1
    nxt = __import__("json").loads((await h.get(f"limit=1&continue={page['metadata']['continue']}")).body)
    assert [i["metadata"]["name"] for i in nxt["items"]] == ["b"] and "continue" not in nxt["metadata"]
    past = __import__("json").loads((await h.get("resourceVersion=101&resourceVersionMatch=Exact")).body)
    assert [(i["metadata"]["name"], i["metadata"]["resourceVersion"]) for i in past["items"]] == [("a", "101")]
    old = await h.get("resourceVersion=10&resourceVersionMatch=Exact")
    assert old.status == 410


@pytest.mark.parametrize(("path", "query"), [
    (PODS, "resourceVersion=101"),
    (PODS, "resourceVersion=101&resourceVersionMatch=Exact"),
    (PODS, "resourceVersion=101&limit=1"),
    (f"{PODS}/a", "resourceVersion=101"),
])
async def test_a_read_at_a_resource_version_not_reached_waits_for_it_up_to_3_s(recording: Path, path: str,
                                                                                query: str) -> None:
    """The watch cache blocks a read until it reaches the resourceVersion asked for (pod a's change at 10 s
    here), and answers 504 after 3 s of waiting in vain."""
    h = Harness(recording)
    await h.clock.advance(8)
    out, task = h.start(query, path)
    await h.clock.advance(1.9)
    assert not out.started
    await h.clock.advance(0.2)
    await task
    assert out.status == 200 and b'"resourceVersion":"101"' in out.body
    never, task = h.start("resourceVersion=999", path)
    await h.clock.advance(2.9)
    assert not never.started
    await h.clock.advance(0.2)
    await task
    assert never.status == 504 and b"Too large resource version: 999" in never.body


async def test_a_clients_write_ends_a_reads_wait_for_its_resource_version(recording: Path) -> None:
    h = Harness(recording)
    await h.clock.advance(50)  # the recording is at 103 until 100 s
    out, task = h.start("resourceVersion=105")
    await h.clock.advance(1)
    assert not out.started
    body = json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c"},
                       "spec": {"containers": [{"name": "c", "image": "x"}]}}).encode()
    req = Incoming("POST", PODS, "", (("Content-Type", "application/json"),), body)
    await h.emu.serve(req, MemoryResponder(h.clock), h.log.open("POST", PODS, "", "create", "pods", "default"))
    await h.clock.advance(0)  # the write is 105 (after every recorded version): the read goes on now
    assert task.done() and out.status == 200 and h.clock.now() == 51
    assert [i["metadata"]["name"] for i in json.loads(out.body)["items"]] == ["b", "c"]


@pytest.mark.parametrize(("query", "code"), [
    ("watch=true&resourceVersion=abc", 500),  # as the apiserver answers (tests/test_params_realkube.py)
    ("watch=true&timeoutSeconds=99999999999999999999", 400),
    ("resourceVersion=5&resourceVersionMatch=Bogus", 422),
    ("limit=1&continue=notbase64!!", 400),
    ("watch=true&timeoutSeconds=soon", 400),
    ("watch=true&sendInitialEvents=true", 422),
    ("labelSelector=a%20in%20(", 400),
    ("fieldSelector=spec.bogus%3Dx", 400),
    ("resourceVersionMatch=Exact", 422),
])
async def test_bad_parameters_get_a_status(recording: Path, query: str, code: int) -> None:
    h = Harness(recording)
    out = await h.get(query)
    assert out.status == code
    assert __import__("json").loads(out.body)["kind"] == "Status"


async def test_object_deleted_between_lists_is_deleted_for_watchers(tmp_path: Path) -> None:
    b = RecordingBuilder(tmp_path / "d.msgpack")
    b.list(0.0, 100, [pod("a", 90), pod("b", 95)])
    b.list(50.0, 120, [pod("a", 90)])
    h = Harness(b.write())
    out, task = h.start("watch=true&resourceVersion=100&timeoutSeconds=60")
    await h.clock.advance(60)
    await task
    assert [(e["type"], e["object"]["metadata"]["name"], e["object"]["metadata"]["resourceVersion"])
            for e in out.events()] == [("DELETED", "b", "120")]


async def test_table_watch_sends_column_definitions_with_the_first_event_only(recording: Path) -> None:
    h = Harness(recording)
    out, task = h.start("watch=true&timeoutSeconds=40",
                        accept="application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
    await h.clock.advance(40)
    await task
    evs = out.events()
    assert evs[0]["object"]["kind"] == "Table" and evs[0]["object"]["columnDefinitions"][0]["name"] == "Name"
    assert all(e["object"]["columnDefinitions"] is None for e in evs[1:])
    assert evs[0]["object"]["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
    assert evs[0]["object"]["rows"][0]["cells"][:3] == ["a", "0/1", "Pending"]


async def test_get_serves_the_object_as_it_is_now(recording: Path) -> None:
    h = Harness(recording)
    await h.clock.advance(15)
    out = await h.get("", path=f"{PODS}/a")
    assert out.status == 200 and json.loads(out.body)["metadata"]["resourceVersion"] == "101"
    assert json.loads(out.body)["kind"] == "Pod"
    await h.clock.advance(20)  # deleted at 30
    gone = await h.get("", path=f"{PODS}/a")
    assert gone.status == 404
    assert json.loads(gone.body)["message"] == 'pods "a" not found'
    # no empty group: the real apiserver omits it
    assert json.loads(gone.body)["details"] == {"name": "a", "kind": "pods"}


async def test_legacy_watch_paths_for_a_collection_and_for_one_object(recording: Path) -> None:
    h = Harness(recording)
    everything, t1 = h.start("resourceVersion=100&timeoutSeconds=40", path="/api/v1/watch/namespaces/default/pods")
    one, t2 = h.start("resourceVersion=100&timeoutSeconds=40", path="/api/v1/watch/namespaces/default/pods/b")
    await h.clock.advance(40)
    await t1
    await t2
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in everything.events()] == [
        ("MODIFIED", "a"), ("ADDED", "b"), ("DELETED", "a")]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in one.events()] == [("ADDED", "b")]


@pytest.mark.parametrize("query", [
    "watch=true&allowWatchBookmarks=true&timeoutSeconds=30",  # a watch-list by default on 1.34+
    "watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
    "&timeoutSeconds=30",
])
async def test_a_watch_list_gets_a_bookmark_at_the_first_tick_and_before_its_deadline(tmp_path: Path,
                                                                                      query: str) -> None:
    """As a real 1.37 apiserver does (docs/fidelity.md): after the initial events and their end bookmark, a
    change that came meanwhile is confirmed by a bookmark at the cacher's next tick (half a second on average),
    and the newest RV again 2 s before the deadline (at its next tick too); both carry the pods cache's RV."""
    b = RecordingBuilder(tmp_path / "w.msgpack", upstream_version="v1.37.2")
    b.list(0.0, 100, [pod("a", 90)])
    b.watch(0.0, [(0.3, "ADDED", pod("b", 101)), (10.0, "ADDED", pod("c", 102))], end=60.0)
    h = Harness(b.write())
    out, task = h.start(query)
    await h.clock.advance(30)
    await task
    assert [(t, e["type"], e["object"]["metadata"]["resourceVersion"]) for t, e in out.timed_events()] == [
        (0.0, "ADDED", "90"), (0.0, "BOOKMARK", "100"), (0.3, "ADDED", "101"), (0.5, "BOOKMARK", "101"),
        (10.0, "ADDED", "102"), (28.5, "BOOKMARK", "102")]


@pytest.mark.parametrize("filtered_first", [True, False])
@pytest.mark.parametrize(("query", "deleted"), [
    ("watch=true&labelSelector=tier%21%3Dfront", False),  # a label selector: the pod can leave it
    ("watch=true&fieldSelector=status.phase%3DPending", False),
    ("watch=true&fieldSelector=metadata.name%3Da", True),  # a name never changes: a DELETED is a deletion
])
async def test_a_deleted_from_a_selector_watch_is_a_deletion_only_if_no_other_watch_saw_that_version(
        tmp_path: Path, filtered_first: bool, query: str, deleted: bool) -> None:
    """The apiserver sends an object that stops matching a watch's selector as a DELETED with its previous
    content at the new resourceVersion, exactly as it sends a deletion. Another watch's MODIFIED of the same
    version says it was a change (recorded in either order), so the pod stays, with its new content."""
    b = RecordingBuilder(tmp_path / "r.msgpack", meta={"min_request_timeout": 1800})
    b.list(0.0, 100, [pod("a", 90)])
    changed = pod("a", 101, "Running", labels={"app": "web", "tier": "front"})
    streams = {
        "filtered": lambda: b.watch(0.0, [(5.0, "DELETED", pod("a", 101))], end=2500.0, query=query),
        "all": lambda: b.watch(0.0, [(5.0 if deleted else 5.01, "DELETED" if deleted else "MODIFIED",
                                      pod("a", 101) if deleted else changed)], end=2500.0,
                               query="watch=true&resourceVersion=100"),
    }
    for name in (("filtered", "all") if filtered_first else ("all", "filtered")):
        streams[name]()
    h = Harness(b.write())
    await h.clock.advance(10)
    items = json.loads((await h.get("")).body)["items"]
    if deleted:
        assert items == []
    else:
        assert [(i["metadata"]["resourceVersion"], i["metadata"]["labels"], i["status"]["phase"]) for i in items] \
            == [("101", {"app": "web", "tier": "front"}, "Running")]


async def test_a_deleted_only_a_selector_watch_saw_is_taken_for_a_deletion(tmp_path: Path) -> None:
    b = RecordingBuilder(tmp_path / "r.msgpack", meta={"min_request_timeout": 1800})
    b.list(0.0, 100, [pod("a", 90)])
    b.watch(0.0, [(5.0, "DELETED", pod("a", 101))], end=2500.0, query="watch=true&labelSelector=app%3Dweb")
    h = Harness(b.write())
    await h.clock.advance(10)
    assert json.loads((await h.get("")).body)["items"] == []
