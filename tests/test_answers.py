"""Emulate's answers in protobuf and YAML (proxy/engines/emulate/answers.py), without sockets: each is the
JSON answer of the same request written by the encoder (whose bytes tests/test_protobuf_go.py and
tests/test_protobuf_realkube.py hold to Go's and the real apiserver's), and what cannot be written so is
said, not garbled: a body without a protobuf form stays JSON, an event that does not fit its Go type is an
ERROR event, half an event a frame cut short; a fault's ERROR event in a protobuf stream is protobuf."""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import json
import urllib.request
from pathlib import Path

from watchproxy.clock import ManualClock
from watchproxy.engines.base import Incoming
from watchproxy.engines.emulate.answers import YAML, EncodedAnswers
from watchproxy.engines.emulate.engine import Emulator
from watchproxy.engines.store import load
from watchproxy.recording import Frame, Record, Request, Response
from watchproxy.testing import Replay
from watchproxy.wire import protobuf
from watchproxy.wire.framing import LengthPrefixed

from tests.memory import MemoryResponder, RecordingBuilder, entry, pod

PODS = "/api/v1/namespaces/default/pods"
PB, JSON = "application/vnd.kubernetes.protobuf", "application/json"
JSON_HEAD = (("Content-Type", "application/json"),)


async def _serve(emu: Emulator, clock: ManualClock, query: str, accept: str, advance: float = 0.0
                 ) -> MemoryResponder:
    mem = MemoryResponder(clock)
    req = Incoming("GET", PODS, query, (("Accept", accept),))
    task = asyncio.ensure_future(emu.serve(req, emu.answers(req, mem), entry(verb=req.info.verb)))
    await asyncio.sleep(0)
    if advance:
        await clock.advance(advance)
    await task
    return mem


async def test_lists_gets_and_watches_are_their_json_answers_in_protobuf(tmp_path: Path) -> None:
    b = RecordingBuilder(tmp_path / "r.msgpack")
    b.list(0.0, 100, [pod("web-a", 90)])
    b.watch(0.0, [(1.0, "ADDED", pod("web-b", 101)), (2.0, "MODIFIED", pod("web-b", 102))], end=10.0,
            query="resourceVersion=100&watch=true")
    clock = ManualClock()
    emu = Emulator(load(b.write()), clock)
    await clock.advance(5.0)
    for accept in (PB, f"{PB}, */*", f"{PB},application/json"):
        listed, as_json = await _serve(emu, clock, "", accept), await _serve(emu, clock, "", "application/json")
        assert dict(listed.headers)["Content-Type"] == PB
        assert listed.body == protobuf.encode(json.loads(as_json.body))
        assert listed.content_length == len(listed.body)
        query = "watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&" \
                "timeoutSeconds=2"
        watched = await _serve(emu, clock, query, accept, advance=3.0)
        as_json = await _serve(emu, clock, query, "application/json", advance=3.0)
        assert dict(watched.headers)["Content-Type"] == f"{PB};stream=watch"
        assert LengthPrefixed().feed(watched.body) == [protobuf.watch_frame(e) for e in as_json.events()]
        assert [e["type"] for e in as_json.events()] == ["ADDED", "ADDED", "BOOKMARK"]
    unchanged = await _serve(emu, clock, "", "application/json, */*")
    assert dict(unchanged.headers)["Content-Type"] == "application/json" and unchanged.body.startswith(b"{")


async def test_what_has_no_protobuf_form_is_written_as_the_json_it_is() -> None:
    clock = ManualClock()
    for body in (b'{"kind":"Widget","apiVersion":"example.com/v1","metadata":{"name":"w"}}\n',  # a custom kind
                 b'{"kind":"Pod","apiVersion":"v1","spec":{"containers":"none"}}',  # not Go's Pod
                 b'{"major":"1","minor":"37"}', b"[1, 2]", b"not json"):
        mem = MemoryResponder(clock)
        out = EncodedAnswers(mem, watch=False, media=PB, errors=PB)
        await out.start(200, "OK", JSON_HEAD, content_length=len(body))
        await out.send(body[:5])
        await out.send(body[5:])
        await out.finish()
        assert (mem.headers, mem.body, mem.content_length, mem.finished) == (JSON_HEAD, body, len(body), True)


async def test_a_body_keeps_its_media_type_parameters_and_its_other_headers() -> None:
    mem = MemoryResponder(ManualClock())
    out = EncodedAnswers(mem, watch=False, media=PB, errors=PB)
    head = (("Cache-Control", "public"),
            ("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"),
            ("Etag", '"x"'))
    await out.start(200, "OK", head)
    doc = {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": []}
    await out.send(json.dumps(doc).encode())
    await out.finish()
    assert mem.headers == (head[0], ("Content-Type", f"{PB};g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"),
                           head[2])
    assert mem.body == protobuf.encode(doc)


async def test_a_stream_says_what_it_cannot_write_and_cuts_half_an_event_short() -> None:
    mem = MemoryResponder(ManualClock())
    out = EncodedAnswers(mem, watch=True, media=PB, errors=PB)
    await out.start(200, "OK", JSON_HEAD)
    good = {"type": "ADDED", "object": {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a"}}}
    bad = {"type": "MODIFIED", "object": {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": 7}}}
    await out.send_frames([json.dumps(good).encode() + b"\n", json.dumps(bad).encode() + b"\n"])
    half = json.dumps(good).encode()[:20]
    await out.send(half)
    await out.abort()
    whole, cut = mem.body[:-(4 + len(half))], mem.body[-(4 + len(half)):]
    frames = [protobuf.decode_watch_frame(f) for f in LengthPrefixed().feed(whole)]
    assert frames[0] == {"type": "ADDED", "object": protobuf.decode(protobuf.encode(good["object"]))}
    assert frames[1]["type"] == "ERROR"
    error = frames[1]["object"]
    assert isinstance(error, dict) and (error["code"], error["reason"]) == (500, "InternalError")
    assert "cannot write this event in protobuf" in error["message"] and "7" in error["message"]
    assert int.from_bytes(cut[:4], "big") > len(cut) - 4 and mem.aborted  # the frame says more than came


async def test_a_custom_resources_watch_stays_json_and_its_errors_are_protobuf() -> None:
    mem = MemoryResponder(ManualClock())
    out = EncodedAnswers(mem, watch=True, media=JSON, errors=PB)
    await out.start(200, "OK", JSON_HEAD)
    line = b'{"type":"ADDED","object":{"kind":"Widget","apiVersion":"example.com/v1"}}\n'
    await out.send_frames([line])
    await out.finish()
    assert (mem.headers, mem.body) == (JSON_HEAD, line)
    refused = MemoryResponder(ManualClock())
    out = EncodedAnswers(refused, watch=True, media=JSON, errors=PB)
    await out.start(406, "", JSON_HEAD)
    await out.send(b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","code":406}\n')
    await out.finish()
    assert dict(refused.headers)["Content-Type"] == PB and protobuf.decode(refused.body)["code"] == 406


def test_an_expire_fault_in_a_protobuf_watch_is_a_protobuf_error_event() -> None:
    """The fault layer writes its ERROR event as JSON; between it and the client, emulate writes it as the
    apiserver would in this stream: a protobuf WatchEvent holding the 410 Status."""
    with Replay("nginx-deploy") as replay:
        def watch() -> bytes:
            req = urllib.request.Request(f"{replay.url}/apis/apps/v1/namespaces/default/deployments?watch=1",
                                         headers={"Accept": f"{PB}, */*"})
            with urllib.request.urlopen(req, timeout=30) as resp:
                assert resp.headers["Content-Type"] == f"{PB};stream=watch"
                return bytes(resp.read())
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            body = pool.submit(watch)
            replay.wait_for_watches(1, open_=True)
            assert replay.fault("expire") == 1
            events = [protobuf.decode_watch_frame(f) for f in LengthPrefixed().feed(body.result(timeout=30))]
    last = events[-1]
    assert last["type"] == "ERROR" and isinstance(last["object"], dict)
    assert (last["object"]["kind"], last["object"]["code"], last["object"]["reason"]) == ("Status", 410, "Expired")
    assert {e["type"] for e in events[:-1]} <= {"ADDED", "MODIFIED", "DELETED", "BOOKMARK"}


def _in_protobuf(b: RecordingBuilder, path: Path) -> Path:
    """The same recording as a client would have made it under --keep-protobuf: every list and watch
    asked for protobuf and answered in it."""
    streams = {r.ex for r in b._records if isinstance(r, Request) and "watch=" in r.query}
    records: list[Record] = []
    for r in b._records:
        if isinstance(r, Request):
            r = dataclasses.replace(r, headers=(("Accept", PB),))
        elif isinstance(r, Response):
            r = dataclasses.replace(r, headers=(("Content-Type", f"{PB};stream=watch" if r.ex in streams
                                                 else PB),))
        elif isinstance(r, Frame):
            r = dataclasses.replace(r, data=protobuf.watch_frame(json.loads(r.data)) if r.ex in streams
                                    else protobuf.encode(json.loads(r.data)))
        records.append(r)
    return dataclasses.replace(b, path=path, _records=records).write()


async def test_a_recording_in_protobuf_is_rebuilt_as_its_json_would_be(tmp_path: Path) -> None:
    """Emulate rebuilds its history from a --keep-protobuf recording (the Go clients' own protobuf) as from
    the JSON of the same exchanges: the same objects at the same versions and times, the same events."""
    b = RecordingBuilder(tmp_path / "json.msgpack")
    b.list(0.0, 100, [pod("web-a", 90)])
    b.watch(0.0, [(1.0, "ADDED", pod("web-b", 101)), (2.0, "MODIFIED", pod("web-b", 102, "Running")),
                  (3.0, "DELETED", pod("web-a", 103)),
                  (4.0, "BOOKMARK", {"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": "103"}})],
            end=10.0, query="resourceVersion=100&watch=true")
    seen = []
    for rec in (b.write(), _in_protobuf(b, tmp_path / "pb.msgpack")):
        clock = ManualClock()
        emu = Emulator(load(rec), clock)
        watched = await _serve(emu, clock, "watch=1&resourceVersion=100&timeoutSeconds=20", "application/json",
                               advance=25.0)
        seen.append((emu.objects("/api/v1/pods"),
                     [(e["type"], e["object"]["metadata"]["name"], e["object"]["metadata"]["resourceVersion"], t)
                      for t, e in watched.timed_events()]))
    assert seen[1] == seen[0]
    assert seen[0][0] == {"default/web-b": "102"} and [e[0] for e in seen[0][1]] == ["ADDED", "MODIFIED", "DELETED"]


def test_inspect_reads_a_protobuf_recording_as_its_json_twin(tmp_path: Path) -> None:
    """`inspect` lists the same events, resources and watches for a --keep-protobuf recording as for the
    JSON of the same exchanges (it showed its frames as unreadable, its lists as empty)."""
    import subprocess
    import sys

    b = RecordingBuilder(tmp_path / "json.msgpack")
    b.list(0.0, 100, [pod("web-a", 90)])
    b.watch(0.0, [(1.0, "ADDED", pod("web-b", 101)), (2.0, "DELETED", pod("web-a", 102))], end=10.0,
            query="resourceVersion=100&watch=true")
    seen = []
    for rec in (b.write(), _in_protobuf(b, tmp_path / "pb.msgpack")):
        done = subprocess.run([sys.executable, "-m", "watchproxy", "inspect", str(rec), "--events", "--json"],
                              capture_output=True, text=True, timeout=60, check=True)
        doc = json.loads(done.stdout)
        seen.append({k: doc[k] for k in ("events_by_type", "events", "resources")})
    assert seen[1] == seen[0]
    assert [(e["type"], e["name"], e["rv"]) for e in seen[0]["events"]] == [("ADDED", "web-b", "101"),
                                                                           ("DELETED", "web-a", "102")]


async def test_a_yaml_answer_is_its_json_as_the_apiserver_writes_yaml() -> None:
    """A body in the YAML go-yaml writes (tests/test_yaml_realkube.py holds it to the real apiserver's);
    an error too when YAML is what errors negotiate; a watch is never written in YAML (its 406 comes first)."""
    doc = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c", "labels": {"a10": "x", "a2": "y"}},
           "data": {"n": "123", "b": "on", "t": "2026-01-01T00:00:00Z", "multi": "a\nb\n", "plain": "a b"}}
    mem = MemoryResponder(ManualClock())
    out = EncodedAnswers(mem, watch=False, media=YAML, errors=JSON)
    await out.start(200, "OK", JSON_HEAD)
    await out.send(json.dumps(doc).encode())
    await out.finish()
    assert dict(mem.headers)["Content-Type"] == YAML and mem.content_length == len(mem.body)
    assert mem.body.decode() == (
        "apiVersion: v1\ndata:\n  b: \"on\"\n  multi: |\n    a\n    b\n  \"n\": \"123\"\n  plain: a b\n"
        "  t: \"2026-01-01T00:00:00Z\"\nkind: ConfigMap\nmetadata:\n  labels:\n    a2: \"y\"\n    a10: x\n"
        "  name: c\n")
    refused = MemoryResponder(ManualClock())
    out = EncodedAnswers(refused, watch=False, media=JSON, errors=YAML)
    await out.start(404, "", JSON_HEAD)
    await out.send(b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","code":404}\n')
    await out.finish()
    assert refused.body == b"apiVersion: v1\ncode: 404\nkind: Status\nmetadata: {}\nstatus: Failure\n"


def test_export_shows_a_protobuf_recordings_events_as_json(tmp_path: Path) -> None:
    """`export --jsonl` keeps a protobuf frame's bytes (base64) and gives its JSON beside them."""
    import subprocess
    import sys

    b = RecordingBuilder(tmp_path / "json.msgpack")
    b.list(0.0, 100, [pod("web-a", 90)])
    b.watch(0.0, [(1.0, "ADDED", pod("web-b", 101))], end=10.0, query="resourceVersion=100&watch=true")
    done = subprocess.run([sys.executable, "-m", "watchproxy", "export", "--jsonl",
                           str(_in_protobuf(b, tmp_path / "pb.msgpack"))],
                          capture_output=True, text=True, timeout=60, check=True)
    frames = [d for d in map(json.loads, done.stdout.splitlines()) if d.get("kind") == "frame"]
    assert all("data_b64" in f for f in frames)
    listed, event = frames[0]["protobuf"], frames[1]["protobuf"]
    assert (listed["kind"], [i["metadata"]["name"] for i in listed["items"]]) == ("PodList", ["web-a"])
    assert (event["type"], event["object"]["metadata"]["name"], event["object"]["metadata"]["resourceVersion"]) == (
        "ADDED", "web-b", "101")
