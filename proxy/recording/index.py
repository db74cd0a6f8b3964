"""A recording opened for replay: every exchange's request, response head and ending in memory, and for each
frame its time and where its bytes lie in the file, read when the frame is played.

Holding every event's bytes would cost the file's size in memory (gigabytes for a long session) and building
a record object per event most of the load time. The columns kept here cost 20 bytes a frame. The index is
prepared at the end of a recording that `watchproxy record` or `watchproxy prepare` wrote (see
`proxy.recording.prepared`), else saved in the per-user cache (`proxy.recording.cache`), so opening the same
recording again reads no events.
"""

from __future__ import annotations

import os
import sys
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from typing import Any, overload

from . import prepared
from .errors import RecordingError
from .reader import RecordingReader
from .records import End, Frame, FrameBatch, Header, Request, Response, header_from_wire, record_from_wire

_SPAN = 1024 * 1024  # frames close together in the file are read with one system call, up to this span
_PART = "index"  # its name in the prepared data and the cache


class Source:
    """The recording's bytes, read at offsets with pread: no shared file position, and a file replaced or
    truncated while it is served gives a clear error instead of the crash a memory map would give.

    Events are read one at a time but lie one after another, so reads go through a few cached blocks:
    one system call brings a block's hundreds of events, for each stream being played."""

    BLOCK = 256 * 1024
    BLOCKS = 32  # cached at once: enough for as many streams played at different places in the file

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self._fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise RecordingError(exc.strerror or str(exc), path=path) from None
        self._finalizer = weakref.finalize(self, os.close, self._fd)
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self._last, self._last_at = b"", 0

    def read(self, offset: int, n: int) -> bytes:
        at = offset - self._last_at
        if at >= 0 and at + n <= len(self._last):  # the block read last: the common case by far
            return self._last[at:at + n]
        first = offset // self.BLOCK
        if (offset + n - 1) // self.BLOCK != first or n <= 0:  # spans blocks (or is big): read it as it is
            return self._pread(offset, n, n)
        block = self._blocks.get(first)
        if block is None:
            block = self._blocks[first] = self._pread(first * self.BLOCK, self.BLOCK, offset + n - first * self.BLOCK)
            if len(self._blocks) > self.BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(first)
        self._last, self._last_at = block, first * self.BLOCK
        at = offset - self._last_at
        return block[at:at + n]

    def _pread(self, offset: int, n: int, need: int) -> bytes:
        """Up to n bytes at offset (fewer at the end of the file), failing if fewer than `need`."""
        if not self._finalizer.alive:  # never pread a closed descriptor: its number may be another file's now
            raise RecordingError("the recording was closed", path=self.path)
        try:
            data = os.pread(self._fd, n, offset)
        except OSError as exc:
            raise RecordingError(f"cannot read: {exc.strerror or exc}", path=self.path, offset=offset) from None
        if len(data) < need:
            raise RecordingError("the file changed after it was loaded (it is shorter now)", path=self.path,
                                 offset=offset)
        return data

    def close(self) -> None:
        self._blocks.clear()
        self._last = b""
        self._finalizer()


class Frames(Sequence[Frame]):
    """One exchange's frames, in order: times in memory, bytes in the file (or in memory, for the rare
    frame a foreign writer stored with its bytes before other fields)."""

    __slots__ = ("ex", "inline", "lengths", "offsets", "source", "times")

    def __init__(self, ex: int, source: Source | None, times: array[float] | None = None,
                 offsets: array[int] | None = None, lengths: array[int] | None = None,
                 inline: dict[int, bytes] | None = None) -> None:
        self.ex = ex
        self.source = source
        self.times = times if times is not None else array("d")
        self.offsets = offsets if offsets is not None else array("q")  # -1: the bytes are in `inline`
        self.lengths = lengths if lengths is not None else array("I")
        self.inline = inline if inline is not None else {}

    def append(self, t: float, offset: int, data: bytes) -> None:
        if offset < 0 or self.source is None:
            self.inline[len(self.times)] = data
            offset = -1
        self.times.append(t)
        self.offsets.append(offset)
        self.lengths.append(len(data))

    def __len__(self) -> int:
        return len(self.times)

    @overload
    def __getitem__(self, i: int) -> Frame: ...
    @overload
    def __getitem__(self, i: slice) -> list[Frame]: ...

    def __getitem__(self, i: int | slice) -> Frame | list[Frame]:
        if isinstance(i, slice):
            lo, hi, step = i.indices(len(self))
            if step != 1:
                return [self[k] for k in range(lo, hi, step)]
            return [Frame(self.ex, self.times[k], d) for k, d in zip(range(lo, hi), self.read(lo, hi), strict=True)]
        if i < 0:
            i += len(self)
        return Frame(self.ex, self.times[i], self.data(i))

    def __iter__(self) -> Iterator[Frame]:
        for _, t, d in self.timed():
            yield Frame(self.ex, t, d)

    def timed(self, passed: Callable[[int], None] | None = None) -> Iterator[tuple[int, float, bytes]]:
        """(index, time, bytes) of every frame, read in blocks, without a Frame object each: for passes
        over millions of them. `passed(j)` is called once frames before j are gone through, block by block
        (progress for a person waiting, at no cost per frame)."""
        i, n, times = 0, len(self), self.times
        while i < n:
            j = self._block_end(i)
            for k, d in zip(range(i, j), self.read(i, j), strict=True):
                yield k, times[k], d
            i = j
            if passed is not None:
                passed(j)

    def data(self, i: int) -> bytes:
        off = self.offsets[i]
        if off < 0 or self.source is None:
            return self.inline[i]
        return self.source.read(off, self.lengths[i])

    def size(self, i: int, j: int | None = None) -> int:
        """Bytes of frames i..j-1 (of frame i alone without j)."""
        return self.lengths[i] if j is None else sum(self.lengths[i:j])

    def _block_end(self, i: int) -> int:
        """The end of the run of frames from i that one read of at most _SPAN bytes can fetch."""
        offs, n = self.offsets, len(self)
        if offs[i] < 0:
            return i + 1
        j = i + 1
        while j < n and offs[j] >= 0 and offs[j] + self.lengths[j] - offs[i] <= _SPAN:
            j += 1
        return j

    def read(self, i: int, j: int) -> list[bytes]:
        """The bytes of frames i..j-1, with as few reads as their layout allows."""
        return [bytes(p) for p in self._pieces(i, j)]

    def joined(self, i: int, j: int) -> bytes:
        return self.data(i) if j - i == 1 else b"".join(self._pieces(i, j))

    def _pieces(self, i: int, j: int) -> list[bytes | memoryview]:
        out: list[bytes | memoryview] = []
        offs, lens = self.offsets, self.lengths
        while i < j:
            end = min(self._block_end(i), j)
            if end - i == 1:
                out.append(self.data(i))
            else:
                assert self.source is not None
                base = offs[i]
                block = memoryview(self.source.read(base, offs[end - 1] + lens[end - 1] - base))
                for k in range(i, end):
                    o = offs[k] - base
                    out.append(block[o:o + lens[k]])
            i = end
        return out


@dataclass(slots=True)
class IndexedExchange:
    request: Request
    frames: Frames
    response: Response | None = None
    end: End | None = None


@dataclass
class RecordingIndex:
    path: str
    header: Header
    source: Source
    exchanges: dict[int, IndexedExchange] = field(default_factory=dict)
    torn_tail: str | None = None
    duration: float = 0.0  # the last record's time
    session_end: int = 0  # after a scan: where the session's last whole record ends (prepared data follows)


def scan(path: str, progress: Callable[[int, int], None] | None = None) -> RecordingIndex:
    """Read the whole recording, checking every record, and note where each frame's bytes are."""
    source = Source(path)
    with RecordingReader(path, progress) as reader:
        idx = RecordingIndex(path, reader.header, source)
        exchanges = idx.exchanges
        last_t = 0.0
        for rec, end, data_last in reader.located():
            t = rec.t
            if t > last_t:
                last_t = t
            if isinstance(rec, Frame):
                ex = exchanges.get(rec.ex)
                if ex is None:  # a frame of an exchange whose request was lost: nothing can replay it
                    continue
                frames, n = ex.frames, len(rec.data)
                if data_last:  # Frames.append, inlined: this runs for every event
                    frames.times.append(t)
                    frames.offsets.append(end - n)
                    frames.lengths.append(n)
                else:
                    frames.append(t, -1, rec.data)
            elif isinstance(rec, FrameBatch):  # the events of one read: their places noted in C, not copied
                ex = exchanges.get(rec.ex)
                if ex is None:
                    continue
                frames, sizes = ex.frames, rec.sizes
                if data_last:
                    frames.times.extend(repeat(t, len(sizes)))
                    frames.offsets.extend(accumulate(sizes[:-1], initial=end - len(rec.data)))
                    frames.lengths.extend(sizes)
                else:
                    for f in rec.frames():
                        frames.append(t, -1, f.data)
            elif isinstance(rec, Request):
                exchanges[rec.ex] = IndexedExchange(rec, Frames(rec.ex, source))
            elif (ex := exchanges.get(rec.ex)) is not None:
                if isinstance(rec, Response):
                    ex.response = rec
                else:
                    ex.end = rec
        idx.torn_tail = reader.torn_tail_message()
        idx.session_end = reader.session_end
        idx.duration = last_t
    return idx


def to_saved(idx: RecordingIndex) -> dict[str, Any]:
    def columns(f: Frames) -> dict[str, Any]:
        return {"t": f.times.tobytes(), "off": f.offsets.tobytes(), "len": f.lengths.tobytes(),
                "inline": [[k, v] for k, v in f.inline.items()]}

    return {"byteorder": sys.byteorder, "header": idx.header.to_wire(), "torn_tail": idx.torn_tail,
            "duration": idx.duration,
            "exchanges": [[e.request.to_wire(), e.response.to_wire() if e.response else None,
                           e.end.to_wire() if e.end else None, columns(e.frames)] for e in idx.exchanges.values()]}


def from_saved(path: str, doc: dict[str, Any]) -> RecordingIndex:
    """Raises (anything) on a malformed entry; the caller then reads the recording itself."""
    if doc["byteorder"] != sys.byteorder:
        raise ValueError("written on a machine of the other byte order")
    idx = RecordingIndex(path, header_from_wire(doc["header"]), Source(path), torn_tail=doc["torn_tail"],
                         duration=float(doc["duration"]))
    for req_w, resp_w, end_w, cols in doc["exchanges"]:
        req = record_from_wire(req_w)
        resp = record_from_wire(resp_w) if resp_w is not None else None
        end = record_from_wire(end_w) if end_w is not None else None
        if not (isinstance(req, Request) and isinstance(resp, Response | None) and isinstance(end, End | None)):
            raise ValueError("records of the wrong kind")
        times, offs, lens = array("d"), array("q"), array("I")
        times.frombytes(cols["t"])
        offs.frombytes(cols["off"])
        lens.frombytes(cols["len"])
        if not len(times) == len(offs) == len(lens):
            raise ValueError("columns of different lengths")
        inline = {int(k): bytes(v) for k, v in cols["inline"]}
        idx.exchanges[req.ex] = IndexedExchange(req, Frames(req.ex, idx.source, times, offs, lens, inline),
                                                resp, end)
    return idx


def open_indexed(path: str, progress: Callable[[int, int], None] | None = None,
                 min_cache_bytes: int | None = None) -> RecordingIndex:
    """The recording's index: prepared at its end, else from the cache when it holds one for this very file,
    else by a full read (saved to the cache for next time when the file is large)."""
    return prepared.derived(path, _PART, lambda doc: from_saved(path, doc), lambda: scan(path, progress),
                            to_saved, min_cache_bytes)
