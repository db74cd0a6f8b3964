"""Which recorded answers emulate rebuilds its watch cache from, by what the client asked for.

Record asks the apiserver for JSON whenever the client accepts it (client-go puts protobuf first), so a
protobuf-first request with a JSON answer holds whole objects; a Table answer does not, and must not become
the objects emulate serves; PartialObjectMetadata answers are objects of their metadata alone, rebuilt only where
no whole object was seen, and served only to metadata reads.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path

import pytest
from watchproxy.clock import ManualClock
from watchproxy.engines.base import Incoming
from watchproxy.engines.emulate.engine import Emulator, Wanted
from watchproxy.engines.store import load
from watchproxy.recording import Request

from tests.memory import MemoryResponder, RecordingBuilder, entry, pod

PODS = "/api/v1/namespaces/default/pods"
PB, JSON = "application/vnd.kubernetes.protobuf", "application/json"

METADATA = ("application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,"
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json")


@pytest.mark.parametrize(("accept", "rebuilt"), [
    ("application/json", True),
    ("application/vnd.kubernetes.protobuf, */*", True),  # controller-runtime
    ("application/vnd.kubernetes.protobuf,application/json", True),  # client-go 0.37 typed clients
    (METADATA, "metadata"),  # the metadata client: record asked for PartialObjectMetadata in JSON
    ("application/json;as=Table;v=v1;g=meta.k8s.io,application/json", False),  # kubectl
    ("application/vnd.kubernetes.protobuf", True),  # whole objects, in whatever the answer's media type says
])
def test_emulate_rebuilds_from_answers_holding_whole_objects(tmp_path: Path, accept: str,
                                                             rebuilt: bool | str) -> None:
    b = RecordingBuilder(tmp_path / "r.msgpack")
    b.list(0.0, 100, [pod("web-a", 90)])
    b.watch(0.0, [(1.0, "ADDED", pod("web-b", 101))], end=10.0, query="resourceVersion=100&watch=true")
    b._records = [dataclasses.replace(r, headers=(("Accept", accept),)) if isinstance(r, Request) else r
                  for r in b._records]
    clock = ManualClock()
    emu = Emulator(load(b.write()), clock)
    asyncio.run(clock.advance(5.0))
    expected = {"default/web-a": "90", "default/web-b": "101"} if rebuilt else {}
    assert emu.objects("/api/v1/pods") == expected
    tl = emu.timelines.get("/api/v1/pods")
    assert (tl is not None and tl.metadata_only) == (rebuilt == "metadata")


METADATA_LIST = METADATA.replace("PartialObjectMetadata;", "PartialObjectMetadataList;")


@pytest.mark.parametrize(("accept", "expected"), [
    (METADATA, Wanted(PB, False, ("PartialObjectMetadata", "v1"))),  # in protobuf, the first range
    (METADATA_LIST, Wanted(PB, False, ("PartialObjectMetadataList", "v1"))),
    ("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1",
     Wanted(JSON, False, ("PartialObjectMetadata", "v1beta1"))),
    ("application/json, application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
     Wanted(JSON, False, None)),  # whole objects first
    ("application/json;as=Table;v=v1;g=meta.k8s.io", Wanted(JSON, True, None)),
    ("application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io, application/json",
     Wanted(JSON, False, None)),  # no Table in protobuf: the plain list in JSON, as the apiserver does
    ("application/vnd.kubernetes.protobuf, */*", Wanted(PB, False, None)),
    ("application/yaml", Wanted("application/yaml", False, None)),
    ("application/yaml, application/json", Wanted("application/yaml", False, None)),
    ("application/yaml;as=Table;v=v1;g=meta.k8s.io", Wanted("application/yaml", True, None)),
    ("text/plain", Wanted("", False, None)),
    ("", Wanted(JSON, False, None)),
])
def test_what_an_accept_header_gets_is_negotiated_as_the_apiserver_does(tmp_path: Path, accept: str,
                                                                         expected: Wanted) -> None:
    b = RecordingBuilder(tmp_path / "r.msgpack")
    b.list(0.0, 100, [pod("web-a", 90)])
    emu = Emulator(load(b.write()), ManualClock())
    assert emu.wanted(Incoming("GET", PODS, "", (("Accept", accept),))) == expected


async def _serve(emu: Emulator, clock: ManualClock, query: str, accept: str, path: str = PODS,
                 advance: float = 0.0) -> MemoryResponder:
    out = MemoryResponder(clock)
    req = Incoming("GET", path, query, (("Accept", accept),))
    task = asyncio.ensure_future(emu.serve(req, out, entry(verb=req.info.verb)))
    await asyncio.sleep(0)
    if advance:
        await clock.advance(advance)
    await task
    return out


def _metadata(name: str, rv: int) -> dict[str, object]:
    meta = pod(name, rv)["metadata"]
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}


async def test_emulate_answers_a_metadata_client_with_partial_object_metadata(tmp_path: Path) -> None:
    """As a 1.37 apiserver does (checked against tests/peers/realkube): lists as PartialObjectMetadataList,
    watch events and bookmarks (the initial-events-end one too) as PartialObjectMetadata, a get likewise;
    a list asked for as PartialObjectMetadata (not …List) is a 406."""
    b = RecordingBuilder(tmp_path / "r.msgpack")
    b.list(0.0, 100, [pod("web-a", 90)])
    b.watch(0.0, [(1.0, "ADDED", pod("web-b", 101))], end=10.0, query="resourceVersion=100&watch=true")
    clock = ManualClock()
    emu = Emulator(load(b.write()), clock)
    await clock.advance(5.0)

    listed = json.loads((await _serve(emu, clock, "", METADATA_LIST)).body)
    assert listed == {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
                      "metadata": {"resourceVersion": "101"},
                      "items": [_metadata("web-a", 90), _metadata("web-b", 101)]}

    watched = await _serve(emu, clock, "watch=1&sendInitialEvents=true&allowWatchBookmarks=true&"
                           "resourceVersionMatch=NotOlderThan&timeoutSeconds=2", METADATA, advance=3.0)
    assert watched.events() == [
        {"type": "ADDED", "object": _metadata("web-a", 90)}, {"type": "ADDED", "object": _metadata("web-b", 101)},
        {"type": "BOOKMARK", "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": {
            "resourceVersion": "101", "annotations": {"k8s.io/initial-events-end": "true"}}}}]

    got = await _serve(emu, clock, "", METADATA, path=f"{PODS}/web-b")
    assert (got.status, json.loads(got.body)) == (200, _metadata("web-b", 101))

    refused = await _serve(emu, clock, "", METADATA)
    status = json.loads(refused.body)
    assert (refused.status, status["reason"], status["message"]) == (
        406, "NotAcceptable", "you requested PartialObjectMetadata, but the requested object is a list (*core.PodList)")
    refused = await _serve(emu, clock, "", METADATA_LIST, path=f"{PODS}/web-b")  # (a missing one: its 404 first)
    status = json.loads(refused.body)
    assert (refused.status, status["message"]) == (
        406, "you requested PartialObjectMetadataList, but the requested object is not a list (*core.Pod)")
    assert (await _serve(emu, clock, "", METADATA_LIST, path=f"{PODS}/nope")).status == 404


async def test_a_metadata_clients_recording_alone_is_emulated_for_metadata_reads_only(tmp_path: Path) -> None:
    """A recording of a metadata client alone (kube-rs's metadata watcher, client-go's metadata informer) holds
    each object's metadata and nothing else: emulate rebuilds the collection from it and serves metadata
    reads, its watches closed at their deadline, but never offers those objects as whole ones. Whole reads
    and writes get the recording's answers (here none: the replay's miss)."""
    b = RecordingBuilder(tmp_path / "r.msgpack")
    b.list(0.0, 100, [_metadata("web-a", 90)], kind="PartialObjectMetadataList")
    b.watch(0.0, [(1.0, "ADDED", _metadata("web-b", 101))], end=10.0, query="resourceVersion=100&watch=true")
    b._records = [dataclasses.replace(r, headers=(("Accept", METADATA_LIST if "watch" not in r.query else METADATA),))
                  if isinstance(r, Request) else r for r in b._records]
    clock = ManualClock()
    emu = Emulator(load(b.write()), clock)
    await clock.advance(5.0)
    assert emu.timelines["/api/v1/pods"].metadata_only

    listed = await _serve(emu, clock, "", METADATA_LIST)
    assert json.loads(listed.body)["items"] == [_metadata("web-a", 90), _metadata("web-b", 101)]
    watched = await _serve(emu, clock, "watch=1&resourceVersion=100&timeoutSeconds=2", METADATA, advance=3.0)
    assert watched.events() == [{"type": "ADDED", "object": _metadata("web-b", 101)}]

    whole = await _serve(emu, clock, "", "application/json")
    assert whole.status == 404 and b"web-a" not in whole.body  # no stand-in Pods made of metadata
    out = MemoryResponder(clock)
    log = entry(verb="create")
    body = json.dumps(pod("web-c", 0)).encode()
    await emu.serve(Incoming("POST", PODS, "", (("Content-Type", "application/json"),), body), out, log)
    assert (log.answered_by, out.status) == ("emulated: nothing served there", 404)
    assert "web-c" not in emu.objects("/api/v1/pods")
