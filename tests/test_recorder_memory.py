"""The recorder against an in-memory apiserver (tests/memory.py MemoryUpstream): what it asks upstream, what
the client receives and what the recording holds, for chunkings, Secrets and failures, with no sockets."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from watchproxy.clock import ManualClock
from watchproxy.engines.base import ClientGone, Incoming
from watchproxy.engines.recorder import Recorder
from watchproxy.recording import End, EndHow, Frame, Header, RecordingReader, RecordingWriter, Request, Response

from tests.memory import MemoryResponder, MemoryUpstream, ScriptedResponse, entry

PODS = "/api/v1/namespaces/default/pods"
EVENTS = [json.dumps({"type": t, "object": {"kind": "Pod", "apiVersion": "v1",
                                             "metadata": {"name": f"p{i}", "resourceVersion": str(10 + i)}}},
                     separators=(",", ":")).encode() + b"\n" for i, t in enumerate(["ADDED", "MODIFIED", "DELETED"])]
STREAM = b"".join(EVENTS)


def record(tmp: Path, upstream: MemoryUpstream, req: Incoming) -> tuple[MemoryResponder, list[object]]:
    """Serve one request through a Recorder writing to a file; returns what the client got and the records."""
    path = tmp / "r.msgpack"
    writer = RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z"))
    recorder = Recorder(upstream, writer, now=lambda: 1.0)
    out = MemoryResponder(ManualClock())
    asyncio.run(recorder.serve(req, out, entry(verb=req.info.verb)))
    writer.close()
    with RecordingReader(path) as reader:
        return out, list(reader.records())


def frames(records: list[object]) -> list[bytes]:
    return [r.data for r in records if isinstance(r, Frame)]


@pytest.mark.parametrize("reads", [
    [[STREAM]],  # a busy watch: every event in one read
    [[e] for e in EVENTS],  # an idle one: an event per read
    [[STREAM[:7]], [STREAM[7:100], STREAM[100:101]], [STREAM[101:]]],  # cut through events
    [[bytes([b]) for b in STREAM]],  # one byte a piece
])
def test_a_watch_is_recorded_event_by_event_whatever_the_chunking(tmp_path: Path, reads: list[list[bytes]]) -> None:
    upstream = MemoryUpstream({("GET", PODS): [ScriptedResponse(reads=reads)]})
    out, records = record(tmp_path, upstream, Incoming("GET", PODS, "watch=1"))
    assert out.status == 200 and out.body == STREAM
    assert frames(records) == EVENTS
    assert isinstance(records[-1], End) and records[-1].how is EndHow.SERVER_CLOSED
    assert upstream.asked[0][5] is True  # a watch asks for a stream of its own


def test_a_client_accepting_json_too_is_answered_in_json_and_never_compressed(tmp_path: Path) -> None:
    upstream = MemoryUpstream({("GET", PODS): [ScriptedResponse(reads=[[STREAM]])]})
    record(tmp_path, upstream, Incoming("GET", PODS, "watch=1", headers=(
        ("Accept", "application/vnd.kubernetes.protobuf, */*"), ("Accept-Encoding", "gzip"))))
    sent = dict(upstream.asked[0][3])
    assert sent["Accept"] == "*/*" and "Accept-Encoding" not in sent


def test_a_secret_reaches_the_client_whole_and_the_recording_redacted(tmp_path: Path) -> None:
    secret = {"kind": "SecretList", "apiVersion": "v1", "metadata": {"resourceVersion": "5"}, "items": [
        {"metadata": {"name": "db"}, "type": "Opaque", "data": {"password": "aHVudGVyMg=="}}]}
    body = json.dumps(secret).encode()
    path = "/api/v1/namespaces/default/secrets"
    upstream = MemoryUpstream({("GET", path): [ScriptedResponse(
        headers=(("Content-Type", "application/json"), ("Content-Length", str(len(body)))),
        reads=[[body[:40]], [body[40:]]])]})
    out, records = record(tmp_path, upstream, Incoming("GET", path, "", headers=(("Authorization", "Bearer t"),)))
    assert out.body == body
    recorded = b"".join(frames(records))
    assert b"aHVudGVyMg==" not in recorded and b"db" in recorded
    request = next(r for r in records if isinstance(r, Request))
    assert "authorization" not in {k.lower() for k, _ in request.headers}  # credentials never reach the file


def test_a_stream_that_breaks_off_is_recorded_as_an_upstream_error_after_its_whole_events(tmp_path: Path) -> None:
    upstream = MemoryUpstream({("GET", PODS): [ScriptedResponse(reads=[[STREAM[:150]]], error="reset by peer")]})
    out, records = record(tmp_path, upstream, Incoming("GET", PODS, "watch=1"))
    whole = STREAM[:150].count(b"\n")
    assert frames(records)[:whole] == EVENTS[:whole]
    end = records[-1]
    assert isinstance(end, End) and end.how is EndHow.UPSTREAM_ERROR and "reset by peer" in end.error
    assert out.aborted


def test_an_unreachable_apiserver_gets_the_client_a_status_and_the_recording_an_end(tmp_path: Path) -> None:
    upstream = MemoryUpstream(refuse="connection refused")
    out, records = record(tmp_path, upstream, Incoming("GET", PODS, ""))
    assert out.status == 503 and json.loads(out.body)["kind"] == "Status"
    assert not any(isinstance(r, Response) for r in records)
    assert isinstance(records[-1], End) and records[-1].how is EndHow.UPSTREAM_ERROR


def test_a_client_gone_before_its_headers_went_out_ends_the_exchange_and_raises_nothing(tmp_path: Path) -> None:
    """As when the proxy stops while a list is on its way: aiohttp refuses the headers of a closing
    transport. The exchange is ended as the client's, never left open or reported as an internal error."""
    class GoneBeforeHeaders(MemoryResponder):
        async def start(self, status: int, reason: str, headers: tuple[tuple[str, str], ...], *,
                        content_length: int | None = None) -> None:
            raise ClientGone("Cannot write to closing transport")

    upstream = MemoryUpstream({("GET", PODS): [ScriptedResponse(reads=[[b'{"kind":"PodList","items":[]}']])]})
    path = tmp_path / "r.msgpack"
    writer = RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z"))
    log_entry = entry(verb="list")
    asyncio.run(Recorder(upstream, writer, now=lambda: 1.0).serve(
        Incoming("GET", PODS, ""), GoneBeforeHeaders(ManualClock()), log_entry))
    writer.close()
    with RecordingReader(path) as reader:
        records = list(reader.records())
    assert isinstance(records[-1], End) and records[-1].how is EndHow.CLIENT_CLOSED
    assert log_entry.end == "client-closed"
