"""Split a watch body into whole events, whatever the HTTP chunking was.

The apiserver flushes when its queue is empty, so one chunk may hold several events and one event may span
chunks. A recording stores whole events (so replay can time each one); these splitters reassemble them.
"""

from __future__ import annotations

from typing import Protocol

PROTOBUF_WATCH = "application/vnd.kubernetes.protobuf;stream=watch"
_MAX_FRAME = 64 * 1024 * 1024


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
    """One compact JSON event per line, each ending in exactly one '\\n' (kept in the frame)."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        if not self._buf and data.endswith(b"\n") and data.count(b"\n") == 1:
            return [data]  # the common case: one event per chunk
        if self._buf:
            self._buf += data
            data = bytes(self._buf)
            self._buf.clear()
        end = data.rfind(b"\n")
        if end < 0:
            self._buf += data
            if len(self._buf) > _MAX_FRAME:  # not JSON lines after all: pass it on rather than hoard it
                out = bytes(self._buf)
                self._buf.clear()
                return [out]
            return []
        if end + 1 < len(data):
            self._buf += data[end + 1:]
        if b"\r" not in data:  # then splitlines splits at '\n' only, keeping it: one copy per frame
            return data[: end + 1].splitlines(keepends=True) if end + 1 < len(data) else data.splitlines(True)
        return [line + b"\n" for line in data[:end].split(b"\n")]

    def feed_pieces(self, pieces: list[bytes]) -> list[bytes]:
        # The apiserver sends one event per chunk: such a chunk is a frame as it is, with one search for
        # a newline before its last byte instead of splitting lines.
        out: list[bytes] = []
        for p in pieces:
            if not self._buf and p[-1:] == b"\n" and p.find(b"\n", 0, -1) < 0:
                out.append(p)
            else:
                out += self.feed(p)
        return out

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
