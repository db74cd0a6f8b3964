"""HTTP/1.1 response framing (RFC 9112), without I/O: the head, and the chunked body of a watch stream.

The recorder reads watch streams through this rather than through aiohttp's client because a watch body
is thousands of small chunks a second (the apiserver flushes each event), and aiohttp hands each chunk to
Python code on its own; here one read of up to a megabyte is decoded in one call, and a chunk that holds
exactly one event comes out as that event's bytes, ready to record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

_CRLF = b"\r\n"
_MAX_SIZE_LINE = 4096  # a size line with chunk extensions; longer is not HTTP (Go's limit is 4 KiB too)
_MAX_TRAILERS = 64 * 1024
P = TypeVar("P", bytes, memoryview)  # what chunk data comes out as: copies, or views of the read


class FramingError(ValueError):
    """The bytes are not a well-formed HTTP/1.1 response (message safe to show)."""


@dataclass(frozen=True, slots=True)
class ResponseHead:
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]  # as received, in order

    def get(self, name: str, default: str = "") -> str:
        """The last value of a header (case-insensitive), as aiohttp's `headers.get` gives it."""
        lname = name.lower()
        for k, v in reversed(self.headers):
            if k.lower() == lname:
                return v
        return default

    def body_length(self, method: str) -> int | None:
        """How the body ends (RFC 9112 §6.3): its length, or None when it is chunked (`chunked`) or ends
        when the server closes the connection."""
        if method == "HEAD" or self.status in (204, 304) or 100 <= self.status < 200:
            return 0
        if self.get("Transfer-Encoding"):
            return None
        values = {v.strip() for k, v in self.headers if k.lower() == "content-length"}
        if not values:
            return None
        if len(values) > 1 or not all(v.isdigit() for v in values):
            raise FramingError(f"invalid Content-Length {', '.join(sorted(values))!r}")
        return int(values.pop())

    @property
    def chunked(self) -> bool:
        codings = [c.strip().lower() for c in self.get("Transfer-Encoding").split(",") if c.strip()]
        return bool(codings) and codings[-1] == "chunked"


def parse_head(data: bytes) -> ResponseHead:
    """The status line and header fields, up to and including the blank line that ends them."""
    lines = data.decode("latin-1").split("\r\n")
    while lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise FramingError("empty response head")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise FramingError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or " " in name or "\t" in name:
            raise FramingError(f"malformed header line {line[:80]!r}")
        headers.append((name, value.strip(" \t")))
    return ResponseHead(int(code), reason, tuple(headers))


class ChunkedDecoder:
    """Chunked transfer coding in, chunk data out, whatever the reads' boundaries.

    `feed` returns the data of each chunk completed by the read as one piece, and the received part of a
    chunk still arriving as a piece of its own (so a huge chunk is not held back). `done` is set after
    the last chunk and its trailer section. `feed_views` gives memoryviews of the read instead of copies:
    the recorder joins a read's events once (JsonLines.feed_read), and every copy of a busy watch's bytes
    counts (memmove was 12% of the recorder's CPU with 200 streams).
    """

    def __init__(self) -> None:
        self._tail = b""  # an incomplete size line or trailer section
        self._left = 0  # data bytes of the current chunk still to come
        self._crlf = 0  # bytes of the CRLF after the current chunk's data still to come
        self._trailers = False
        self.done = False

    def feed(self, data: bytes) -> list[bytes]:
        return self._feed(data, data, [])

    def feed_views(self, data: bytes) -> list[memoryview]:
        """`feed`, the pieces as memoryviews of the read rather than copies."""
        return self._feed(data, memoryview(data), [])

    def _feed(self, data: bytes, src: P, out: list[P]) -> list[P]:
        """The chunks in `data` onto `out`, as slices of `src` (`data` itself, or a memoryview of it)."""
        if self.done:  # anything after the body is not part of this response: the connection is closed
            return out
        if self._tail:
            data, self._tail = self._tail + data, b""
            src = memoryview(data) if isinstance(src, memoryview) else data
        pos, end = 0, len(data)
        if self._left or self._crlf:
            pos = self._continue(data, src, out)
        while pos < end and not self._trailers:
            pos = _whole_chunks(data, src, pos, out)  # the usual case; stops at anything else
            if pos >= end:
                break
            i = data.find(_CRLF, pos, pos + _MAX_SIZE_LINE)
            if i < 0:
                if end - pos >= _MAX_SIZE_LINE:
                    raise FramingError("chunk size line too long")
                self._tail = data[pos:]
                return out
            size = _size(data[pos:i])
            start = i + 2
            if size == 0:
                pos = start
                self._trailers = True
                break
            stop = start + size
            if stop + 2 <= end:  # whole, with extensions, or with its CRLF missing
                if data[stop:stop + 2] != _CRLF:
                    raise FramingError("chunk data not followed by CRLF")
                out.append(src[start:stop])
                pos = stop + 2
                continue
            self._left, self._crlf = size, 2  # this chunk continues in the next reads
            pos = self._continue(data, src, out, start)
        if self._trailers:
            self._end_trailers(data[pos:])
        return out

    def _continue(self, data: bytes, src: P, out: list[P], pos: int = 0) -> int:
        """Take the rest of a chunk that started in an earlier read; returns where the next one starts."""
        if self._left:
            piece = src[pos:pos + self._left]
            if piece:
                out.append(piece)
            self._left -= len(piece)
            pos += len(piece)
        if not self._left and self._crlf:
            expect = _CRLF[2 - self._crlf:]
            got = data[pos:pos + len(expect)]
            if got != expect[:len(got)]:
                raise FramingError("chunk data not followed by CRLF")
            self._crlf -= len(got)
            pos += len(got)
        return pos

    def _end_trailers(self, rest: bytes) -> None:
        """The trailer section: header lines (ignored, as clients ignore them), then an empty line."""
        if rest.startswith(_CRLF) or rest.find(b"\r\n\r\n") >= 0:
            self.done = True
        elif len(rest) > _MAX_TRAILERS:
            raise FramingError("chunked trailer section too long")
        else:
            self._tail = rest

    def pending(self) -> int:
        """Bytes of an unfinished chunk still expected (0 between chunks)."""
        return self._left


def _whole_chunks(data: bytes, src: P, pos: int, out: list[P]) -> int:
    """Append the data of each whole, non-empty chunk from `pos` on (a slice of `src`: `data` itself, or a
    memoryview of it); returns where the first other thing (a partial or last chunk, extensions, bad
    framing) starts. A chunk whose size line is the previous one's (a busy apiserver's 2048-byte chunks,
    events of one size) starts a run of such chunks, matched by one regular expression in C (`_run`):
    then each costs only its slice, a third of the one find, one int and one slice any other costs."""
    find, startswith = data.find, data.startswith
    append = out.append
    end = len(data)
    line, n, size = b"\x00", 0, 0  # the last size line with its CRLF, its length, its size
    while True:
        if startswith(line, pos):
            if size > _RUN_MAX:
                start = pos + n
            else:
                m = _run(line, size).match(data, pos)
                if m is None:
                    return pos
                out.extend([src[p:p + size] for p in range(pos + n, m.end(), n + size + 2)])
                pos = m.end()
                continue
        else:
            i = find(b"\r\n", pos, pos + 20)
            if i < 0:
                return pos
            start = i + 2
            line, n = data[pos:start], start - pos
            try:
                size = int(line, 16)  # the CRLF is whitespace to int()
            except ValueError:
                return pos
            if size <= 0:
                return pos
        stop = start + size
        if stop + 2 > end or not startswith(b"\r\n", stop):
            return pos
        append(src[start:stop])
        pos = stop + 2


_RUN_MAX = 1 << 20  # larger chunks are few in a read: one at a time
_RUNS: dict[bytes, re.Pattern[bytes]] = {}


def _run(line: bytes, size: int) -> re.Pattern[bytes]:
    """Whole chunks of `size` bytes one after another, each behind the size line `line` (with its CRLF) and
    followed by CRLF: `.{size}` under DOTALL is a pointer moved in C, not a loop over the bytes."""
    rx = _RUNS.get(line)
    if rx is None:
        if len(_RUNS) >= 64:  # sizes change all the time: keep the last ones
            _RUNS.clear()
        rx = _RUNS[line] = re.compile(b"(?:%s(?s:.{%d})\r\n)+" % (re.escape(line), size))
    return rx


def _size(line: bytes) -> int:
    try:
        size = int(line, 16)
    except ValueError:
        size = _size_with_extensions(line)
    if size < 0:
        raise FramingError(f"invalid chunk size line {line[:40]!r}")
    return size


def _size_with_extensions(line: bytes) -> int:
    size, semi, _ = line.partition(b";")
    hexdigits = size.strip(b" \t")
    if not semi or not hexdigits or not all(c in b"0123456789abcdefABCDEF" for c in hexdigits):
        raise FramingError(f"invalid chunk size line {line[:40]!r}")
    return int(hexdigits, 16)
