"""Split a watch body into whole events, whatever the HTTP chunking was.

The apiserver flushes when its queue is empty, so one chunk may hold several events and one event may span
chunks. A recording stores whole events (so replay can time each one); these splitters reassemble them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

PROTOBUF_WATCH = "application/vnd.kubernetes.protobuf;stream=watch"
_MAX_FRAME = 64 * 1024 * 1024
_LONG = 1 << 20  # an event this long still arriving is gathered in place (feed_read)
_NEWLINE = re.compile(b"\n")  # searches a memoryview, which has no find
_FEW_PIECES = 8  # up to this many chunks in a read, each is looked at on its own (no copy of large events)


class FrameSplitter(Protocol):
    def feed(self, data: bytes) -> list[bytes]:
        """Whole frames completed by this data, in order."""
        ...

    def feed_pieces(self, pieces: list[bytes]) -> list[bytes]:
        """`feed` for the pieces of one read, in order (the chunks of a chunked body)."""
        ...

    def pending(self) -> bytes:
        """Bytes of an incomplete frame not yet returned (a torn event if the stream ends now)."""
        ...


class _Joined:
    """feed_pieces as one feed of the pieces joined: for splitters that gain nothing from the boundaries."""

    def feed(self, data: bytes) -> list[bytes]:
        raise NotImplementedError

    def feed_pieces(self, pieces: list[bytes]) -> list[bytes]:
        return self.feed(pieces[0] if len(pieces) == 1 else b"".join(pieces))


class JsonLines:
    """One compact JSON event per line, each ending in exactly one '\\n' (kept in the frame).

    Event ends are found with `bytes.find` of one byte, which is memchr in C: on CPython 3.11 it runs at
    tens of GB/s, where `split`, `splitlines` and `count` look at every byte in a loop of their own and cost
    about a microsecond a kilobyte (measured in docs/benchmarks.md), more than a Python step per event."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        if not self._buf and data[-1:] == b"\n" and data.find(b"\n", 0, -1) < 0:
            out.append(data)  # the common case: one event per chunk
        else:
            self._lines(data, out)
        return out

    def feed_pieces(self, pieces: list[bytes]) -> list[bytes]:
        # A chunk holding exactly one event (an idle apiserver sends one per chunk) is a frame as it is,
        # with one search for a newline before its last byte. From the second chunk in a row that is not,
        # the rest of the read (a busy apiserver's 2048-byte chunks cut through events) is joined (one
        # memcpy) and cut at each newline, unless it is a few large chunks, cut one by one instead of copied.
        # (A single such chunk is usually the end of one that the previous read cut.)
        out: list[bytes] = []
        missed = False
        for i, p in enumerate(pieces):
            if not self._buf and p[-1:] == b"\n" and p.find(b"\n", 0, -1) < 0:
                out.append(p)
                missed = False
            elif missed and len(pieces) - i > _FEW_PIECES:
                self._lines(b"".join(pieces[i:]), out)
                break
            else:
                self._lines(p, out)
                missed = True
        return out

    def feed_read(self, pieces: Sequence[bytes | memoryview]) -> tuple[bytes, int, list[int]]:
        """The whole events one read completes: `(data, end, sizes)`, the events being `data[:end]` and
        `sizes` each one's length; the start of an event still arriving is kept for the next read. The
        pieces (memoryviews of the socket's read: ChunkedDecoder.feed_views) are joined once, behind what was
        kept; one memrchr finds where the whole events end and one memchr per event where each ends: the
        recorder writes them as one `frames` record and forwards them in one write, with no Python object
        per event and no other copy of their bytes. A long event still arriving (a megabyte and more) is
        gathered without copying it again at each read."""
        buf = self._buf
        if len(buf) > _LONG and not any(map(_NEWLINE.search, pieces)):
            for p in pieces:
                buf += p
            if len(buf) > _MAX_FRAME:  # not JSON lines after all: pass it on rather than hoard it
                data = bytes(buf)
                buf.clear()
                return data, len(data), [len(data)]
            return b"", 0, []
        data = b"".join((buf, *pieces)) if buf or len(pieces) != 1 else bytes(pieces[0])
        end = data.rfind(b"\n") + 1
        if end < len(data):
            buf.clear()
            buf += memoryview(data)[end:]
            if not end:  # no event ends in this read
                return b"", 0, []
        elif buf:
            buf.clear()
        return data, end, self._sizes(data, end)

    @staticmethod
    def _sizes(data: bytes, end: int) -> list[int]:
        """The length of each line of `data[:end]`, which ends with a newline."""
        sizes: list[int] = []
        append, find = sizes.append, data.find
        pos = 0
        while pos < end:
            i = find(b"\n", pos) + 1
            append(i - pos)
            pos = i
        return sizes

    def _lines(self, data: bytes, out: list[bytes]) -> None:
        """Append each line that `data` completes (the first with what was buffered before it)."""
        find = data.find
        append = out.append
        i = find(b"\n")
        if i < 0:
            self._buf += data
            if len(self._buf) > _MAX_FRAME:  # not JSON lines after all: pass it on rather than hoard it
                append(bytes(self._buf))
                self._buf.clear()
            return
        if self._buf:
            self._buf += data[:i + 1]
            append(bytes(self._buf))
            self._buf.clear()
        else:
            append(data[:i + 1])
        pos = i + 1
        while True:
            i = find(b"\n", pos)
            if i < 0:
                break
            append(data[pos:i + 1])
            pos = i + 1
        if pos < len(data):
            self._buf += data[pos:]  # the start of an event still arriving

    def pending(self) -> bytes:
        return bytes(self._buf)


class LengthPrefixed(_Joined):
    """Protobuf watch frames: a 4-byte big-endian length, then the message (both kept in the frame)."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._raw = False

    def feed(self, data: bytes) -> list[bytes]:
        if self._raw:
            return [data] if data else []
        self._buf += data
        out = []
        while len(self._buf) >= 4:
            n = int.from_bytes(self._buf[:4], "big")
            if n > _MAX_FRAME:
                # Not (or no longer) a protobuf watch stream: rather than buffer the rest of the body for a
                # frame that cannot be, pass the bytes through as they come, like Raw.
                self._raw = True
                out.append(bytes(self._buf))
                self._buf.clear()
                break
            if len(self._buf) < 4 + n:
                break
            out.append(bytes(self._buf[: 4 + n]))
            del self._buf[: 4 + n]
        return out

    def pending(self) -> bytes:
        return bytes(self._buf)


class Whole(_Joined):
    """The whole body as one frame, at the end: for bodies that can only be redacted once complete."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buf += data
        return []

    def pending(self) -> bytes:
        return bytes(self._buf)


class Raw:
    """Anything else: each piece as received."""

    def feed(self, data: bytes) -> list[bytes]:
        return [data] if data else []

    def feed_pieces(self, pieces: list[bytes]) -> list[bytes]:
        return [p for p in pieces if p]

    def pending(self) -> bytes:
        return b""


def media_type(content_type: str) -> str:
    """`application/json; charset=utf-8` -> `application/json` (parameters that matter are kept)."""
    parts = [p.strip() for p in content_type.split(";") if p.strip()]
    if not parts:
        return ""
    keep = [p.replace(" ", "") for p in parts[1:] if p.lower().startswith("stream=")]
    return ";".join([parts[0].lower(), *keep])


def splitter_for(content_type: str, *, streaming: bool, encoded: bool = False) -> FrameSplitter:
    """The splitter for a response body. Only uncompressed watch streams are split into events."""
    if not streaming or encoded:
        return Raw()
    base = media_type(content_type).split(";")[0]  # `application/json;stream=watch` is still JSON lines
    if base == "application/vnd.kubernetes.protobuf":
        return LengthPrefixed()
    if base in ("application/json", "application/yaml") or base.endswith("+json"):
        return JsonLines()
    return Raw()
