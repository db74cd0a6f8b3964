"""Watches are read from the upstream on a connection of their own (proxy.engines.stream): what an upstream
that chunks oddly, answers errors, or breaks the framing does to the client and to the recording."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import msgpack
import pytest
import yaml
from watchproxy.engines.store import load
from watchproxy.recording import EndHow
from watchproxy.server.sessions import RecordSession

WATCH = "/api/v1/namespaces/default/pods?watch=true"
TOKEN = "tok-stream-0123456789abcdef"
EVENTS = [json.dumps({"type": "ADDED", "object": {"kind": "Pod", "metadata": {"name": f"p{i}",
                      "resourceVersion": str(10 + i)}}}, separators=(",", ":")).encode() + b"\n" for i in range(6)]


def chunk(data: bytes, ext: str = "") -> bytes:
    return f"{len(data):x}{ext}\r\n".encode() + data + b"\r\n"


Script = Callable[[asyncio.StreamWriter], Awaitable[None]]


class RawUpstream:
    """An upstream that answers every request with a scripted byte stream, and keeps the request heads."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.heads: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            if b"/version " in head.split(b"\r\n")[0]:  # the recorder asks at start-up
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                return
            self.heads.append(head)
            await self.script(writer)
        finally:
            writer.close()

    async def __aenter__(self) -> RawUpstream:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    def kubeconfig(self, path: Path, prefix: str = "") -> Path:
        path.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "c",
            "clusters": [{"name": "c", "cluster": {"server": f"http://127.0.0.1:{self.port}{prefix}"}}],
            "users": [{"name": "u", "user": {"token": TOKEN}}],
            "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}))
        return path


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"


async def send_in_pieces(writer: asyncio.StreamWriter, data: bytes, sizes: tuple[int, ...]) -> None:
    pos, i = 0, 0
    while pos < len(data):
        n = sizes[i % len(sizes)]
        writer.write(data[pos:pos + n])
        await writer.drain()
        pos, i = pos + n, i + 1


async def record(tmp_path: Path, script: Script, prefix: str = "", received: asyncio.Event | None = None,
                 ) -> tuple[RawUpstream, int, bytes, Path, Exception | None]:
    """Record one watch through `script`; `received` is set once the client has a whole event."""
    out = tmp_path / "stream.msgpack"
    async with RawUpstream(script) as up:
        kc = up.kubeconfig(tmp_path / "k", prefix)
        async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http:
            got = bytearray()
            error: Exception | None = None
            async with http.get(s.url + WATCH) as resp:
                try:
                    async for data in resp.content.iter_any():
                        got += data
                        if received and b"\n" in got:
                            received.set()
                except aiohttp.ClientPayloadError as exc:
                    error = exc
    return up, resp.status, bytes(got), out, error


async def test_odd_chunking_reaches_client_and_file_as_whole_events(tmp_path: Path) -> None:
    body = (chunk(EVENTS[0], ";ext=1") + chunk(EVENTS[1] + EVENTS[2]) + chunk(EVENTS[3][:7])
            + chunk(EVENTS[3][7:]) + chunk(EVENTS[4]) + chunk(EVENTS[5]) + b"0\r\nX-Trailer: t\r\n\r\n")

    async def script(writer: asyncio.StreamWriter) -> None:
        await send_in_pieces(writer, HEAD + body, (3, 1, 50, 2, 700))

    up, status, got, out, error = await record(tmp_path, script, prefix="/k8s/clusters/c-1")
    assert status == 200 and error is None and got == b"".join(EVENTS)
    request_line, *headers = up.heads[0].decode().split("\r\n")
    assert request_line == f"GET /k8s/clusters/c-1{WATCH} HTTP/1.1"
    assert f"Host: 127.0.0.1:{up.port}" in headers and f"Authorization: Bearer {TOKEN}" in headers
    watch = next(iter(load(out).exchanges.values()))
    assert [f.data for f in watch.frames] == EVENTS and watch.how == EndHow.SERVER_CLOSED
    assert TOKEN.encode() not in out.read_bytes()


async def test_an_answer_that_is_not_http_is_a_503_status(tmp_path: Path) -> None:
    async def script(writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

    _, status, got, out, _ = await record(tmp_path, script)
    body = json.loads(got)
    assert status == 503 and body["kind"] == "Status" and "not an HTTP/1.x status line" in body["message"]
    assert next(iter(load(out).exchanges.values())).how == EndHow.UPSTREAM_ERROR


@pytest.mark.parametrize(("tail", "reason"), [
    (b"zz\r\nnot hex\r\n", "invalid chunk size line"),
    (b"5\r\nabcdefgh", "chunk data not followed by CRLF"),
    (chunk(EVENTS[1][:9]), "connection closed before the end of the chunked body"),
])
async def test_broken_framing_resets_the_client_after_the_events_before_it(tmp_path: Path, tail: bytes,
                                                                          reason: str) -> None:
    received = asyncio.Event()

    async def script(writer: asyncio.StreamWriter) -> None:
        writer.write(HEAD + chunk(EVENTS[0]))
        await received.wait()  # the client has the event before the proxy resets the connection
        writer.write(tail)

    _, status, got, out, error = await record(tmp_path, script, received=received)
    assert status == 200 and error is not None and got.startswith(EVENTS[0])
    watch = next(iter(load(out).exchanges.values()))
    assert watch.how == EndHow.UPSTREAM_ERROR and watch.end is not None and reason in watch.end.error
    assert watch.frames[0].data == EVENTS[0]


async def test_an_error_status_with_a_length_is_forwarded_whole(tmp_path: Path) -> None:
    status_body = json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Expired",
                              "code": 410, "message": "too old resource version: 1 (10)"}).encode()

    async def script(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 410 Gone\r\nContent-Type: application/json\r\nContent-Length: "
                     + str(len(status_body)).encode() + b"\r\n\r\n" + status_body)

    _, status, got, out, error = await record(tmp_path, script)
    assert status == 410 and got == status_body and error is None
    watch = next(iter(load(out).exchanges.values()))
    assert watch.response is not None and watch.response.status == 410
    assert watch.body == status_body and watch.how == EndHow.COMPLETE


async def test_an_empty_body_ends_at_once_though_the_upstream_keeps_the_connection(tmp_path: Path) -> None:
    done = asyncio.Event()

    async def script(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n")
        await done.wait()  # held open until the client has its answer

    async with RawUpstream(script) as up:
        kc = up.kubeconfig(tmp_path / "k")
        async with RecordSession(tmp_path / "e.msgpack", kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http, \
                http.get(s.url + WATCH) as resp:
            assert resp.status == 200 and await resp.read() == b""
            done.set()


async def test_header_bytes_that_are_not_ascii_reach_the_upstream_as_the_client_sent_them(tmp_path: Path) -> None:
    async def script(writer: asyncio.StreamWriter) -> None:
        writer.write(HEAD + chunk(EVENTS[0]) + b"0\r\n\r\n")

    async with RawUpstream(script) as up:
        kc = up.kubeconfig(tmp_path / "k")
        async with RecordSession(tmp_path / "h.msgpack", kubeconfig=str(kc)) as s:
            host, port = s.url.removeprefix("http://").rsplit(":", 1)
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(f"GET {WATCH} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n".encode()
                         + "X-Note: café ☃\r\n\r\n".encode() + b"")
            answer = await reader.read()
            writer.close()
    assert answer.startswith(b"HTTP/1.1 200") and EVENTS[0] in answer
    assert "X-Note: café ☃\r\n".encode() in up.heads[0]


async def test_a_read_of_events_is_one_frames_record_and_secrets_are_still_redacted(tmp_path: Path) -> None:
    """The bulk lane: the whole events of a read are written as one `frames` record and forwarded in one
    write; a watch that may hold Secrets (a custom resource) still has them redacted in the file only."""
    widgets = "/apis/example.com/v1/namespaces/default/widgets?watch=true"
    secret = json.dumps({"type": "ADDED", "object": {"kind": "Secret", "apiVersion": "v1", "metadata": {
        "name": "s", "resourceVersion": "20"}, "data": {"password": "aHVudGVyMg=="}}},
        separators=(",", ":")).encode() + b"\n"
    body = b"".join(EVENTS[:3])
    first = chunk(body[:50]) + chunk(body[50:]) + chunk(EVENTS[3][:9])  # one write: 3 events and a start
    second = chunk(EVENTS[3][9:] + secret + EVENTS[4]) + chunk(EVENTS[5]) + b"0\r\n\r\n"
    sent = asyncio.Event()

    async def script(writer: asyncio.StreamWriter) -> None:
        writer.write(HEAD + first)
        await writer.drain()
        await sent.wait()  # the client has the first read's events: the second read is another
        writer.write(second)

    out = tmp_path / "bulk.msgpack"
    async with RawUpstream(script) as up:
        kc = up.kubeconfig(tmp_path / "k")
        async with RecordSession(out, kubeconfig=str(kc)) as s, aiohttp.ClientSession() as http, \
                http.get(s.url + widgets) as resp:
            got = bytearray()
            async for data in resp.content.iter_any():
                got += data
                if got.count(b"\n") == 3:
                    sent.set()
    assert bytes(got) == body + EVENTS[3] + secret + EVENTS[4] + EVENTS[5]  # the client's bytes as sent
    data = out.read_bytes()
    assert b"aHVudGVyMg==" not in data
    unpacker = msgpack.Unpacker(raw=False)
    unpacker.feed(data)
    frames = [m for m in unpacker if m["kind"] in ("frame", "frames")]
    assert frames[0]["kind"] == "frames" and frames[0]["sizes"] == [len(e) for e in EVENTS[:3]]
    assert frames[0]["data"] == body
    watch = next(iter(load(out).exchanges.values()))
    recorded = [f.data for f in watch.frames]
    assert recorded[:4] + recorded[5:] == EVENTS
    assert b'"kind":"Secret"' in recorded[4] and b'"password":"PHJlZGFjdGVkPg=="' in recorded[4]
    assert len({f.t for f in watch.frames[:3]}) == 1  # events of one read share its time
