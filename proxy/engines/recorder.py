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
from ..recording.records import End, EndHow, Frame, Request, Response, cut
from ..recording.writer import RecordingWriter
from ..wire import redact
from ..wire.framing import FrameSplitter, JsonLines, Whole, media_type, splitter_for
from ..wire.match import prefer_json
from ..wire.status import status_bytes
from .base import ClientGone, Incoming, Responder
from .requestlog import LogEntry
from .stream import BodyError
from .upstream import ApiserverConnection, UpstreamError, UpstreamResponse

_UPGRADE_SUBRESOURCES = ("exec", "attach", "portforward", "proxy")
NOT_RECORDED_HEADER = "X-Watchproxy-Body-Not-Recorded"
# Bodies that are whole documents: where a Secret may be, they are recorded (and forwarded) once whole,
# since only a whole document can be redacted. Text (pods/log -f) is never held back.
_DOCUMENT_TYPES = frozenset({"", "application/json", redact.PROTOBUF, "application/cbor", "application/yaml"})
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
    def __init__(self, upstream: ApiserverConnection, writer: RecordingWriter, *, keep_secret_data: bool = False,
                 allow_exec: bool = False, keep_protobuf: bool = False,
                 now: Callable[[], float] | None = None) -> None:
        self.upstream = upstream
        self.writer = writer
        self.keep_secret_data = keep_secret_data
        self.allow_exec = allow_exec
        self.keep_protobuf = keep_protobuf
        self.stats = RecorderStats()
        # Set by the session: whether the proxy is stopping, so that a cancelled exchange can be told
        # apart from a client that left (aiohttp cancels the handler in both cases).
        self.stopping: Callable[[], bool] = lambda: False
        self._ids = itertools.count(1)
        start = time.monotonic()
        self._now = now or (lambda: time.monotonic() - start)

    def _write(self, *records: Request | Response | Frame | End) -> None:
        self.writer.write(*records)

    def _request_record(self, ex: int, req: Incoming, headers: tuple[tuple[str, str], ...],
                        secret: bool) -> Request:
        """The request as written: a body sent to a Secret path is a Secret, or a patch to one, whatever
        its form; one that cannot be redacted is not written, and a header says why."""
        body: bytes | None = req.body
        if not self.keep_secret_data:
            body = redact.redact_body(req.body, req.header("Content-Type"), secret_context=secret,
                                      whole_secret=secret, encoded=bool(req.header("Content-Encoding")))
        if body is None:
            kind = media_type(req.header("Content-Type")) or "no content type"
            headers = (*headers, (NOT_RECORDED_HEADER,
                                  f"{len(req.body)} bytes ({kind}) that may hold Secret data cannot be redacted"))
            body = b""
        return Request(ex, self._now(), req.method, req.path, req.query, headers, body, req.conn)

    def _redacted(self, frames: list[bytes], content_type: str, secret: bool, encoded: bool) -> list[bytes]:
        """The frames as they may be written: redacted, and without those that cannot be."""
        out = []
        for f in frames:
            r = redact.redact_body(f, content_type, secret_context=secret, encoded=encoded)
            if r is not None:
                out.append(r)
        return out

    async def _relay_reads(self, ex: int, resp: UpstreamResponse, out: Responder, entry: LogEntry,
                           splitter: JsonLines, search: bool, content_type: str) -> int:
        """A JSON watch, read by read: the whole events of each read joined once (the start of one still
        arriving kept for the next), written as one `frames` record, then forwarded in one write. A read
        that may hold a Secret (it has `"Secret`) is cut into its events to redact them. Returns the bytes
        not recorded because they could not be redacted."""
        unrecorded = 0
        stats, writer, now = self.stats, self.writer, self._now
        async for pieces in resp.views():
            stats.bytes += sum(map(len, pieces))
            data, end, sizes = splitter.feed_read(pieces)
            if not sizes:
                continue
            t = now()
            events = data if end == len(data) else memoryview(data)[:end]
            if search and data.find(b'"Secret', 0, end) >= 0:
                kept = self._redacted(cut(data, sizes), content_type, False, False)
                unrecorded += end - sum(map(len, kept))
                if kept:
                    writer.write_frames(ex, t, kept)
                n = len(kept)
            else:
                writer.write_joined(ex, t, events, sizes)
                n = len(sizes)
            entry.events += n
            stats.events += n
            await out.send(events)
        return unrecorded

    async def _refuse(self, out: Responder, code: int, message: str, entry: LogEntry) -> None:
        body = status_bytes(code, message)
        entry.answered(code)
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
        # /api/v1/proxy/...: the old proxy paths, which some apiservers may still serve
        refused = "proxy" if info.resource == "proxy" else info.subresource.split("/")[0]
        if refused in _UPGRADE_SUBRESOURCES and not self.allow_exec:
            await self._refuse(out, 403, f"watchproxy does not forward {refused} requests "
                               "(streaming upgrades are not recorded; see --allow-exec)", entry)
            return
        ex = next(self._ids)
        secret = info.resource == "secrets" or redact.holds_credentials(info)
        headers, removed = redact.strip_credentials(list(req.headers))
        self.stats.redacted_headers.update(removed)
        self.stats.exchanges += 1
        self.stats.open += 1
        entry.answered_by = f"upstream (exchange {ex})"
        try:
            self._write(self._request_record(ex, req, headers, secret))
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
        # Asked for plain: a compressed body could not be redacted, and a compressed watch (a 1.37
        # apiserver gzips WatchList streams) is pieces of a gzip stream, where events and their times
        # cannot be told apart for emulate to rebuild from.
        if req.info.verb == "watch" or (not self.keep_secret_data and (secret or redact.may_hold_secrets(req.info))):
            headers = tuple((k, v) for k, v in headers if k.lower() != "accept-encoding")
        # JSON, when the client takes it too: emulate mode can read it, and a Secret in JSON can be
        # redacted (one in protobuf cannot, so --keep-protobuf does not apply to Secrets).
        if not self.keep_protobuf or (secret and not self.keep_secret_data):
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
        content_type = resp.header("Content-Type")
        encoded = bool(resp.header("Content-Encoding"))
        mtype = media_type(content_type).split(";")[0]
        # Searching every body for Secrets costs as much as reading it; a built-in type other than Secret
        # only ever holds its own kind, so only other bodies are searched.
        search = not self.keep_secret_data and (secret or redact.may_hold_secrets(req.info))
        # A document that may hold a Secret is only valid JSON (YAML, protobuf), and so only redactable,
        # once whole: it is written (and then forwarded) in one piece. Watch events are whole already.
        splitter: FrameSplitter = Whole() if search and not streaming and not encoded and (
            mtype in _DOCUMENT_TYPES or mtype.endswith("+json")) else splitter_for(
            content_type, streaming=streaming, encoded=encoded)
        # Protobuf, YAML and compressed bodies cannot be searched for `"Secret` first: each is looked at.
        look_at_all = secret or encoded or not (mtype == "" or mtype.endswith("json"))
        unrecorded = 0
        entry.answered(resp.status)
        forward_headers = tuple((k, v) for k, v in resp.headers if k.lower() not in _RESPONSE_HOP_BY_HOP)
        try:
            # inside: a client gone before its headers went out (a proxy stopping) still ends the exchange
            await out.start(resp.status, resp.reason, forward_headers,
                            content_length=resp.content_length if not streaming else None)
            if isinstance(splitter, JsonLines) and not (search and look_at_all):
                unrecorded = await self._relay_reads(ex, resp, out, entry, splitter, search, content_type)
            else:
                async for pieces in resp.pieces():
                    frames = splitter.feed_pieces(pieces)
                    if not frames:
                        continue
                    t = self._now()
                    payload = b"".join(frames) if len(frames) > 1 else frames[0]
                    if search and (look_at_all or b'"Secret' in payload):
                        kept = self._redacted(frames, content_type, secret, encoded)
                        unrecorded += sum(map(len, frames)) - sum(map(len, kept))
                        frames = kept
                    if frames:
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
        except asyncio.CancelledError:
            if self.stopping():  # the proxy is stopping: the server never closed this stream
                self._write(End(ex, self._now(), EndHow.CLIENT_CLOSED, "watchproxy stopped"))
                entry.ended("proxy-stopped")
            else:  # aiohttp cancels the handler when the client disconnects while nothing is being sent
                self._write(End(ex, self._now(), EndHow.CLIENT_CLOSED))
                entry.ended("client-closed")
            raise
        except BodyError as exc:
            tail = splitter.pending()
            err = f"upstream: {exc}"
            if tail and (secret or (search and b"Secret" in tail)):
                # a torn document cannot be parsed, so cannot be redacted: not recorded
                err += f" ({len(tail)} bytes of a torn body that may hold Secret data not recorded)"
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
            kept = self._redacted([tail], content_type, secret, encoded) if search else [tail]
            unrecorded += len(tail) - sum(map(len, kept))
            if kept:
                self._write(Frame(ex, self._now(), kept[0]))
            self.stats.bytes += len(tail) if isinstance(splitter, Whole) else 0
        note = (f"{unrecorded} bytes of a body that may hold Secret data ({mtype or 'no content type'}"
                f"{', compressed' if encoded else ''}) not recorded: it cannot be redacted") if unrecorded else ""
        self._write(End(ex, self._now(), EndHow.SERVER_CLOSED if streaming else EndHow.COMPLETE, note))
        try:
            if tail:
                await out.send(tail)
            await out.finish()
        except ClientGone:
            pass
        entry.ended("server-closed" if streaming else "complete")
