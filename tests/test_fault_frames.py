"""Faults act on the stream's frames, not on its bytes: a protobuf watch (length-prefixed frames, newline
bytes anywhere or nowhere) is cut after exactly N events and slowed per event, as a JSON one is."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

import aiohttp
from watchproxy.recording import End, EndHow, Frame, Header, RecordingWriter, Request, Response
from watchproxy.testing import Replay

PODS = "/api/v1/namespaces/default/pods"
PROTOBUF = "application/vnd.kubernetes.protobuf;stream=watch"
# k8s\0-enveloped WatchEvents stand-ins: one with newlines inside, one with none, one of only newlines
PAYLOADS = [b"k8s\x00\x0a\x05ADDED\x12\x0aone\nline\n", b"k8s\x00MODIFIED-no-newline", b"\n\n\n\n", b"k8s\x00DELETED"]
FRAMES = [struct.pack(">I", len(p)) + p for p in PAYLOADS]


def protobuf_watch(path: Path) -> Path:
    w = RecordingWriter(path, Header(started_at="2026-01-01T00:00:00Z", upstream="https://test"))
    w.write(Request(1, 0.0, "GET", PODS, "watch=true&resourceVersion=5",
                    (("Accept", "application/vnd.kubernetes.protobuf;stream=watch"),)),
            Response(1, 0.01, 200, "OK", (("Content-Type", PROTOBUF), ("Transfer-Encoding", "chunked"))),
            *[Frame(1, 0.02 + i, f) for i, f in enumerate(FRAMES)],
            End(1, 10.0, EndHow.SERVER_CLOSED))
    w.close()
    return path


async def read_all(url: str) -> tuple[bytes, str]:
    got = b""
    async with aiohttp.ClientSession() as http, \
            http.get(f"{url}{PODS}?watch=true&resourceVersion=5", headers={"Accept": PROTOBUF}) as resp:
        try:
            async for piece in resp.content.iter_any():
                got += piece
        except aiohttp.ClientPayloadError as exc:
            return got, type(exc).__name__
    return got, "clean"


async def test_reset_after_events_cuts_a_protobuf_watch_after_exactly_that_many_frames(tmp_path: Path) -> None:
    with Replay(protobuf_watch(tmp_path / "pb.msgpack"), mode="exact") as replay:
        replay.fault("reset", verb="watch", after_events=2, when="next")
        reader = asyncio.ensure_future(read_all(replay.url))
        await asyncio.to_thread(replay.wait_for_watches, 1)
        await replay.aadvance(20)
        got, how = await reader
    assert got == FRAMES[0] + FRAMES[1] and how != "clean"


async def test_mid_event_reset_sends_half_of_the_next_protobuf_frame(tmp_path: Path) -> None:
    with Replay(protobuf_watch(tmp_path / "pb.msgpack"), mode="exact") as replay:
        replay.fault("reset", verb="watch", after_events=1, mid_event=True, when="next")
        reader = asyncio.ensure_future(read_all(replay.url))
        await asyncio.to_thread(replay.wait_for_watches, 1)
        await replay.aadvance(20)
        got, how = await reader
    assert got == FRAMES[0] + FRAMES[1][: len(FRAMES[1]) // 2] and how != "clean"


async def test_slow_delays_each_protobuf_frame_not_each_newline(tmp_path: Path) -> None:
    with Replay(protobuf_watch(tmp_path / "pb.msgpack"), mode="exact") as replay:
        replay.fault("slow", verb="watch", delay=5, when="next")
        reader = asyncio.ensure_future(read_all(replay.url))
        await asyncio.to_thread(replay.wait_for_watches, 1)
        await replay.aadvance(4 * 5 + 11)  # four frames, five seconds each (newline counting would be 11)
        got, how = await reader
    assert got == b"".join(FRAMES) and how == "clean"
