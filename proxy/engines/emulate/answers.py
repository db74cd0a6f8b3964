"""Emulate's answers in the media type the client negotiated, as the real apiserver writes them.

client-go 0.37 asks for `application/vnd.kubernetes.protobuf, */*` for every built-in kind, and the real
apiserver answers protobuf: objects, lists, watch events, errors' Status, discovery; a client that asks for
`application/yaml` gets YAML (but no watch: there is no YAML stream). The emulator makes its answers in
JSON, one encoder for all of them, and this Responder between it (and the faults acting on its events) and
the client writes each in the negotiated form on the way out: a whole body once complete, a protobuf watch
event by event, a fault's ERROR event or half an event as well. An error is written in what the default
restrictions negotiate (a custom resource's errors may be protobuf while its objects cannot). A body without
a protobuf form (a custom resource, a Table, /version) goes out as the JSON it is, with its JSON
Content-Type, as the apiserver's own fallback does; a value that does not fit its Go type (a hand-made
recording) too, or, inside a protobuf watch stream that has begun, as an ERROR event that says which.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from ...recording.records import Headers, header_value
from ...wire import goyaml, protobuf
from ...wire.framing import media_type
from ...wire.jsonenc import go_json_indent
from ...wire.negotiation import GZIP_THRESHOLD
from ...wire.status import status
from ..base import Responder

log = logging.getLogger("watchproxy")
STREAM_MEDIA_TYPE = protobuf.MEDIA_TYPE + ";stream=watch"


def _with_type(headers: Headers, media_type: str) -> Headers:
    """The head with `media_type` for JSON, the JSON type's parameters kept (aggregated discovery's g, v, as)."""
    return tuple((k, media_type + v.strip()[len("application/json"):]) if k.lower() == "content-type" else (k, v)
                 for k, v in headers)


def _event_frame(line: bytes) -> bytes:
    """One JSON watch line as its protobuf frame; a line that cannot be written so becomes an ERROR event."""
    try:
        return protobuf.watch_frame(json.loads(line))
    except (ValueError, RecursionError) as exc:  # (Unsupported and Unencodable are ValueErrors)
        log.warning("a watch event that cannot be written in protobuf: %s", exc)
        error = status(500, f"watchproxy cannot write this event in protobuf: {exc}")
        return protobuf.watch_frame({"type": "ERROR", "object": error})


@functools.lru_cache(maxsize=8)
def stream_bytes(data: bytes) -> bytes:
    """JSON watch lines as protobuf frames. One change goes to every watch of a resource as the same bytes,
    one after the other (fanout.py): it is encoded once for all of them (a few kept: they may be large). A
    line cut short (a fault's half an event) becomes a frame cut short: its length says more than follows,
    as on a connection that died mid-write."""
    *whole, tail = data.split(b"\n")
    out = b"".join(_event_frame(line) for line in whole if line.strip())
    if tail.strip():
        out += (2 * len(tail)).to_bytes(4, "big") + tail
    return out


YAML = "application/yaml"
UNNEGOTIATED = "unnegotiated"  # an error for a client that accepts none of a Status's media types
PRETTY = "pretty"  # JSON indented, for a client that asks so or is curl, Wget or a browser (negotiation.pretty)
_ENCODERS: dict[str, Callable[[Any], bytes]] = {protobuf.MEDIA_TYPE: protobuf.encode, YAML: goyaml.dumps,
                                                UNNEGOTIATED: go_json_indent, PRETTY: go_json_indent}


class _Relay:
    """What the Responders below pass on to the one they wrap as it comes, and how they keep a whole body (its
    head and bytes, until finish) and write it."""

    def __init__(self, inner: Responder) -> None:
        self.inner = inner
        self._started = False
        self._head: tuple[int, str, Headers, int | None] = (0, "", (), None)
        self._body = bytearray()

    @property
    def started(self) -> bool:
        return self._started

    async def _whole(self, status: int, reason: str, headers: Headers, length: int | None, body: bytes) -> None:
        await self.inner.start(status, reason, headers, content_length=length)
        if body:
            await self.inner.send(body)

    async def abort(self, reset: bool = True) -> None:
        await self.inner.abort(reset)

    async def wait_closed(self) -> None:
        await self.inner.wait_closed()


class GzippedAnswers(_Relay):
    """A Responder that gzips an answer longer than 128 KiB, as the apiserver's response writer does for a
    client whose Accept-Encoding names gzip (deferredResponseWriter: level 1, `Content-Encoding: gzip`, `Vary:
    Accept-Encoding`); a shorter one goes out as it is. Only whole answers come here: objects, lists and
    errors, never a watch or a log that streams."""

    async def start(self, status: int, reason: str, headers: Headers, *, content_length: int | None = None) -> None:
        self._started = True
        self._head = (status, reason, headers, content_length)

    async def send(self, data: bytes | memoryview) -> None:
        self._body += data

    async def send_frames(self, frames: Sequence[bytes]) -> None:
        for f in frames:
            self._body += f

    def prepare_send(self, data: bytes) -> Callable[[], None] | None:
        return None

    async def finish(self) -> None:
        status, reason, headers, length = self._head
        body = bytes(self._body)
        if len(body) > GZIP_THRESHOLD:
            body = gzip.compress(body, compresslevel=1, mtime=0)
            headers = (*headers, ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding"))
        await self._whole(status, reason, headers, len(body) if body else length, body)  # (a HEAD's length kept)
        await self.inner.finish()


class EncodedAnswers(_Relay):
    """A Responder that writes the JSON answers given to it as negotiated: see the module's docstring."""

    def __init__(self, inner: Responder, watch: bool, media: str, errors: str) -> None:
        """`watch`: the request is one; `media`: what its answer is written in (a watch's events only in
        protobuf, else as they are); `errors`: what an error's Status is written in (application/json,
        application/yaml, protobuf, or UNNEGOTIATED: indented JSON, as the apiserver writes it for a client
        that accepts none of them; PRETTY for either: indented JSON, as asked)."""
        super().__init__(inner)
        self.watch = watch
        self.media = media
        self.errors = errors
        self._mode = ""  # "body": JSON gathered until finish; "stream": a watch's events; "as is"
        self._target = ""

    async def start(self, status: int, reason: str, headers: Headers, *, content_length: int | None = None) -> None:
        self._started = True
        stream = self.watch and status == 200
        target = self.errors if status >= 400 else self.media
        if media_type(header_value(headers, "Content-Type")) != "application/json" or target not in _ENCODERS \
                or (stream and target != protobuf.MEDIA_TYPE):
            self._mode = "as is"
            await self.inner.start(status, reason, headers, content_length=content_length)
        elif stream:
            self._mode = "stream"
            await self.inner.start(status, reason, _with_type(headers, STREAM_MEDIA_TYPE))
        else:
            self._mode = "body"
            self._head = (status, reason, headers, content_length)
            self._target = target

    async def send(self, data: bytes | memoryview) -> None:
        if self._mode == "body":
            self._body += data
        elif self._mode == "stream":
            await self.inner.send(stream_bytes(bytes(data)))
        else:
            await self.inner.send(data)

    async def send_frames(self, frames: Sequence[bytes]) -> None:
        if self._mode == "stream":
            await self.inner.send_frames([stream_bytes(f) for f in frames])
        elif self._mode == "body":
            for f in frames:
                self._body += f
        else:
            await self.inner.send_frames(frames)

    def prepare_send(self, data: bytes) -> Callable[[], None] | None:
        if self._mode == "body":
            return None
        return self.inner.prepare_send(stream_bytes(data) if self._mode == "stream" else data)

    async def finish(self) -> None:
        if self._mode == "body":
            status, reason, headers, length = self._head
            body = bytes(self._body)
            if body:
                try:
                    body = _ENCODERS[self._target](json.loads(body))
                    if self._target not in (UNNEGOTIATED, PRETTY):  # (indented JSON, as application/json)
                        headers = _with_type(headers, self._target)
                except (ValueError, RecursionError):  # no protobuf form: the JSON it is
                    pass
                length = len(body)
            await self._whole(status, reason, headers, length, body)
        await self.inner.finish()
