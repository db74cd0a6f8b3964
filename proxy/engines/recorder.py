"""Record mode: tee the apiserver's answer to the client and to the recording.

Each watch event is split out of the stream (whatever the chunking), written to the file, and only then
forwarded, so a proxy killed at any moment has recorded every event its clients saw. If the recording
cannot be written (disk full, path gone), nothing more is forwarded: serving traffic that is not recorded
would silently break the user's session.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..recording.errors import RecordingError
from ..recording.records import End, EndHow, Frame, Request, Response
from ..recording.writer import RecordingWriter
from ..wire import redact
from ..wire.framing import Whole, splitter_for
from ..wire.match import prefer_json
from ..wire.status import status_bytes
from .base import ClientGone, Incoming, Responder
from .requestlog import LogEntry
from .stream import BodyError
from .upstream import Upstream, UpstreamError, UpstreamResponse

_UPGRADE_SUBRESOURCES = ("exec", "attach", "portforward", "proxy")
_JSON = (("Content-Type", "application/json"),)
_RESPONSE_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


@dataclass
class RecorderStats:
    exchanges: int = 0
    watches: int = 0
    events: int = 0
    bytes: int = 0
    open: int = 0
    errors: int = 0
    redacted_headers: set[str] = field(default_factory=set)


class Recorder:
    def __init__(self, upstream: Upstream, writer: RecordingWriter, *, keep_secret_data: bool = False,
                 allow_exec: bool = False, keep_protobuf: bool = False,
                 now: Callable[[], float] | None = None) -> None:
        self.upstream = upstream
        self.writer = writer
        self.keep_secret_data = keep_secret_data
        self.allow_exec = allow_exec
        self.keep_protobuf = keep_protobuf
        self.stats = RecorderStats()
        self._ids = itertools.count(1)
        start = time.monotonic()
        self._now = now or (lambda: time.monotonic() - start)

    def _write(self, *records: Request | Response | Frame | End) -> None:
        self.writer.write(*records)

    def _redact(self, data: bytes, secret_context: bool) -> bytes:
        if self.keep_secret_data:
            return data
        red = redact.redact_json(data, secret_context=secret_context)
        return data if red is None else red

    async def _refuse(self, out: Responder, code: int, message: str, entry: LogEntry) -> None:
        body = status_bytes(code, message)
        entry.status = code
        await out.start(code, "", _JSON, content_length=len(body))
        await out.send(body)
        await out.finish()
        entry.ended("refused", message)

    async def serve(self, req: Incoming, out: Responder, entry: LogEntry) -> None:
        info = req.info
        if self.writer.failed:
            await self._refuse(out, 503, f"watchproxy is not forwarding: recording {self.writer.path} "
                               f"failed ({self.writer.failed})", entry)
            return
        if info.subresource.split("/")[0] in _UPGRADE_SUBRESOURCES and not self.allow_exec:
            await self._refuse(out, 403, f"watchproxy does not forward {info.subresource} requests "
                               "(streaming upgrades are not recorded)", entry)
            return
        ex = next(self._ids)
        secret = info.resource == "secrets"
        headers, removed = redact.strip_credentials(list(req.headers))
        self.stats.redacted_headers.update(removed)
        self.stats.exchanges += 1
        self.stats.open += 1
        entry.answered_by = f"upstream (exchange {ex})"
        try:
            self._write(Request(ex, self._now(), req.method, req.path, req.query, headers,
                                self._redact(req.body, secret)))
            await self._exchange(ex, req, out, entry, secret)
        except RecordingError as exc:
            self.stats.errors += 1
            entry.ended("recording-failed", str(exc))
            if out.started:
                await out.abort()
            else:
                await self._refuse(out, 503, f"watchproxy is not forwarding: {exc}", entry)
        finally:
            self.stats.open -= 1

    async def _exchange(self, ex: int, req: Incoming, out: Responder, entry: LogEntry,
                        secret: bool) -> None:
        headers = req.headers
        if secret:  # a compressed body could not be redacted: ask for it plain
            headers = tuple((k, v) for k, v in headers if k.lower() != "accept-encoding")
        if not self.keep_protobuf:  # JSON, when the client takes it too, so emulate mode can read the recording
            headers = tuple((k, prefer_json(v) if k.lower() == "accept" else v) for k, v in headers)
        try:
            resp = await self.upstream.request(req.method, req.path, req.query, headers, req.body,
                                               stream=req.info.verb == "watch")
        except UpstreamError as exc:
            self.stats.errors += 1
            self._write(End(ex, self._now(), EndHow.UPSTREAM_ERROR, str(exc)))
            await self._refuse(out, 503, str(exc), entry)
            return
        try:
            await self._relay(ex, req, resp, out, entry, secret)
        finally:
            await resp.close()

    async def _relay(self, ex: int, req: Incoming, resp: UpstreamResponse, out: Responder,
                     entry: LogEntry, secret: bool) -> None:
        rec_headers, removed = redact.strip_credentials(list(resp.headers))
        self.stats.redacted_headers.update(removed)
        self._write(Response(ex, self._now(), resp.status, resp.reason, rec_headers))
        streaming = req.info.verb == "watch" and resp.status == 200
        if streaming:
            self.stats.watches += 1
        # A Secret list or get is only valid JSON, and so only redactable, once whole: it is written (and
        # then forwarded) in one piece. Watch events are whole lines already.
        splitter = Whole() if secret and not streaming else splitter_for(
            resp.header("Content-Type"), streaming=streaming, encoded=bool(resp.header("Content-Encoding")))
        # Searching every body for Secrets costs as much as reading it; a built-in type other than Secret
        # only ever holds its own kind, so only other bodies are searched.
        search = not self.keep_secret_data and (secret or redact.may_hold_secrets(req.info))
        entry.status = resp.status
        forward_headers = tuple((k, v) for k, v in resp.headers if k.lower() not in _RESPONSE_HOP_BY_HOP)
        await out.start(resp.status, resp.reason, forward_headers,
                        content_length=resp.content_length if not streaming else None)
        try:
            async for pieces in resp.pieces():
                frames = splitter.feed_pieces(pieces)
                if not frames:
                    continue
                t = self._now()
                payload = b"".join(frames) if len(frames) > 1 else frames[0]
                if search and (secret or b'"Secret' in payload):
                    frames = [self._redact(f, secret) for f in frames]
                self.writer.write_frames(ex, t, frames)
                if streaming:
                    entry.events += len(frames)
                    self.stats.events += len(frames)
                self.stats.bytes += sum(map(len, pieces))
                await out.send(payload)
        except ClientGone:
            self._write(End(ex, self._now(), EndHow.CLIENT_CLOSED))
            entry.ended("client-closed")
            return
        except asyncio.CancelledError:  # the proxy is stopping: the server never closed this stream
            self._write(End(ex, self._now(), EndHow.CLIENT_CLOSED, "watchproxy stopped"))
            entry.ended("proxy-stopped")
            raise
        except BodyError as exc:
            tail = splitter.pending()
            err = f"upstream: {exc}"
            if tail and secret:  # a torn Secret cannot be parsed, so cannot be redacted: not recorded
                err += f" ({len(tail)} bytes of a torn Secret body not recorded)"
            elif tail:
                self._write(Frame(ex, self._now(), tail))
            self._write(End(ex, self._now(), EndHow.UPSTREAM_ERROR, err))
            entry.ended("upstream-error", err)
            try:
                if tail:
                    await out.send(tail)
            except ClientGone:
                pass
            await out.abort()
            return
        tail = splitter.pending()
        if tail:
            self._write(Frame(ex, self._now(), self._redact(tail, secret)))
            self.stats.bytes += len(tail) if isinstance(splitter, Whole) else 0
        self._write(End(ex, self._now(), EndHow.SERVER_CLOSED if streaming else EndHow.COMPLETE))
        try:
            if tail:
                await out.send(tail)
            await out.finish()
        except ClientGone:
            pass
        entry.ended("server-closed" if streaming else "complete")
