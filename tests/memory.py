"""In-memory stand-ins for the server side, so engine logic is tested without sockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchproxy.clock import Clock
from watchproxy.engines.base import ClientGone
from watchproxy.engines.requestlog import LogEntry, RequestLog
from watchproxy.engines.stream import BodyError
from watchproxy.engines.upstream import UpstreamError
from watchproxy.recording import End, EndHow, Frame, Header, RecordingWriter, Request, Response


class MemoryResponder:
    """Records what an engine sent, with the virtual time of every write. `immediate=False` refuses
    `prepare_send`, as a responder whose client is not keeping up does, so every write goes through `send`."""

    def __init__(self, clock: Clock, immediate: bool = True) -> None:
        self.clock = clock
        self.immediate = immediate
        self.status: int | None = None
        self.headers: tuple[tuple[str, str], ...] = ()
        self.content_length: int | None = None
        self.writes: list[tuple[float, bytes]] = []
        self.finished = False
        self.aborted = False
        self.gone = False
        self._closed = asyncio.Event()

    @property
    def started(self) -> bool:
        return self.status is not None

    async def start(self, status: int, reason: str, headers: tuple[tuple[str, str], ...], *,
                    content_length: int | None = None) -> None:
        self.status, self.headers, self.content_length = status, headers, content_length

    async def send(self, data: bytes | memoryview) -> None:
        if self.gone:
            raise ClientGone("gone")
        self.writes.append((self.clock.now(), bytes(data)))

    async def send_frames(self, frames: Sequence[bytes]) -> None:
        await self.send(b"".join(frames))

    def prepare_send(self, data: bytes) -> Callable[[], None] | None:
        if self.gone or not self.immediate:
            return None
        return lambda: self.writes.append((self.clock.now(), data))

    async def finish(self) -> None:
        self.finished = True

    async def abort(self, reset: bool = True) -> None:
        self.aborted = True

    async def wait_closed(self) -> None:
        await self._closed.wait()

    def leave(self) -> None:
        self.gone = True
        self._closed.set()

    @property
    def body(self) -> bytes:
        return b"".join(d for _, d in self.writes)

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.body.splitlines()]

    def timed_events(self) -> list[tuple[float, dict[str, Any]]]:
        out = []
        for t, data in self.writes:
            out += [(t, json.loads(line)) for line in data.splitlines()]
        return out


def entry(log: RequestLog | None = None, verb: str = "watch") -> LogEntry:
    return (log or RequestLog(lambda: 0.0)).open("GET", "/", "", verb, "pods", "default")


def pod(name: str, rv: int, phase: str = "Pending", ns: str = "default",
        labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": name, "namespace": ns, "resourceVersion": str(rv),
                         "labels": labels or {"app": "web"}, "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}, "status": {"phase": phase}}


@dataclass
class RecordingBuilder:
    """Writes small recordings the way the recorder would: lists and watches with timed events."""

    path: Path
    meta: dict[str, Any] = field(default_factory=dict)
    upstream_version: str = ""
    started_at: str = "2026-01-01T00:00:00Z"  # the replayed cluster's wall clock at virtual time 0
    _ex: int = 0
    _records: list[Any] = field(default_factory=list)

    def list(self, t: float, rv: int, items: list[dict[str, Any]], path: str = "/api/v1/namespaces/default/pods",
             kind: str = "PodList", query: str = "") -> None:
        self._ex += 1
        body = json.dumps({"kind": kind, "apiVersion": "v1", "metadata": {"resourceVersion": str(rv)},
                           "items": [{k: v for k, v in i.items() if k not in ("kind", "apiVersion")}
                                     for i in items]}, separators=(",", ":")).encode()
        self._records += [Request(self._ex, t, "GET", path, query, (("Accept", "application/json"),)),
                          Response(self._ex, t, 200, "OK", (("Content-Type", "application/json"),
                                                            ("Content-Length", str(len(body))))),
                          Frame(self._ex, t, body), End(self._ex, t, EndHow.COMPLETE)]

    def watch(self, t: float, events: list[tuple[float, str, dict[str, Any]]], end: float,
              path: str = "/api/v1/namespaces/default/pods", query: str = "watch=true",
              how: EndHow = EndHow.SERVER_CLOSED) -> int:
        self._ex += 1
        ex = self._ex
        self._records += [Request(ex, t, "GET", path, query, (("Accept", "application/json"),)),
                          Response(ex, t, 200, "OK", (("Content-Type", "application/json"),
                                                      ("Cache-Control", "no-cache, private"),
                                                      ("Transfer-Encoding", "chunked")))]
        for et, typ, obj in events:
            line = json.dumps({"type": typ, "object": obj}, separators=(",", ":")).encode() + b"\n"
            self._records.append(Frame(ex, et, line))
        self._records.append(End(ex, end, how))
        return ex

    def exchange(self, t: float, path: str, body: bytes, content_type: str = "text/plain",
                 status: int = 200) -> None:
        """A plain GET and its whole answer (a pod's log, say)."""
        self._ex += 1
        self._records += [Request(self._ex, t, "GET", path, "", (("Accept", "*/*"),)),
                          Response(self._ex, t, status, "OK", (("Content-Type", content_type),)),
                          Frame(self._ex, t, body), End(self._ex, t, EndHow.COMPLETE)]

    def write(self) -> Path:
        w = RecordingWriter(self.path, Header(started_at=self.started_at, upstream="https://test",
                                              upstream_version=self.upstream_version, meta=self.meta))
        w.write(*sorted(self._records, key=lambda r: r.t))
        w.close()
        return self.path


@dataclass
class ScriptedResponse:
    """An apiserver answer for MemoryUpstream: the body arrives as the given reads (each a list of pieces,
    as proxy.engines.stream hands them over), then ends, or breaks off with BodyError(`error`)."""

    status: int = 200
    reason: str = "OK"
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    reads: list[list[bytes]] = field(default_factory=list)
    error: str = ""
    closed: bool = False

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    @property
    def content_length(self) -> int | None:
        length = self.header("Content-Length")
        return int(length) if length else None

    async def pieces(self) -> AsyncIterator[list[bytes]]:
        for read in self.reads:
            yield read
        if self.error:
            raise BodyError(self.error)

    async def views(self) -> AsyncIterator[Sequence[bytes | memoryview]]:
        """`pieces` as a socket's reads come: memoryviews of them."""
        async for read in self.pieces():
            yield [memoryview(p) for p in read]

    async def close(self) -> None:
        self.closed = True


@dataclass
class MemoryUpstream:
    """The apiserver as the recorder sees it (proxy.engines.upstream.ApiserverConnection), answering from a
    script: `answers[(method, path)]` in order; `refuse` makes every request fail as an unreachable one would.
    `asked` keeps what the recorder sent, headers included, for asserting on."""

    answers: dict[tuple[str, str], list[ScriptedResponse]] = field(default_factory=dict)
    refuse: str = ""
    asked: list[tuple[str, str, str, tuple[tuple[str, str], ...], bytes, bool]] = field(default_factory=list)
    server: str = "https://memory.invalid"

    async def request(self, method: str, path: str, query: str, headers: tuple[tuple[str, str], ...],
                      body: bytes, *, stream: bool = False) -> ScriptedResponse:
        self.asked.append((method, path, query, headers, body, stream))
        if self.refuse:
            raise UpstreamError(self.refuse)
        return self.answers[(method, path)].pop(0)


def two_pods(path: Path) -> Path:
    """The engine tests' usual recording: a list at RV 100, then pod a modified and deleted and pod b added
    and modified over 100 s, in a watch the server closes at 2500 s."""
    b = RecordingBuilder(path, meta={"min_request_timeout": 1800})
    b.list(0.0, 100, [pod("a", 90)])
    b.watch(0.0, [(0.01, "ADDED", pod("a", 90)),
                  (10.0, "MODIFIED", pod("a", 101, "Running")),
                  (20.0, "ADDED", pod("b", 102)),
                  (30.0, "DELETED", pod("a", 103, "Running")),
                  (100.0, "MODIFIED", pod("b", 104, "Running"))], end=2500.0)
    return b.write()
