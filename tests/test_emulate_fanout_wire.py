"""The feed's writes on real connections (proxy/engines/emulate/fanout.py, Responder.prepare_send): a round
for many watches is made ready first and written back to back afterwards, so a connection may change state in
between or take only part of a write. Whatever happens to one connection, every other watch gets every event,
and each watch's bytes stay whole and in order."""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from watchproxy.engines.emulate import fanout
from watchproxy.server import responder, sendround
from watchproxy.server.sessions import ReplaySession

from tests.memory import RecordingBuilder, pod

PODS = "/api/v1/pods"
CHANGES = 12
# A round big enough to be prepared ahead of its time and split over two threads: the first and the last
# watch opened are in different halves.
WATCHES = max(fanout.PUNCTUAL_ROUND, sendround.MIN_SPLIT) + 8
REQUEST = (f"GET {PODS}?watch=1&resourceVersion=100&timeoutSeconds=300 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Connection: close\r\n\r\n").encode()


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """Changes of about 30 KB, one every 10 s: a few of them fill a connection whose client does not read."""
    b = RecordingBuilder(tmp_path / "big.msgpack", meta={"min_request_timeout": 1800})
    b.list(0.0, 100, [pod("a", 90)], path=PODS)
    events = []
    for i in range(CHANGES):
        p = pod("a", 101 + i)
        p["metadata"]["annotations"] = {"note": f"{i:02d}" * 15_000}
        events.append((10.0 * (i + 1), "MODIFIED", p))
    b.watch(0.0, events, end=1000.0, path=PODS)
    return b.write()


def dechunked(raw: bytes) -> bytes:
    body = raw.split(b"\r\n\r\n", 1)[1]
    data, pos = b"", 0
    while (eol := body.find(b"\r\n", pos)) >= 0:
        size = int(body[pos:eol], 16)
        data += body[eol + 2:eol + 2 + size]
        pos = eol + 4 + size
    return data


def events_in(raw: bytes) -> list[int]:
    """The resourceVersions of the events in a chunked watch body, in order."""
    return [int(line.split(b'"resourceVersion":"')[1].split(b'"')[0]) for line in dechunked(raw).splitlines()]


async def open_watch(url: str, rcvbuf: int | None = None) -> socket.socket:
    """A raw connection with the watch asked for and its response head read."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    if rcvbuf is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.setblocking(False)
    await loop.sock_connect(sock, (host, int(port)))
    await loop.sock_sendall(sock, REQUEST)
    head = b""
    while b"\r\n\r\n" not in head:
        got = await asyncio.wait_for(loop.sock_recv(sock, 1), 20)
        assert got, "closed before the response head"
        head += got
    assert head.startswith(b"HTTP/1.1 200")
    return sock


async def read_all(sock: socket.socket) -> bytes:
    loop = asyncio.get_running_loop()
    out = [b"HTTP/1.1 200 OK\r\n\r\n"]
    while got := await asyncio.wait_for(loop.sock_recv(sock, 1 << 16), 20):
        out.append(got)
    sock.close()
    return b"".join(out)


def spy_on_prepare(monkeypatch: pytest.MonkeyPatch,
                   hook: Callable[[responder.AiohttpResponder, Callable[[], None] | None], None]) -> None:
    prepare = responder.AiohttpResponder.prepare_send

    def spied(self: responder.AiohttpResponder, data: bytes) -> Callable[[], None] | None:
        write = prepare(self, data)
        hook(self, write)
        return write

    monkeypatch.setattr(responder.AiohttpResponder, "prepare_send", spied)


def client_port(out: responder.AiohttpResponder) -> int:
    transport = out.request.transport
    assert transport is not None
    return int(transport.get_extra_info("peername")[1])


async def test_a_client_that_stops_reading_gets_the_rest_in_order_after_a_partial_write(
        recording: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    behind: list[int] = []  # clients refused a write because an earlier one is still queued for them
    slow_port: list[int] = []

    def note(out: responder.AiohttpResponder, write: Callable[[], None] | None) -> None:
        transport = out.request.transport
        assert transport is not None
        if client_port(out) in slow_port:  # the kernel would queue megabytes: make it hold less
            transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
        if write is None and transport.get_write_buffer_size():
            behind.append(client_port(out))

    spy_on_prepare(monkeypatch, note)
    async with ReplaySession(recording, clock="manual") as s:
        socks = [await open_watch(s.url, rcvbuf=4096 if i in (0, WATCHES - 1) else None) for i in range(WATCHES)]
        slow, fast = [socks[0], socks[-1]], socks[1:-1]  # the slow ones read nothing until every change is out
        slow_port.extend(sock.getsockname()[1] for sock in slow)
        reading = [asyncio.ensure_future(read_all(sock)) for sock in fast]
        await s.advance(10.0 * CHANGES + 5)
        assert set(behind) == set(slow_port)  # a write of each was cut short
        late = [asyncio.ensure_future(read_all(sock)) for sock in slow]
        await s.advance(300)  # every watch's deadline
        bodies = await asyncio.gather(*reading)
        slow_bodies = await asyncio.gather(*late)
    everything = list(range(101, 101 + CHANGES))
    assert all(events_in(b) == everything for b in bodies + slow_bodies)
    # the same bytes (a backlog comes in fewer chunks)
    assert {dechunked(b) for b in slow_bodies} == {dechunked(bodies[0])}


async def test_a_client_reset_between_its_write_being_made_ready_and_made(
        recording: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    victims: dict[int, socket.socket] = {}
    reset_before_write: list[int] = []

    def reset(out: responder.AiohttpResponder, write: Callable[[], None] | None) -> None:
        sock = victims.pop(client_port(out), None)
        if sock is not None and write is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()  # a reset the proxy has not read yet: its write goes to a dead connection
            reset_before_write.append(client_port(out))

    spy_on_prepare(monkeypatch, reset)
    caplog.set_level(logging.WARNING)
    async with ReplaySession(recording, clock="manual") as s:
        socks = [await open_watch(s.url) for _ in range(WATCHES)]
        reading = [asyncio.ensure_future(read_all(sock)) for sock in socks[1:-1]]
        await s.advance(15)
        victims.update((sock.getsockname()[1], sock) for sock in (socks[0], socks[-1]))
        await s.advance(10)  # the second change: they go while the round is being made ready
        assert len(reset_before_write) == 2
        await s.advance(10.0 * CHANGES + 300)
        bodies = await asyncio.gather(*reading)
        ends = [e.end for e in s.log.entries if e.verb == "watch"]
    assert all(events_in(b) == list(range(101, 101 + CHANGES)) for b in bodies)
    assert sorted(ends) == ["client-closed"] * 2 + ["timeout"] * (WATCHES - 2)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
